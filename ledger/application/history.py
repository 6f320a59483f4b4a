"""The reads of case data: a household (now or as recorded at a moment), its history, the caseload list.

Each read is decided and recorded by the guard before its data goes out (``save_now``).
Reads served from the views (plan, involvement, caseloads, the evaluation report) come
through :meth:`Reads.record_read`, so their access records are made here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol

from ledger.aggregates import Actor, Household, errors, scrub
from ledger.aggregates.actions import Action
from ledger.aggregates.vocabulary import DataCategory
from ledger.application.core import LedgerCore
from ledger.privacy.access import ALL_CATEGORIES, access_record
from ledger.privacy.policy import Decision, decide

__all__ = ["HouseholdSummary", "Reads"]


@dataclass(frozen=True)
class HouseholdSummary:
    household_id: UUID
    version: int
    phase: str
    referred_on: date
    case_director: str | None
    erased: bool


class Reads(LedgerCore):
    """Households as they are and as they were, and the list a user may see."""

    def record_read(
        self, actor: Actor, action: Action, household_id: UUID | str | None = None,
        categories: frozenset[Any] = frozenset(), *, emergency_reason: str | None = None,
    ) -> Decision:
        """Decide and record a read served from elsewhere (a view), before its data goes out.

        Returns the decision (its ``scope`` limits an oversight read to one organisation's staff).
        Raises :class:`AccessDeniedError` (recorded too) when the policy refuses.
        """
        household = self._load(household_id) if household_id is not None else None
        return self.guard.authorised(actor, action, household, categories, emergency_reason=emergency_reason,
                                     save_now=True)[1]

    def get_household(
        self, actor: Actor, household_id: UUID | str, *, as_of: datetime | None = None,
        emergency_reason: str | None = None,
    ) -> Household:
        """Current state, or the state as recorded at ``as_of``; access-recorded first."""
        household = self._load(household_id)
        self.guard.authorised(actor, Action.READ_HOUSEHOLD, household, ALL_CATEGORIES,
                              emergency_reason=emergency_reason, save_now=True)
        if as_of is None:
            return household
        with self.keys.scope():
            events: list[Any] = list(self._events(household_id))  # the household's own events (timestamp, mutate)
        past = [e for e in events if e.timestamp <= as_of]
        if not past:
            raise errors.NotFoundError(f"Household {household.id} did not exist yet then.")
        then = None
        for e in past:
            then = e.mutate(then)
        assert isinstance(then, Household)
        if household.is_erased:
            # Time travel never resurrects personal data of a household erased since.
            for name, value in list(vars(then).items()):
                setattr(then, name, scrub(value))
        return then

    def history(
        self, actor: Actor, household_id: UUID | str, *, emergency_reason: str | None = None
    ) -> list[DomainEventProtocol[UUID]]:
        """Every event of the household, oldest first; personal data erased if the household is."""
        household = self._load(household_id)
        self.guard.authorised(actor, Action.READ_HISTORY, household, ALL_CATEGORIES,
                              emergency_reason=emergency_reason, save_now=True)
        return self._history_of(household)

    def list_households(self, actor: Actor) -> list[HouseholdSummary]:
        """The households this user may see, in referral order, access-recorded first.

        A scan of every household in the store (issue 16 serves lists from the views). Each is
        filtered by the policy (composition is what a caseload line shows); oversight roles see none.
        """
        today = self.today()
        visible = [
            h for h in map(self._load, self._referred_ids())
            if decide(actor, Action.READ, h, [DataCategory.COMPOSITION], actor.purpose, on=today,
                      municipality=self.municipality).allowed
        ]
        listing = Decision(True, "Caseload list: only households this user may see.", "relationship")
        self.save(access_record(
            actor=actor, action=Action.LIST_HOUSEHOLDS, household_id=None,
            categories=frozenset({DataCategory.COMPOSITION}), decision=listing, at=self.clock(),
        ))
        return [
            HouseholdSummary(
                household_id=h.id, version=h.version, phase=h.phase, referred_on=h.referred_on,
                case_director=h.case_director.director.user_id if h.case_director else None,
                erased=h.is_erased,
            )
            for h in visible
        ]
