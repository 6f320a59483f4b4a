"""What the routers share: documented problem responses, path and query parameters, writes, pages.

- ``written``: a write's answer (``WriteResult``, ``ETag``, ``Ledger-Position``, ``Location``).
- ``idempotent``: a write run once per ``Idempotency-Key``; a repeat gets the stored first answer.
- Cursors are opaque: an offset, or the last access-record position seen.
"""

from __future__ import annotations

import base64
import hmac
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from ledger.aggregates import errors

from ..deps import IdempotencyStore, ledger_of
from ..problems import STATUS, ApiProblem, _instance, problem
from ..schemas import ReferralResult, WriteResult

__all__ = [
    "READ_ERRORS", "VIEW_READ_ERRORS", "WRITE_ERRORS", "Cursor", "EmergencyReason", "HouseholdId", "IdempotencyKey",
    "AsOfParam", "ItemId", "KnownAtParam", "Limit", "MinPosition", "decode_cursor", "decode_keyset",
    "decode_name_cursor", "encode_cursor",
    "encode_keyset", "encode_name_cursor", "idempotent", "page",
    "parse_times", "problem_responses", "reason_text", "records_page", "written",
]

_WORDS = {400: "The request does not match this description (invalidParams names the fields)",
          401: "No valid bearer token", 403: "Refused by the access policy (recorded)", 404: "No such household or item",
          409: "A request with this Idempotency-Key is still running", 412: "If-Match is not the current version",
          422: "Refused by a rule of the case, or an Idempotency-Key reused for another request",
          428: "If-Match is missing", 503: "The views have not caught up yet"}


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Documented problem responses (ledger/api/openapi.py gives each the problem+json schema)."""
    return {code: {"description": _WORDS[code]} for code in (400, 401, *codes)}


READ_ERRORS = problem_responses(403, 404)
VIEW_READ_ERRORS = {**READ_ERRORS, **problem_responses(503)}
WRITE_ERRORS = problem_responses(403, 404, 409, 412, 422, 428)

HouseholdId = Annotated[str, Path(alias="household_id", description="The household's id (a UUID).",
                                  min_length=1, max_length=64)]
ItemId = Annotated[str, Path(min_length=1, max_length=64)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200,
                                              description="Retry-safe key: a repeat returns the first response.")]
EmergencyReason = Annotated[str | None, Header(
    alias="Emergency-Reason", max_length=1500,
    description="Break the glass: why you need this without a consent. Non-ASCII text as an RFC 8187 "
                "ext-value: UTF-8'' followed by the percent-encoded text.")]
Cursor = Annotated[str | None, Query(alias="cursor", max_length=200, description="From the previous page's `next`.")]
Limit = Annotated[int, Query(alias="limit", ge=1, le=500, description="Page size.")]
MinPosition = Annotated[int, Query(alias="minPosition", ge=0,
                                   description="Wait until the views hold this ledger position (your last write).")]


def written(request: Request, household_id: str, version: int, item: str | None, status: int = 201,
            shown: dict[str, Any] | None = None) -> JSONResponse:
    """``shown``: what the answer shows besides the write (a consent as stored, ``ConsentResult``)."""
    position = ledger_of(request).app.last_written_position
    body = WriteResult(household_id=household_id, version=version, position=position, item_id=item).model_dump()
    body.update(shown or {})
    return JSONResponse(body, status_code=status,
                        headers={"ETag": f'"{version}"', "Ledger-Position": str(position),
                                 "Location": f"/v1/households/{household_id}"})


def referred(request: Request, household_id: str, version: int, *, already_known: bool) -> JSONResponse:
    """A referral's answer: 201 for a new household; 200 with ``already_known`` for a known one it was added to.

    A referrer without a relationship to a known household gets the 201 of a new one: the same
    fields, headers and status as for a BSN nobody knows.
    """
    position = ledger_of(request).app.last_written_position
    body = ReferralResult(household_id=household_id, version=version, position=position,
                          already_known=already_known).model_dump()
    return JSONResponse(body, status_code=200 if already_known else 201,
                        headers={"ETag": f'"{version}"', "Ledger-Position": str(position),
                                 "Location": f"/v1/households/{household_id}"})


async def idempotent(request: Request, key: str | None, user_id: str, run: Callable[[], Response]) -> Response:
    """Run a write once per Idempotency-Key; a repeat gets the stored first response."""
    if key is None:
        return run()
    store: IdempotencyStore = request.app.state.idempotency
    fingerprint = store.fingerprint(request.method, request.url.path, await request.body(),
                                    request.headers.get("if-match"))
    replay = store.begin(user_id, key, fingerprint, guarded=request.headers.get("if-match") is not None)
    if replay is not None:
        return replay
    try:
        response = run()
    except errors.HouseholdError as exc:
        status, title = next((s, t) for cls, s, t in STATUS if isinstance(exc, cls))
        response = problem(status, exc.code, title, str(exc), instance=_instance(request))
    except ApiProblem as exc:
        response = problem(exc.status, exc.code, exc.title, exc.detail, instance=_instance(request))
    except BaseException:
        store.release(user_id, key)
        raise
    store.finish(user_id, key, response)
    return response


def reason_text(header: str | None) -> str | None:
    """The Emergency-Reason header as text (RFC 8187 ext-value ``UTF-8''…`` decoded)."""
    if header is None:
        return None
    if header[:7].upper() == "UTF-8''":
        from urllib.parse import unquote

        try:
            return unquote(header[7:], encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            raise ApiProblem(400, "invalid-emergency-reason", "Invalid Emergency-Reason",
                             "Emergency-Reason is not valid percent-encoded UTF-8.") from None
    return header


def encode_cursor(mark: int) -> str:
    """An opaque cursor for a list page: an offset, or the last access-record position seen."""
    return base64.urlsafe_b64encode(json.dumps({"o": mark}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        mark = int(json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["o"])
    except (ValueError, KeyError, TypeError):
        raise ApiProblem(400, "invalid-cursor", "Invalid cursor", "Use the `next` value of the previous page.") from None
    if mark < 0:
        raise ApiProblem(400, "invalid-cursor", "Invalid cursor", "Use the `next` value of the previous page.")
    return mark


def _tag(request: Request, mark: int | str, context: tuple[str, ...]) -> str:
    """The cursor's tag: keyed (the deployment's index key, domain-separated), over the key and what it was issued for."""
    import hashlib

    data = json.dumps([mark, *context]).encode()
    key = getattr(ledger_of(request).app.keys, "index_key", None)
    return key.tag("list-cursor", data) if key is not None else hashlib.sha256(data).hexdigest()[:32]


def encode_keyset(request: Request, mark: int, *context: str) -> str:
    """An opaque cursor for a keyset-paged list: the last key seen, tagged for the caller and the filters."""
    return _encode(request, mark, context)


def _encode(request: Request, mark: int | str, context: tuple[str, ...]) -> str:
    body = {"k": mark, "t": _tag(request, mark, context)}
    return base64.urlsafe_b64encode(json.dumps(body).encode()).decode().rstrip("=")


def decode_keyset(request: Request, cursor: str | None, *context: str) -> int:
    """The last key of the previous page (0 without a cursor).

    A cursor that is not one the service issued, was changed, or was issued to another user or
    for other filters is a 400 problem: a page starts only where a page of the same list, for
    the same caller, ended.
    """
    mark = _decode(request, cursor, context, int)
    return 0 if mark is None else int(mark)


def _decode(request: Request, cursor: str | None, context: tuple[str, ...], kind: type) -> int | str | None:
    if not cursor:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        mark: int | str = data["k"]
        ok = (type(mark) is kind and (isinstance(mark, str) or mark >= 0) and set(data) == {"k", "t"}
              and hmac.compare_digest(str(data["t"]), _tag(request, mark, context)))
    except (ValueError, KeyError, TypeError, AttributeError):
        ok = False
    if not ok:
        raise ApiProblem(400, "invalid-cursor", "Invalid cursor",
                         "Use the `next` value of the previous page of this list, with the same filters.")
    return mark


def encode_name_cursor(request: Request, last: str, *context: str) -> str:
    """An opaque cursor for a list keyset-paged by a text key (an organisation id): :func:`encode_keyset`'s kind."""
    return _encode(request, last, context)


