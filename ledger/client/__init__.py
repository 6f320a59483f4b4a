"""A thin, synchronous client for the ledger's HTTP API (``/v1``).

It knows HTTP and the API's conventions, nothing of the domain: it imports no other
``ledger`` module, so it works against any ledger service it can reach.

- **Versions**: every write to an existing household names the version it expects
  (sent as ``If-Match: "<version>"``) and returns a :class:`Written` with the new one;
  :meth:`LedgerClient.household` returns the state with its version (from ``ETag``).
- **Retries**: every write carries an ``Idempotency-Key`` (a fresh uuid4 per call unless you
  pass ``idempotency_key``). When the connection fails the client retries once with the same
  key, so a write that did reach the service is not done twice: the service answers the retry
  with the first response (and while that first attempt still runs, the client waits for it).
  Reads are retried once too.
- **Errors**: a problem+json answer becomes a :class:`LedgerApiError` subclass chosen by status
  (:class:`PreconditionFailed` for a stale version, :class:`RuleViolation` for a rule of the
  case, ...); a service that cannot be reached becomes :class:`LedgerUnavailable`. Their text
  is the service's title and detail (which hold no personal data) and the names of invalid
  fields; never a request body.
- **Pages**: list reads are iterators that follow the ``next`` cursor.

Example::

    with LedgerClient("http://127.0.0.1:8000", token) as ledger:
        w = ledger.refer(["wmo_desk"], [Member("adult", "A. Voorbeeld")])
        w = ledger.record_intake(w.household_id, w.version, ["finances"])
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import quote

import httpx

__all__ = [
    "Conflict",
    "Forbidden",
    "InvalidRequest",
    "LedgerApiError",
    "LedgerClient",
    "LedgerError",
    "LedgerUnavailable",
    "Member",
    "NotFound",
    "PreconditionFailed",
    "PreconditionRequired",
    "RuleViolation",
    "ServerError",
    "Unauthenticated",
    "Written",
    "error_from_response",
]

PROBLEM_BASE = "https://ledger.example.org/problems/"
DEFAULT_PAGE_SIZE = 100
RETRY_PAUSE_SECONDS = 0.25
IN_PROGRESS_WAITS = 8  # after a retry, wait up to ~9 s for a first attempt that is still running
UNAVAILABLE_RETRIES = 3  # 503 (the store is unreachable, e.g. restarting): retry as Retry-After says
UNAVAILABLE_MAX_WAIT = 5.0
# The request never left this machine: retrying cannot do anything twice.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout)


# ----------------------------------------------------------------- results
@dataclass(frozen=True, slots=True)
class Written:
    """What a write returns: the household, its new version, the ledger position, a created item's id."""

    household_id: str
    version: int
    position: int
    item_id: str | None = None


@dataclass(frozen=True, slots=True)
class Member:
    """A household member in a referral (personal data: sent, never logged or shown in errors)."""

    role: str  # adult or child
    name: str
    bsn: str | None = None
    birth_date: date | str | None = None
    phone: str | None = None
    email: str | None = None


# ----------------------------------------------------------------- errors
class LedgerError(Exception):
    """Anything the client raises."""


class LedgerUnavailable(LedgerError):
    """The service could not be reached (or the connection broke twice)."""

    def __init__(self, base_url: str, reason: str) -> None:
        super().__init__(f"cannot reach the ledger at {base_url}: {reason}")
        self.base_url, self.reason = base_url, reason


