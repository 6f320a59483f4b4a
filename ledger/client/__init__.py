"""A thin, synchronous client for the ledger's HTTP API (``/v1``).

It knows HTTP and the API's conventions, nothing of the domain: it imports no other
``ledger`` module, so it works against any ledger service it can reach.

- **Versions**: every write to an existing household names the version it expects
  (sent as ``If-Match: "<version>"``) and returns a :class:`Written` with the new one;
  :meth:`LedgerClient.household` returns the state with its version (from ``ETag``).
- **Retries**: every write carries an ``Idempotency-Key`` (a fresh uuid4 per call unless you
  pass ``idempotency_key``). When the connection breaks the client retries once with the same
  key, so a write that did reach the service is not done twice: the service answers the retry
  with the first response (and while that first attempt still runs, the client waits for it).
  Short reads are retried once too. A request that never left (connection refused) is sent again;
  one that reached the service and got no answer in time is not (:class:`LedgerTimeout`: the
  service may still be computing it), nor is a report whose connection broke.
- **Time-outs**: 5 s to connect; then 30 s for commands and reads, 10 minutes for reports and the
  audit's recomputation. ``timeout=`` (or ``LEDGER_CLIENT_TIMEOUT``) sets one read time-out for a
  client; the long calls take their own ``timeout=`` too.
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

from .audit import AuditRequests
from .commands import CommandRequests
from .errors import (Conflict, Forbidden, InvalidRequest, LedgerApiError, LedgerError, LedgerTimeout, LedgerUnavailable,
                     NotFound,
                     PreconditionFailed, PreconditionRequired, RuleViolation, ServerError, Unauthenticated,
                     error_from_response)
from .households import HouseholdRequests
from .privacy import PrivacyRequests
from .reports import ReportRequests
from .values import Member, Written

__all__ = [
    "Conflict",
    "Forbidden",
    "InvalidRequest",
    "LedgerApiError",
    "LedgerClient",
    "LedgerError",
    "LedgerTimeout",
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


class LedgerClient(HouseholdRequests, CommandRequests, PrivacyRequests, AuditRequests, ReportRequests):
    """The ledger's API over HTTP, as one user (the bearer token's).

    ``purpose`` (coordination, service_delivery, evaluation, accountability) and
    ``on_behalf_of`` (a responsible user's id) go with every request and land in the
    access records. ``transport`` replaces httpx's (tests: a mock or a flaky one).

    Its methods live by resource (``households``, ``commands``, ``privacy``, ``audit``, ``reports``), each a
    class over the shared transport (``_http.Http``); they name disjoint methods, so their order is immaterial.
    """

    # Older names, kept for callers (each the same method; ledger/aggregates/actions.py names the use cases).
    refer = HouseholdRequests.refer_household
    export = PrivacyRequests.export_household
    record_zrm = CommandRequests.record_zrm_measurement
    set_goal = CommandRequests.set_plan_goal
    add_action = CommandRequests.add_plan_action
    complete_action = CommandRequests.complete_plan_action
    cancel_action = CommandRequests.cancel_plan_action
    reopen = CommandRequests.reopen_case
    erase = PrivacyRequests.erase_household
