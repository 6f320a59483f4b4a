"""Request plumbing: who is asking, which version they expect, and idempotent retries.

- **Authentication**: ``Authorization: Bearer ldg_…`` (a token from ``ledger users add``); a
  missing, unknown or disabled token is 401. The acting user may add ``On-Behalf-Of`` (the
  responsible user) and a purpose (``Purpose``); both land in the access record.
- **If-Match**: every write to an existing household names the version it expects
  (``If-Match: "7"``, the ``ETag`` of its last read or write); a missing one is 428, a stale
  one 412 (the application refuses, nothing changes).
- **Idempotency-Key** on POST and PUT: the first response is stored (status, body, headers)
  with a hash of the request; a retry with the same key returns it again and runs nothing;
  the same key with another request is 422. A key is reserved before the command runs, so
  two concurrent retries never both run it (the second gets 409 until the first finishes).
  A reservation whose request never finished (the service was killed between reserving and
  storing the answer) is abandoned after a lease (``LEDGER_IDEMPOTENCY_LEASE_SECONDS``): a retry
  of a write that names If-Match runs again (if the first did commit, the version moved and the
  retry gets 412, so nothing is done twice); a retry of a referral, which has no version to
  guard it, gets 409 ``idempotency-interrupted``: its outcome is unknown, check the caseload.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.responses import JSONResponse, Response

from ledger.aggregates import Actor
from ledger.aggregates.vocabulary import Purpose
from ledger.bootstrap import Ledger
from ledger.projections.read_side import ReadSide

from .problems import ApiProblem

__all__ = ["BEARER_SCHEME", "Caller", "IdempotencyStore", "caller", "expected_version", "ledger_of", "read_side_of"]


def ledger_of(request: Request) -> Ledger:
    return request.app.state.ledger


def read_side_of(request: Request) -> ReadSide:
    return request.app.state.read_side


@dataclass(frozen=True)
class Caller:
    actor: Actor
    user_id: str


# The document's `bearer` security scheme (issue 17): a generated client sets the token once. Its own
# refusal is off (auto_error=False): a missing or wrong token gets this API's 401 problem below.
BEARER_SCHEME = HTTPBearer(
    scheme_name="bearer", auto_error=False,
    description="A user's API token (`ldg_…`, issued once by `ledger users add`): `Authorization: Bearer <token>`. "
                "Missing, unknown or disabled: 401 with `WWW-Authenticate: Bearer`.")


def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER_SCHEME)] = None,
    on_behalf_of: Annotated[str | None, Header(alias="On-Behalf-Of", max_length=128,
                                               description="The responsible user, when acting for someone else.")] = None,
    purpose: Annotated[Purpose | None, Header(alias="Purpose",
                                              description="Why the data is used (default coordination).")] = None,
) -> Caller:
    if credentials is None or not credentials.credentials.strip():
        raise ApiProblem(401, "unauthenticated", "Authentication required",
                         "Send Authorization: Bearer <token> (issued by `ledger users add`).",
                         headers={"WWW-Authenticate": "Bearer"})
    user = ledger_of(request).users.authenticate(credentials.credentials.strip())
    if user is None:
        raise ApiProblem(401, "unauthenticated", "Authentication required",
                         "The token is unknown or its user is disabled.", headers={"WWW-Authenticate": "Bearer"})
    actor: Actor = user.actor.replace(purpose=(purpose or Purpose.COORDINATION).value, on_behalf_of=on_behalf_of or None)
    request.state.user_id = user.user_id  # for the request log: an id, never a name
    return Caller(actor, user.user_id)


def expected_version(
    if_match: Annotated[str | None, Header(alias="If-Match", max_length=40,
                                           json_schema_extra={"pattern": '^(W/)?"[0-9]{1,15}"$'},
                                           description='The household version you expect: its ETag, e.g. "7".')] = None,
) -> int:
    if if_match is None:
        raise ApiProblem(428, "if-match-required", "Precondition required",
                         'Send If-Match with the household version you last saw (its ETag, e.g. "7").')
    value = if_match.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value.isdigit():
        raise ApiProblem(400, "invalid-if-match", "Invalid If-Match", 'If-Match must be a version ETag such as "7".')
    return int(value)


CallerDep = Annotated[Caller, Depends(caller)]
VersionDep = Annotated[int, Depends(expected_version)]


# ----------------------------------------------------------------- idempotency
_metadata = sa.MetaData()
idempotency_table = sa.Table(
    "api_idempotency",
    _metadata,
    sa.Column("user_id", sa.String(128), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("request_sha256", sa.String(64), nullable=False),
    sa.Column("status", sa.Integer),  # null while the first request runs
    sa.Column("body", sa.LargeBinary),
    sa.Column("headers", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

KEPT_HEADERS = ("etag", "location", "ledger-position", "content-type")


class IdempotencyStore:
    """First responses by (user, Idempotency-Key), in the ledger's database.

    The stored body is the write's response: ids, versions and positions, never personal
    data (write responses do not echo the request).
    """

    def __init__(self, engine: sa.Engine, lease_seconds: float = 30.0) -> None:
        self.engine = engine
        self.lease = timedelta(seconds=lease_seconds)
        _metadata.create_all(engine, checkfirst=True)

    @staticmethod
    def fingerprint(method: str, path: str, body: bytes, if_match: str | None) -> str:
        h = hashlib.sha256()
        for part in (method, path, if_match or "", ""):
            h.update(part.encode() + b"\0")
        h.update(body)
        return h.hexdigest()

    def begin(self, user_id: str, key: str, fingerprint: str, *, guarded: bool = False) -> Response | None:
        """Reserve the key; or return the stored first response of this same request.

        ``guarded``: the request names the version it expects (If-Match), so running it again
        after an abandoned first attempt cannot do it twice.
        """
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(idempotency_table).where(
                idempotency_table.c.user_id == user_id, idempotency_table.c.key == key)).first()
            if row is None:
                try:
                    with conn.begin_nested():  # a savepoint: a lost race leaves the transaction usable
                        conn.execute(sa.insert(idempotency_table).values(
                            user_id=user_id, key=key, request_sha256=fingerprint, created_at=datetime.now(UTC)))
                    return None
                except sa.exc.IntegrityError:
                    row = None
        if row is None:  # lost a race to reserve it
            raise ApiProblem(409, "idempotency-in-progress", "Request in progress",
                             "A request with this Idempotency-Key is being processed; retry shortly.",
                             headers={"Retry-After": "1"})
        if row.request_sha256 != fingerprint:
            raise ApiProblem(422, "idempotency-key-reused", "Idempotency-Key reused",
                             "This Idempotency-Key was used for a different request.")
        if row.status is None:
            if self._abandoned(row.created_at):
                if not guarded:
                    raise ApiProblem(409, "idempotency-interrupted", "Earlier request interrupted",
                                     "The first request with this Idempotency-Key was interrupted; whether it was "
                                     "recorded is unknown. Check before sending it again with a new key.")
                if self._take_over(user_id, key, row.created_at):
                    return None
            raise ApiProblem(409, "idempotency-in-progress", "Request in progress",
                             "A request with this Idempotency-Key is being processed; retry shortly.",
                             headers={"Retry-After": "1"})
        headers = json.loads(row.headers or "{}")
        headers["Idempotent-Replay"] = "true"
        return Response(content=row.body, status_code=row.status, headers=headers)

    def _abandoned(self, created_at: datetime) -> bool:
        if created_at.tzinfo is None:  # SQLite hands back naive UTC
            created_at = created_at.replace(tzinfo=UTC)
        return datetime.now(UTC) - created_at > self.lease

    def _take_over(self, user_id: str, key: str, created_at: datetime) -> bool:
        """Renew an abandoned reservation for this request; False if another retry renewed it first."""
        t = idempotency_table
        with self.engine.begin() as conn:
            done = conn.execute(sa.update(t).where(
                t.c.user_id == user_id, t.c.key == key, t.c.status.is_(None), t.c.created_at == created_at,
            ).values(created_at=datetime.now(UTC)))
        return done.rowcount == 1

    def finish(self, user_id: str, key: str, response: Response) -> None:
        headers = {k: v for k, v in response.headers.items() if k.lower() in KEPT_HEADERS}
        with self.engine.begin() as conn:
            conn.execute(sa.update(idempotency_table).where(
                idempotency_table.c.user_id == user_id, idempotency_table.c.key == key,
            ).values(status=response.status_code, body=bytes(response.body), headers=json.dumps(headers)))

    def release(self, user_id: str, key: str) -> None:
        """The request failed before any change: let a retry run it."""
        with self.engine.begin() as conn:
            conn.execute(sa.delete(idempotency_table).where(
                idempotency_table.c.user_id == user_id, idempotency_table.c.key == key,
                idempotency_table.c.status.is_(None)))


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)