class LedgerApiError(LedgerError):
    """The service refused: one problem+json answer (RFC 9457).

    ``type`` is the problem type URI, ``code`` its last part (e.g. ``intake_already_held``);
    ``invalid_params`` lists ``{"name", "code", "reason"}`` per offending field (400 only).
    """

    def __init__(self, status: int, type: str, title: str, detail: str,  # noqa: A002 - RFC 9457's name
                 invalid_params: Sequence[Mapping[str, Any]] = ()) -> None:
        self.status, self.type, self.title, self.detail = status, type, title, detail
        self.invalid_params = [dict(p) for p in invalid_params]
        super().__init__(self.message)

    @property
    def code(self) -> str:
        return self.type.rsplit("/", 1)[-1] if self.type else ""

    @property
    def message(self) -> str:
        """One line: title, detail, and which fields were invalid."""
        text = f"{self.title}: {self.detail}" if self.detail else self.title
        if self.invalid_params:
            fields = "; ".join(f"{p.get('name', '?')}: {p.get('reason', 'invalid')}" for p in self.invalid_params)
            text = f"{text} ({fields})"
        return " ".join(text.split())

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, type={self.type!r}, title={self.title!r})"


class InvalidRequest(LedgerApiError):
    """400: the request does not match the API description, or an input is invalid."""


class Unauthenticated(LedgerApiError):
    """401: no token, or an unknown or disabled one."""


class Forbidden(LedgerApiError):
    """403: the access policy refused (the attempt is access-recorded)."""


class NotFound(LedgerApiError):
    """404: no such household, item or route."""


class Conflict(LedgerApiError):
    """409: a request with this Idempotency-Key is still running."""


class PreconditionFailed(LedgerApiError):
    """412: the household is at another version than the one you named; reload it."""


class RuleViolation(LedgerApiError):
    """422: a rule of the case refused the command (or an Idempotency-Key was reused for another request)."""


class PreconditionRequired(LedgerApiError):
    """428: a write to a household without If-Match."""


class ServerError(LedgerApiError):
    """5xx: the service failed; it shows nothing more, to protect case data."""


_BY_STATUS: dict[int, type[LedgerApiError]] = {
    400: InvalidRequest, 401: Unauthenticated, 403: Forbidden, 404: NotFound, 409: Conflict,
    412: PreconditionFailed, 422: RuleViolation, 428: PreconditionRequired,
}


def error_from_response(response: httpx.Response) -> LedgerApiError:
    """The typed error for a 4xx/5xx answer. Reads the problem body only, never the request."""
    status = response.status_code
    problem: dict[str, Any] = {}
    if "json" in response.headers.get("content-type", ""):
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            problem = body
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else LedgerApiError)
    title = str(problem.get("title") or response.reason_phrase or f"HTTP {status}")
    detail = str(problem.get("detail") or ("" if problem else f"the service answered HTTP {status}"))
    params = problem.get("invalidParams") or problem.get("invalid_params") or []
    if not isinstance(params, list):
        params = []
    return cls(status, str(problem.get("type") or "about:blank"), title, detail,
               [p for p in params if isinstance(p, dict)])


# ----------------------------------------------------------------- helpers
def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return _clean(asdict(value))
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    return value