def decode_name_cursor(request: Request, cursor: str | None, *context: str) -> str | None:
    """The text key of the previous page's last item (None without a cursor); as :func:`decode_keyset`."""
    mark = _decode(request, cursor, context, str)
    return None if mark is None else str(mark)


def records_page(rows: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    """A page of access records fetched with ``limit + 1``: the extra row only says there is more."""
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next": encode_cursor(rows[-1]["position"]) if more and rows else None}


def page(items: list[Any], cursor: str | None, limit: int) -> dict[str, Any]:
    """One page of a list the service holds whole; the cursor is an offset."""
    start = decode_cursor(cursor)
    chunk = items[start:start + limit]
    return {"items": chunk, "next": encode_cursor(start + limit) if start + limit < len(items) else None}


# The two times of an as-of read (docs/api.md "Two times"). Declared as text and parsed here, so a
# timestamp given as asOf (its meaning before issue 14) gets a problem that says what to send instead.
AsOfParam = Annotated[str | None, Query(
    alias="asOf", max_length=40, json_schema_extra={"format": "date"},
    description="Business date (YYYY-MM-DD): what was true on that day, by the dates the events carry. Default today.")]
KnownAtParam = Annotated[str | None, Query(
    alias="knownAt", max_length=40,
    json_schema_extra={"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "format": "date-time"}]},
    description="Knowledge time: a ledger position, or an RFC 3339 timestamp with offset (the last position "
                "recorded at or before it). Only what the ledger had recorded by then counts. Default the head.")]


def parse_times(as_of: str | None, known_at: str | None) -> tuple[date | None, int | datetime | None]:
    """``asOf`` as a date and ``knownAt`` as a position or an aware moment; a bad value is an invalid input (400)."""
    day = None
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of) if len(as_of) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise errors.InvalidInputError(
                f"asOf is a business date now (YYYY-MM-DD), not {errors.shown(as_of)}; to ask what the ledger had "
                "recorded by a moment, pass knownAt (a ledger position or an RFC 3339 timestamp with offset).")
    moment: int | datetime | None = None
    if known_at is not None:
        if known_at.isascii() and known_at.isdigit():
            moment = int(known_at)
        else:
            try:
                moment = datetime.fromisoformat(known_at)
            except ValueError:
                moment = None
            if moment is None or moment.tzinfo is None:
                raise errors.InvalidInputError(
                    f"knownAt must be a ledger position or an RFC 3339 timestamp with offset, not {errors.shown(known_at)}.")
    return day, moment
