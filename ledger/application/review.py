"""The privacy officer's review: an access record shown with what it is judged by (issue 16, item 3).

A break-the-glass access carries the reason its user typed, sealed under the household's key
(``AccessRecorded.emergency_reason``); the views hold ids and codes only. For the review the
reason is unsealed at read time from the ledger and shown with the reader, the categories
disclosed and withheld, and the household's relations *at that moment*: the fold of the
household's events as known at the record's moment (decoded blind: relations are ids and codes),
on the business date of that moment.

Showing a stated reason is itself an access: each record whose reason is shown gets an access
record of its own (``read_access_review``, naming the household and, in its reason, the record
reviewed), saved before the answer goes out. After erasure the reason reads as erased.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from ledger.aggregates import Actor, errors
from ledger.aggregates.actions import Action
from ledger.application.as_of import fold, household_events, resolve_known_at
from ledger.application.core import LedgerCore
from ledger.privacy.access import AccessRecorded, access_record
from ledger.privacy.policy import Decision, relationship_of, responsible_organisation
from ledger.privacy.sealing import blind_mapper

__all__ = ["Review"]

Row = dict[str, Any]


class Review(LedgerCore):
    """Access records under the privacy officer's review, with the stated reason and the relations then."""

    def access_record(self, actor: Actor, record_id: UUID | str,
                      find: Callable[[str, str | None], Row | None]) -> Row:
        """One access record for review: decided (``read_access_review``), found in scope, shown, recorded first.

        ``find(record_id, organisation)``: the record's row in the access-log view, or ``None``
        (``organisation``: a partner's privacy officer sees their own staff's records only).
        Not found or out of scope: :class:`NotFoundError`, and the attempt is on record.
        """
        template, decision = self.guard.authorised(actor, Action.READ_ACCESS_REVIEW, None, frozenset())
        row = find(str(record_id).strip(), decision.scope)
        if row is None:
            self.guard.refused(template, errors.NotFoundError())
            raise errors.NotFoundError("No access record with that id in your scope.")
        return self._shown(actor, decision, [row], always=True)[0]

    def stated_reasons(self, actor: Actor, rows: list[Row]) -> list[Row]:
        """Rows of the review list, each with its stated reason and relations; each reason shown is recorded first."""
        _, decision = self.guard.authorised(actor, Action.READ_ACCESS_REVIEW, None, frozenset())
        scoped = [r for r in rows if decision.scope is None or r.get("organisation") == decision.scope]
        return self._shown(actor, decision, scoped, always=False)

    def _shown(self, actor: Actor, decision: Decision, rows: list[Row], *, always: bool) -> list[Row]:
        """The rows with what the review needs; the accountability records saved (one transaction) before returning."""
        out: list[Row] = []
        records: list[AccessRecorded] = []
        events_of: dict[str, list[tuple[int, Any]]] = {}  # one household read per household on the list
        with self.keys.scope():
            for row in rows:
                first = self._first_record(row["record_id"])
                reason = first.emergency_reason if first is not None else None
                shown = dict(row)
                shown["stated_reason"] = None if reason is None else {"text": reason.value, "erased": reason.erased}
                shown["withheld_categories"] = getattr(first, "withheld_categories", None) if first else None
                if first is not None and shown.get("data_categories") is None:
                    shown["data_categories"] = list(first.data_categories)
                shown["relations"] = self._relations_then(first, events_of) if first is not None else None
                out.append(shown)
                if (always or reason is not None) and first is not None:
                    records.append(access_record(
                        actor=actor, action=Action.READ_ACCESS_REVIEW,
                        household_id=UUID(first.household_id) if first.household_id else None,
                        categories=frozenset(), decision=decision, at=self.clock(),
                        reason=f"{decision.reason} Reviewed access record {first.originator_id}"
                               f"{' with its stated reason' if reason is not None else ''}."))
        if records:
            self.save(*records)  # before the answer goes out; a failed save returns nothing
        return out

    def _first_record(self, record_id: str) -> AccessRecorded | None:
        try:
            first = next(iter(self.repository.event_store.get(UUID(record_id))), None)
        except ValueError:
            return None
        return first if isinstance(first, AccessRecorded) else None

    def _relations_then(self, record: AccessRecorded, events_of: dict[str, list[tuple[int, Any]]]) -> Row | None:
        """The household as known at the record's moment, on that moment's business date: its relations only."""
        if not record.household_id:
            return None
        hid = UUID(record.household_id)
        blind = self._review_mapper
        if record.household_id not in events_of:
            events_of[record.household_id] = household_events(self.recorder, blind.to_domain_event, hid)
        known = resolve_known_at(self.recorder, blind.to_domain_event, record.timestamp)
        try:
            then = fold(hid, events_of[record.household_id], record.timestamp.astimezone(self.tz).date(), known)
        except errors.NotFoundError:
            return None  # a refused referral's record names no household that existed then
        h = then.household
        director = h.case_director.director if h.case_director else None
        reader = Actor(record.user_id, record.organisation, record.role)
        return {
            "known_at": {"position": known.position, "at": known.at},
            "case_director": None if director is None else {"user_id": director.user_id,
                                                            "organisation": director.organisation},
            "responsible_organisation": responsible_organisation(h, self.municipality),
            "involvements": [
                {"involvement_id": i.involvement_id, "organisation": i.organisation, "worker_id": i.worker_id,
                 "kind": str(i.kind), "started_on": i.started_on}
                for i in h.active_involvements()
            ],
            "reader_relationship": str(relationship_of(reader, h, self.municipality)),
        }

    @property
    def _review_mapper(self) -> Any:
        mapper = getattr(self, "_review_blind_mapper", None)
        if mapper is None:
            mapper = self._review_blind_mapper = blind_mapper(self)
        return mapper