def _clean(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON body: dates as ISO strings, and fields left at None not sent (the API's default)."""
    return {k: _plain(v) for k, v in fields.items() if v is not None}


def _seg(value: str) -> str:
    """One path segment, escaped (an id can never reach another route)."""
    return quote(str(value), safe="")


def _version_of(etag: str | None) -> int | None:
    if not etag:
        return None
    value = etag.strip().removeprefix("W/").strip('"')
    return int(value) if value.isdigit() else None


# ----------------------------------------------------------------- the client
class LedgerClient:
    """The ledger's API over HTTP, as one user (the bearer token's).

    ``purpose`` (coordination, service_delivery, evaluation, accountability) and
    ``on_behalf_of`` (a responsible user's id) go with every request and land in the
    access records. ``transport`` replaces httpx's (tests: a mock or a flaky one).
    """

    def __init__(self, base_url: str, token: str, *, timeout: float = 10,
                 transport: httpx.BaseTransport | None = None, purpose: str | None = None,
                 on_behalf_of: str | None = None, page_size: int = DEFAULT_PAGE_SIZE) -> None:
        self.base_url = base_url.rstrip("/")
        self.page_size = page_size
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json, application/problem+json"}
        if purpose:
            headers["Purpose"] = purpose
        if on_behalf_of:
            headers["On-Behalf-Of"] = on_behalf_of
        self._http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout, transport=transport)

    def __repr__(self) -> str:  # never the token
        return f"LedgerClient({self.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> LedgerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- transport
    def _request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                 body: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None,
                 retry: bool = True) -> httpx.Response:
        """One request; when ``retry`` (idempotent or keyed): retried once on a broken connection, and up to
        three times on 503 (the store unreachable) after its Retry-After."""
        content = None
        sent_headers = dict(headers or {})
        if body is not None:
            content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()  # the same bytes on a retry
            sent_headers["Content-Type"] = "application/json"
        query = {k: _plain(v) for k, v in (params or {}).items() if v is not None}
        keyed = "Idempotency-Key" in sent_headers
        retried, waits, unavailable = False, 0, 0
        while True:
            try:
                response = self._http.request(method, "/v1" + path, params=query or None, content=content,
                                              headers=sent_headers)
            except httpx.TransportError as exc:
                if not retried and (retry or isinstance(exc, _NOT_SENT)):
                    retried = True
                    time.sleep(RETRY_PAUSE_SECONDS)
                    continue
                raise LedgerUnavailable(self.base_url, _reason(exc)) from None
            if response.status_code == 503 and retry and unavailable < UNAVAILABLE_RETRIES:
                # Nothing was done (the service answers 503 only when the store is unreachable),
                # and a keyed write is safe to send again anyway.
                unavailable += 1
                time.sleep(_retry_after(response))
                continue
            if keyed and retried and waits < IN_PROGRESS_WAITS and _in_progress(response):
                # Our first attempt is still running on the service: wait for its stored answer.
                waits += 1
                time.sleep(RETRY_PAUSE_SECONDS * waits)
                continue
            break
        if response.status_code >= 400:
            raise error_from_response(response)
        return response

    def _get(self, path: str, **params: Any) -> Any:
        return self._request("GET", path, params=params).json()

    def _pages(self, path: str, params: Mapping[str, Any] | None = None, page_size: int | None = None,
               headers: Mapping[str, str] | None = None) -> Iterator[dict[str, Any]]:
        """Follow ``next`` cursors. The first page is fetched now, so a refusal raises at the call."""
        def fetch(cursor: str | None) -> dict[str, Any]:
            query = {**(params or {}), "limit": page_size or self.page_size, "cursor": cursor}
            return self._request("GET", path, params=query, headers=headers).json()

        def follow(page: dict[str, Any]) -> Iterator[dict[str, Any]]:
            while True:
                yield from page["items"]
                if not page.get("next"):
                    return
                page = fetch(page["next"])
        return follow(fetch(None))

    def _write(self, path: str, version: int | None, body: Mapping[str, Any], idempotency_key: str | None,
               method: Literal["POST", "PUT"] = "POST") -> Written:
        headers = {"Idempotency-Key": idempotency_key or str(uuid.uuid4())}
        if version is not None:
            headers["If-Match"] = f'"{int(version)}"'
        data = self._request(method, path, body=_clean(body), headers=headers, retry=True).json()
        return Written(str(data["household_id"]), int(data["version"]), int(data["position"]), data.get("item_id"))

    def _command(self, household_id: str, path: str, version: int, idempotency_key: str | None,
                 method: Literal["POST", "PUT"] = "POST", **body: Any) -> Written:
        return self._write(f"/households/{_seg(household_id)}/{path}", version, body, idempotency_key, method)

    @staticmethod
    def _emergency(reason: str | None) -> dict[str, str]:
        """Break the glass. The reason travels in a header: non-ASCII text as an RFC 8187 ext-value."""
        if not reason:
            return {}
        if reason.isascii():
            return {"Emergency-Reason": reason}
        from urllib.parse import quote

        return {"Emergency-Reason": "UTF-8''" + quote(reason, safe="")}

    # ------------------------------------------------------------- service and user
    def health(self) -> dict[str, Any]:
        """Whether the service runs, its store and how far the views are (no case data)."""
        return self._get("/health")

    def me(self) -> dict[str, Any]:
        """Who the token belongs to: ``user_id``, ``organisation``, ``role``."""
        return self._get("/users/me")

    # ------------------------------------------------------------- households: referral and reads
    def refer_household(self, sources: Sequence[str], members: Iterable[Member | Mapping[str, Any]],
              address: str | None = None, reason: str | None = None, on: date | str | None = None,
              idempotency_key: str | None = None, addressed_to: str | None = None) -> Written:
        """Refer a new household (version 1). ``members``: :class:`Member` or dicts with the same keys.

        ``addressed_to``: the organisation whose intake team takes it (default: the municipality's).
        """
        return self._write("/households", None, {"sources": list(sources), "members": [_plain(m) for m in members],
                                                 "address": address, "reason": reason, "on": on,
                                                 "addressed_to": addressed_to}, idempotency_key)

    def caseload(self, phase: str | None = None, *, page_size: int | None = None) -> Iterator[dict[str, Any]]:
        """The households this user may see (id, version, phase, referred_on, case_director, erased)."""
        return self._pages("/households", {"phase": phase}, page_size)

    def household(self, household_id: str, as_of: date | str | None = None, *,
                  emergency_reason: str | None = None) -> tuple[dict[str, Any], int]:
        """The household's state (or as it was at the end of ``as_of``) and its current version."""
        response = self._request("GET", f"/households/{_seg(household_id)}", params={"asOf": as_of},
                                 headers=self._emergency(emergency_reason))
        state = response.json()
        version = _version_of(response.headers.get("etag"))
        return state, version if version is not None else int(state["version"])

    def events(self, household_id: str, *, emergency_reason: str | None = None,
               page_size: int | None = None) -> Iterator[dict[str, Any]]:
        """Every event of the household, oldest first (version, type, recorded_at, actor, data)."""
        return self._pages(f"/households/{_seg(household_id)}/events", None, page_size,
                           self._emergency(emergency_reason))

    def plan(self, household_id: str, min_position: int = 0, *, emergency_reason: str | None = None) -> dict[str, Any]:
        """The current plan (view). Pass your last write's ``position`` to read your own writes."""
        return self._request("GET", f"/households/{_seg(household_id)}/plan", params={"minPosition": min_position},
                             headers=self._emergency(emergency_reason)).json()

    def involved_parties(self, household_id: str, min_position: int = 0, *,
                         emergency_reason: str | None = None) -> dict[str, Any]:
        """Who else works with this household, now and before (view)."""
        return self._request("GET", f"/households/{_seg(household_id)}/involved-parties",
                             params={"minPosition": min_position}, headers=self._emergency(emergency_reason)).json()

    def household_access_log(self, household_id: str, *, page_size: int | None = None) -> Iterator[dict[str, Any]]:
        """Who accessed this household, oldest first (privacy officer)."""
        return self._pages(f"/households/{_seg(household_id)}/access-log", None, page_size)

    def record_access_request(self, household_id: str, *, requester: str = "data_subject",
                              identity_check: str, received_on: date | str | None = None) -> str:
        """Record a data subject's access request (the municipality's privacy officer); returns its id."""
        body = _clean({"requester": requester, "identity_check": identity_check, "received_on": received_on})
        return str(self._request("POST", f"/households/{_seg(household_id)}/access-requests", body=body,
                                 retry=False).json()["request_id"])

    def export_household(self, household_id: str, access_request: str) -> dict[str, Any]:
        """Answer a recorded access request (AVG art. 15): their data and every access to it (privacy officer)."""
        return self._get(f"/households/{_seg(household_id)}/export", accessRequest=access_request)

    # ------------------------------------------------------------- households: commands
    def record_intake(self, household_id: str, version: int, domains_discussed: Sequence[str], *,
                      agencies_involved: Sequence[str] = (), summary: str | None = None,
                      on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "intakes", version, idempotency_key,
                             domains_discussed=list(domains_discussed), agencies_involved=list(agencies_involved),
                             summary=summary, on=on)

    def decide_coordination(self, household_id: str, version: int, outcome: str, *, rationale: str | None = None,
                            on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "coordination-decisions", version, idempotency_key,
                             outcome=outcome, rationale=rationale, on=on)

    def set_case_director(self, household_id: str, version: int, user_id: str, organisation: str, *,
                          reason: str | None = None, on: date | str | None = None,
                          idempotency_key: str | None = None) -> Written:
        """Assign the case director, or replace the current one (then give a ``reason``)."""
        return self._command(household_id, "case-director", version, idempotency_key, "PUT",
                             user_id=user_id, organisation=organisation, reason=reason, on=on)

    def grant_consent(self, household_id: str, version: int, *, organisations: Sequence[str],
                      data_categories: Sequence[str], purpose: str = "coordination", basis: str = "consent",
                      member_id: str | None = None, valid_from: date | str | None = None,
                      valid_until: date | str | None = None, legal_reference: str | None = None,
                      on: date | str | None = None, idempotency_key: str | None = None,
                      decided_by: str | None = None) -> Written:
        """A member's consent (``basis="consent"``, name the ``member_id``) or a legal basis; ``item_id`` is its id.

        A legal basis names who decided it (``decided_by``, default you) and goes to the privacy officer's review.
        """
        return self._command(household_id, "consents", version, idempotency_key, basis=basis, member_id=member_id,
                             organisations=list(organisations), data_categories=list(data_categories),
                             purpose=purpose, valid_from=valid_from, valid_until=valid_until,
                             legal_reference=legal_reference, on=on, decided_by=decided_by)

    def withdraw_consent(self, household_id: str, version: int, consent_id: str, *, on: date | str | None = None,
                         idempotency_key: str | None = None) -> Written:
        return self._command(household_id, f"consents/{_seg(consent_id)}/withdrawal", version, idempotency_key, on=on)

    def record_zrm_measurement(self, household_id: str, version: int, scores: Mapping[str, int], *, instrument: str = "2017",
                   moment: str = "intake", member_id: str | None = None, on: date | str | None = None,
                   idempotency_key: str | None = None) -> Written:
        """A ZRM measurement: ``scores`` by life domain, 1..5; ``item_id`` is the measurement's id."""
        return self._command(household_id, "zrm-measurements", version, idempotency_key, instrument=instrument,
                             moment=moment, scores=dict(scores), member_id=member_id, on=on)

    def set_plan_goal(self, household_id: str, version: int, life_domain: str, description: str, *,
                 target_date: date | str | None = None, on: date | str | None = None,
                 idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "plan/goals", version, idempotency_key, life_domain=life_domain,
                             description=description, target_date=target_date, on=on)

    def revise_plan_goal(self, household_id: str, version: int, goal_id: str, *, description: str | None = None,
                         target_date: date | str | None = None, on: date | str | None = None,
                         idempotency_key: str | None = None) -> Written:
        """Reword a goal or move its target date (what is left out stays as it was)."""
        return self._command(household_id, f"plan/goals/{_seg(goal_id)}/revision", version, idempotency_key,
                             description=description, target_date=target_date, on=on)

    def add_plan_action(self, household_id: str, version: int, goal_id: str, description: str, performer_kind: str, *,
                   organisation: str | None = None, due_on: date | str | None = None, on: date | str | None = None,
                   idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "plan/actions", version, idempotency_key, goal_id=goal_id,
                             description=description, performer_kind=performer_kind, organisation=organisation,
                             due_on=due_on, on=on)

    def complete_plan_action(self, household_id: str, version: int, action_id: str, *, on: date | str | None = None,
                        idempotency_key: str | None = None) -> Written:
        return self._command(household_id, f"plan/actions/{_seg(action_id)}/completion", version, idempotency_key,
                             on=on)

    def cancel_plan_action(self, household_id: str, version: int, action_id: str, *, reason: str | None = None,
                      on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        return self._command(household_id, f"plan/actions/{_seg(action_id)}/cancellation", version,
                             idempotency_key, reason=reason, on=on)

    def start_involvement(self, household_id: str, version: int, organisation: str, discipline: str, *,
                          kind: str = "professional", worker_id: str | None = None, contact_name: str | None = None,
                          on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "involvements", version, idempotency_key, kind=kind,
                             organisation=organisation, discipline=discipline, worker_id=worker_id,
                             contact_name=contact_name, on=on)

    def end_involvement(self, household_id: str, version: int, involvement_id: str, reason: str, *,
                        on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        """``reason``: goal_reached, handed_over, household_stopped, no_contact, capacity, other."""
        return self._command(household_id, f"involvements/{_seg(involvement_id)}/ending", version,
                             idempotency_key, reason=reason, on=on)

    def hold_evaluation(self, household_id: str, version: int, conclusion: str, *, final: bool = False,
                        notes: str | None = None, on: date | str | None = None,
                        idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "evaluations", version, idempotency_key, conclusion=conclusion,
                             final=final, notes=notes, on=on)

    def raise_escalation(self, household_id: str, version: int, level: str, reason: str, *,
                         on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "escalations", version, idempotency_key, level=level, reason=reason,
                             on=on)

    def resolve_escalation(self, household_id: str, version: int, escalation_id: str, *,
                           resolution: str | None = None, on: date | str | None = None,
                           idempotency_key: str | None = None) -> Written:
        return self._command(household_id, f"escalations/{_seg(escalation_id)}/resolution", version,
                             idempotency_key, resolution=resolution, on=on)

    def record_cost(self, household_id: str, version: int, kind: str, stream: str, amount_eur: Decimal | str,
                    period_start: date | str, period_end: date | str, *, description: str | None = None,
                    on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "costs", version, idempotency_key, kind=kind, stream=stream,
                             amount_eur=str(amount_eur), period_start=period_start, period_end=period_end,
                             description=description, on=on)

    def hand_over(self, household_id: str, version: int, to_organisation: str, *, warm: bool = True,
                  notes: str | None = None, on: date | str | None = None,
                  idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "handovers", version, idempotency_key, to_organisation=to_organisation,
                             warm=warm, notes=notes, on=on)

    def record_drop_out(self, household_id: str, version: int, kind: str, *, reason: str | None = None,
                        on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "drop-outs", version, idempotency_key, kind=kind, reason=reason, on=on)

    def close_case(self, household_id: str, version: int, reason: str, *,
                   aftercare_until: date | str | None = None, on: date | str | None = None,
                   idempotency_key: str | None = None) -> Written:
        """Close the case (``close()`` releases the client's connections, as in httpx)."""
        return self._command(household_id, "closure", version, idempotency_key, reason=reason,
                             aftercare_until=aftercare_until, on=on)

    def reopen_case(self, household_id: str, version: int, *, reason: str | None = None, on: date | str | None = None,
               idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "reopening", version, idempotency_key, reason=reason, on=on)

    def place_retention_hold(self, household_id: str, version: int, law: str, until: date | str, *,
                             on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "retention-holds", version, idempotency_key, law=law, until=until, on=on)

    def request_erasure(self, household_id: str, version: int, reason: str = "data_subject_request", *,
                        on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        """The municipality's privacy officer requests erasure; another person (its admin) executes it."""
        return self._command(household_id, "erasure-requests", version, idempotency_key, reason=reason, on=on)

    def erase_household(self, household_id: str, version: int, reason: str = "data_subject_request", *,
              on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        """Erase a closed household (the municipality's admin, on a recorded request): its data key is destroyed."""
        return self._command(household_id, "erasure", version, idempotency_key, reason=reason, on=on)

    # Older names, kept for callers (each the same method; ledger/aggregates/actions.py names the use cases).
    refer = refer_household
    export = export_household
    record_zrm = record_zrm_measurement
    set_goal = set_plan_goal
    add_action = add_plan_action
    complete_action = complete_plan_action
    cancel_action = cancel_plan_action
    reopen = reopen_case
    erase = erase_household

    # ------------------------------------------------------------- across households
    def caseloads(self, on: date | str | None = None, by: Literal["director", "organisation"] = "director", *,
                  min_position: int = 0) -> list[dict[str, Any]]:
        """Active households by phase, per case director or per organisation (no case content)."""
        return self._get("/caseloads", on=on, by=by, minPosition=min_position)

    def access_log(self, *, household_id: str | None = None, user_id: str | None = None,
                   day: date | str | None = None, category: str | None = None,
                   since: datetime | str | None = None, until: datetime | str | None = None,
                   page_size: int | None = None) -> Iterator[dict[str, Any]]:
        """Access records, oldest first, by any NEN 7513 view (privacy officer)."""
        return self._pages("/access-log", {"householdId": household_id, "userId": user_id, "day": day,
                                           "category": category, "since": since, "until": until}, page_size)

    def emergencies(self) -> list[dict[str, Any]]:
        """Emergency (break-the-glass) accesses not reviewed yet (privacy officer)."""
        return list(self._get("/access-log", awaitingReview="true")["items"])

    def review_emergency(self, record_id: str, verdict: Literal["justified", "unjustified"]) -> dict[str, Any]:
        """The privacy officer's verdict on one emergency access."""
        return self._request("POST", f"/access-log/{_seg(record_id)}/review", body={"verdict": verdict},
                             retry=False).json()

    def digest(self) -> dict[str, Any]:
        """A signed digest of the ledger's hash chain (position, head, signed_at, public_key, signature)."""
        return self._get("/audit/digest")

    def verify(self) -> dict[str, Any]:
        """Recompute the hash chain on the service (``ok``, ``checked``, ``first_bad_position``, ...)."""
        return self._request("POST", "/audit/verification").json()

    def evaluation_report(self, *, from_: date | str | None = None, to: date | str | None = None,
                          as_of: date | str | None = None, min_cell: int | None = None) -> dict[str, Any]:
        """The evaluation report as JSON (pseudonymous aggregates), replayed as of ``as_of`` (default today).

        ``from_``/``to`` bound the referral dates counted (widened to whole blocks of months);
        ``min_cell`` raises the service's minimum cell size, never lowers it (docs/evaluation.md).
        """
        return self._get("/reports/evaluation", **{"from": from_, "to": to, "asOf": as_of, "minCell": min_cell})

    def evaluation_report_document(self, format: Literal["html", "csv", "json"] = "html", *,  # noqa: A002
                                   from_: date | str | None = None, to: date | str | None = None,
                                   as_of: date | str | None = None, lang: Literal["nl", "en"] = "nl",
                                   min_cell: int | None = None) -> str:
        """The evaluation report as a document: self-contained HTML, CSV, or the JSON text."""
        return self._request("GET", "/reports/evaluation", params={
            "from": from_, "to": to, "asOf": as_of, "format": format, "lang": lang, "minCell": min_cell}).text


def _retry_after(response: httpx.Response) -> float:
    """Seconds to wait before a retry: the Retry-After header (seconds), within bounds."""
    try:
        return min(max(float(response.headers.get("Retry-After", "1")), 0.1), UNAVAILABLE_MAX_WAIT)
    except ValueError:
        return 1.0


def _in_progress(response: httpx.Response) -> bool:
    """409 ``idempotency-in-progress``: a request with this key is still being processed."""
    if response.status_code != 409:
        return False
    try:
        return str(response.json().get("type", "")).endswith("/idempotency-in-progress")
    except (ValueError, AttributeError):
        return False


def _reason(exc: httpx.TransportError) -> str:
    """Why the connection failed, in words (httpx's text names the socket error, never a body)."""
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    text = str(exc).strip()
    if isinstance(exc, httpx.ConnectError):
        return "connection refused" if "refused" in text.lower() else (text or "cannot connect")
    return text or type(exc).__name__
