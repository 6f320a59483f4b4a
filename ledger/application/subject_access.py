"""Subject access and oversight of access: the export (AVG art. 15), the access-log scan, reviews.

A data subject's access request is recorded first (:meth:`SubjectAccess.record_access_request`);
the export names it and answers it with the household's data under plain keys and every access
to it. The privacy officer reviews emergency accesses and legal bases
(:meth:`SubjectAccess.review_emergency`).
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime
from typing import Any, cast
from uuid import UUID

import structlog
from eventsourcing.utils import get_topic

from ledger.aggregates import Actor, Household, errors
from ledger.aggregates.actions import Action
from ledger.application.core import LedgerCore, parse_household_id
from ledger.privacy.access import (
    ALL_CATEGORIES,
    IDENTITY_CHECKS,
    REQUESTERS,
    REVIEW_VERDICTS,
    AccessRecorded,
    AccessRequestRecorded,
    EmergencyReviewed,
)
from ledger.presenters import event_view, household_view, plain

__all__ = ["SubjectAccess"]

log = structlog.get_logger("ledger.application")


class SubjectAccess(LedgerCore):
    """Who saw what: the access log, a data subject's export, the review of emergency access."""

    def access_log(
        self, actor: Actor, *, household_id: UUID | str | None = None, user_id: str | None = None,
        since: datetime | None = None, until: datetime | None = None,
    ) -> list[AccessRecorded]:
        """Access records, oldest first, filtered (NEN 7513 views: per household, user, period).

        Reading the log is itself recorded. A scan of the event store: the HTTP API and the
        CLI read the indexed access-log view (``ledger/projections/access_log.py``); the AVG
        export scans the same way (``_access_records``).
        """
        hid = str(parse_household_id(household_id)) if household_id is not None else None
        scope = self.guard.authorised(actor, Action.READ_ACCESS_LOG, None, frozenset(), save_now=True)[1].scope
        records = self._access_records(household_id=hid, user_id=user_id, since=since, until=until)
        return [r for r in records if scope is None or r.organisation == scope]

    def export_household(
        self, actor: Actor, household_id: UUID | str, *, since: datetime | None = None,
        until: datetime | None = None, request_id: UUID | str | None = None,
    ) -> dict[str, Any]:
        """A data subject's access request (AVG art. 15) answered: their data and who accessed it.

        ``request_id`` names the recorded access request it answers (:meth:`record_access_request`);
        required for everyone but the local operator. The export's access record names it.
        """
        household = self._load(household_id)
        record, _ = self.guard.authorised(actor, Action.EXPORT_HOUSEHOLD, household, ALL_CATEGORIES)
        try:
            if request_id is None and actor.role != "operator":
                raise errors.NotFoundError("An export answers a recorded access request; name its id.")
            request = self._access_request(request_id, household) if request_id is not None else None
        except errors.HouseholdError as exc:
            self.guard.refused(record, exc)
            raise
        if request is not None:
            authorisation = f"{record.authorisation}:{request.originator_id}"
            record = dataclasses.replace(record, authorisation=authorisation)  # type: ignore[call-arg]  # mypy misreads the event's fields
        self.guard.record_now(record)
        events = self._history_of(household)
        records = self._access_records(household_id=str(household.id), since=since, until=until)
        return {
            "household": household_view(household),
            "events": [event_view(e) for e in events],
            "accessed_by": [
                {
                    "at": r.timestamp.isoformat(), "user_id": r.user_id, "organisation": r.organisation,
                    "role": r.role, "on_behalf_of": r.on_behalf_of, "action": r.action, "purpose": r.purpose,
                    "data_categories": list(r.data_categories),
                    "withheld_categories": getattr(r, "withheld_categories", None) or None,
                    "authorisation": r.authorisation,
                    "outcome": r.outcome, "emergency": r.emergency,
                    "emergency_reason": plain(r.emergency_reason),
                }
                for r in records
            ],
            "period": {"since": since.isoformat() if since else None, "until": until.isoformat() if until else None},
        }

    def _access_records(
        self, *, household_id: str | None = None, user_id: str | None = None,
        since: datetime | None = None, until: datetime | None = None,
    ) -> list[AccessRecorded]:
        topic = get_topic(AccessRecorded)
        out: list[AccessRecorded] = []
        start = 1
        while page := self.recorder.select_notifications(start=start, limit=1000, topics=[topic]):
            with self.keys.scope():  # a page's records of one household share its key read
                decoded = [cast(AccessRecorded, self.mapper.to_domain_event(n)) for n in page]  # the topic: records only
            for r in decoded:
                if household_id is not None and r.household_id != household_id:
                    continue
                if user_id is not None and r.user_id != user_id:
                    continue
                if (since is not None and r.timestamp < since) or (until is not None and r.timestamp > until):
                    continue
                out.append(r)
            start = page[-1].id + 1
        return out

    def record_access_request(
        self, actor: Actor, household_id: UUID | str, *, requester: str, identity_check: str,
        received_on: date | None = None,
    ) -> UUID:
        """The municipality's privacy officer records a data subject's access request; an export answers it.

        Returns the request id (an export names it). The record of this step carries the
        household's id, so the request shows in the household's own access log.
        """
        if requester not in REQUESTERS:
            raise errors.InvalidInputError(
                f"Unknown requester {errors.shown(requester)}; expected one of: {', '.join(sorted(REQUESTERS))}.")
        if identity_check not in IDENTITY_CHECKS:
            raise errors.InvalidInputError(
                f"Unknown identity check {errors.shown(identity_check)}; "
                f"expected one of: {', '.join(sorted(IDENTITY_CHECKS))}.")
        day = self._on(received_on)
        household = self._load(household_id)
        access, _ = self.guard.authorised(actor, Action.RECORD_ACCESS_REQUEST, household, frozenset())
        request = AccessRequestRecorded(  # type: ignore[call-arg]  # eventsourcing's event metaclass hides the fields
            originator_id=uuid.uuid4(), originator_version=1, timestamp=self.clock(),
            household_id=str(household.id), requester=requester, identity_check=identity_check,
            received_on=day.isoformat(), recorded_by=actor.user_id)
        self.save(access, request)
        log.info("access_request_recorded", household_id=str(household.id), user_id=actor.user_id)
        return request.originator_id

    def _access_request(self, request_id: UUID | str, household: Household) -> AccessRequestRecorded:
        first = self._first_event(request_id)
        if not isinstance(first, AccessRequestRecorded) or first.household_id != str(household.id):
            raise errors.NotFoundError("No access request with that id for this household; record the request first.")
        return first

    def _first_event(self, originator_id: UUID | str) -> Any:
        """The first stored event of a stream (an access record, a request), or ``None``."""
        try:
            return next(iter(self.repository.event_store.get(parse_household_id(originator_id))), None)
        except errors.HouseholdError:
            return None

    def review_emergency(self, actor: Actor, record_id: UUID | str, verdict: str) -> None:
        """The privacy officer's conclusion on one record under review (an emergency access, a legal basis).

        Recorded, and then off the review list. A partner's privacy officer reviews the records of
        their own organisation's staff only.
        """
        if verdict not in REVIEW_VERDICTS:
            raise errors.InvalidInputError(
                f"Unknown verdict {errors.shown(verdict)}; expected one of: {', '.join(sorted(REVIEW_VERDICTS))}.")
        access, decision = self.guard.authorised(actor, Action.REVIEW_EMERGENCY, None, frozenset())
        first = self._first_event(record_id)
        if (not isinstance(first, AccessRecorded) or not (first.emergency or first.needs_review)
                or (decision.scope is not None and first.organisation != decision.scope)):
            raise errors.NotFoundError("No access record under review with that id.")
        self.save(access, EmergencyReviewed(  # type: ignore[call-arg]  # eventsourcing's event metaclass hides the fields
            originator_id=uuid.uuid4(), originator_version=1, timestamp=self.clock(),
            record_id=str(first.originator_id), reviewer_id=actor.user_id, verdict=verdict))
