"""The reads of case data: a household (now, or at a business date as known at a ledger position), its history,
the caseload list.

Each read is decided and recorded by the guard before its data goes out (``save_now``).
Reads served from the views (plan, involvement, caseloads, the evaluation report) come
through :meth:`Reads.record_read`, so their access records are made here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol

from ledger.aggregates import Actor, Household, scrub
from ledger.aggregates.actions import Action
from ledger.aggregates.vocabulary import DataCategory
from ledger.application.as_of import Folded, KnownAt, fold, household_events, resolve_known_at
from ledger.application.core import LedgerCore, _scrubbed_event
from ledger.persistence import household_notifications
from ledger.privacy.access import ALL_CATEGORIES, access_record
from ledger.privacy.categories import HISTORY_HOLDS, HOUSEHOLD_HOLDS
from ledger.privacy.policy import Decision, Disclosure, Withheld, decide
from ledger.privacy.sealing import blind_mapper

__all__ = ["Disclosed", "HouseholdSummary", "Reads"]


@dataclass(frozen=True)
class HouseholdSummary:
    household_id: UUID
    version: int
    phase: str
    referred_on: date
    case_director: str | None
    erased: bool


@dataclass(frozen=True)
class Disclosed:
    """A household read disclosed by category (issue 16): the state (``folded`` at two times, if asked) or the
    history, with the categories withheld from this reader and why. Present it with the withheld map
    (:func:`ledger.presenters.household_view`, :func:`~ledger.presenters.event_view`): never whole."""

    household: Household
    withheld: dict[DataCategory, Withheld]
    emergency: bool
    folded: Folded | None = None
    events: list[DomainEventProtocol[UUID]] | None = None

    @classmethod
    def of(cls, household: Household, shown: Disclosure, **parts: Any) -> Disclosed:
        return cls(household, dict(shown.withheld), shown.decision.emergency, **parts)


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
        self, actor: Actor, household_id: UUID | str, *, as_of: date | None = None,
        known_at: int | datetime | None = None, emergency_reason: str | None = None,
    ) -> Household:
        """Current state, or the state at ``(as_of, known_at)`` (see :meth:`household_as_of`); access-recorded first.

        A whole read (every category or a refusal), for in-process callers that need the aggregate
        itself; people read through :meth:`read_household`, which discloses by category.
        """
        if as_of is None and known_at is None:
            household = self._load(household_id)
            self.guard.authorised(actor, Action.READ_HOUSEHOLD, household, ALL_CATEGORIES,
                                  emergency_reason=emergency_reason, save_now=True)
            return household
        return self.household_as_of(actor, household_id, as_of=as_of, known_at=known_at,
                                    emergency_reason=emergency_reason).household

    def household_as_of(
        self, actor: Actor, household_id: UUID | str, *, as_of: date | None = None,
        known_at: int | datetime | None = None, emergency_reason: str | None = None,
    ) -> Folded:
        """The household at business date ``as_of`` (default today) as known at ``known_at`` (default the head).

        Decided on the household as it is now and recorded before anything is read; folds only
        this household's events (:mod:`ledger.application.as_of`). A household erased since never
        shows its personal data again. Not yet referred by then: :class:`NotFoundError` naming the time.
        """
        if isinstance(as_of, datetime):
            raise TypeError("as_of is a business date now; pass a recording moment as known_at")
        household = self._load(household_id)
        self.guard.authorised(actor, Action.READ_HOUSEHOLD, household, ALL_CATEGORIES,
                              emergency_reason=emergency_reason, save_now=True)
        return self._fold_for_reader(household, as_of, known_at)

    def read_household(
        self, actor: Actor, household_id: UUID | str, *, as_of: date | None = None,
        known_at: int | datetime | None = None, emergency_reason: str | None = None,
    ) -> Disclosed:
        """The household disclosed by category: every category it holds that the reader may see, the others withheld.

        Now, or at ``(as_of, known_at)`` (``folded``: decided on the household as it is now, as
        :meth:`household_as_of`). The access record names the categories disclosed and those
        withheld, and is saved before anything is read. Refused whole (recorded) only when the
        reader has no relationship and does not break the glass.
        """
        if isinstance(as_of, datetime):
            raise TypeError("as_of is a business date now; pass a recording moment as known_at")
        household = self._load(household_id)
        shown = self.guard.disclose(actor, Action.READ_HOUSEHOLD, household, HOUSEHOLD_HOLDS,
                                    emergency_reason=emergency_reason)
        if as_of is None and known_at is None:
            return Disclosed.of(household, shown)
        folded = self._fold_for_reader(household, as_of, known_at)
        return Disclosed.of(folded.household, shown, folded=folded)

    def read_history(
        self, actor: Actor, household_id: UUID | str, *, emergency_reason: str | None = None,
        known_at: int | datetime | None = None,
    ) -> Disclosed:
        """The history (as :meth:`history`), disclosed by category: an event of a withheld category is
        presented without its data (:func:`ledger.presenters.event_view`)."""
        household = self._load(household_id)
        shown = self.guard.disclose(actor, Action.READ_HISTORY, household, HISTORY_HOLDS,
                                    emergency_reason=emergency_reason)
        return Disclosed.of(household, shown, events=self._history_upto(household, known_at))

    def _fold_for_reader(self, household: Household, as_of: date | None, known_at: int | datetime | None) -> Folded:
        with self.keys.scope():
            folded = self._fold(household.id, as_of, known_at, self.mapper.to_domain_event)
        if household.is_erased:
            # Time travel never resurrects personal data of a household erased since.
            then = folded.household
            for name, value in list(vars(then).items()):
                setattr(then, name, scrub(value))
            folded.events = [(p, _scrubbed_event(e)) for p, e in folded.events]
        return folded

    def _history_upto(self, household: Household, known_at: int | datetime | None) -> list[DomainEventProtocol[UUID]]:
        events = self._history_of(household)
        if known_at is None:
            return events
        position = self.resolve_known_at(known_at).position
        positions = [n.id for n in household_notifications(self.recorder, household.id)]
        return [e for p, e in zip(positions, events, strict=False) if p <= position]

    def blind_household_as_of(
        self, household_id: UUID | str, *, as_of: date | None = None, known_at: int | datetime | None = None,
    ) -> Folded:
        """The fold of :meth:`household_as_of` from events decoded blind (no personal value opened).

        Unrecorded: for the read side's as-of views, which decide and record the read
        (:meth:`record_read`) before they call it.
        """
        household = self._load(household_id)
        return self._fold(household.id, as_of, known_at, self._blind.to_domain_event)

    def household_in_words(
        self, household_id: UUID | str, *, as_of: date | None = None, known_at: int | datetime | None = None,
    ) -> Household:
        """The household with its texts opened (now, or at ``(as_of, known_at)``), to join onto a view's rows.

        Unrecorded: for the read side, which decides and records the read (:meth:`record_read`) before it
        calls this and shows only what that read covers. An erased household's texts read as erased
        (``None``), now and at any earlier time.
        """
        household = self._load(household_id)
        if as_of is None and known_at is None:
            return household
        with self.keys.scope():
            then = self._fold(household.id, as_of, known_at, self.mapper.to_domain_event).household
        if household.is_erased:
            for name, value in list(vars(then).items()):
                setattr(then, name, scrub(value))
        return then

    def resolve_known_at(self, known_at: int | datetime | None = None) -> KnownAt:
        """A knowledge time as a ledger position and its recording moment (the head by default)."""
        return resolve_known_at(self.recorder, self._blind.to_domain_event, known_at)

    def _fold(self, household_id: UUID, as_of: date | None, known_at: int | datetime | None,
              decode: Callable[[Any], Any]) -> Folded:
        known = resolve_known_at(self.recorder, self._blind.to_domain_event, known_at)
        return fold(household_id, household_events(self.recorder, decode, household_id),
                    as_of if as_of is not None else self.today(), known)

    @property
    def _blind(self) -> Any:
        mapper = getattr(self, "_blind_mapper", None)
        if mapper is None:
            mapper = self._blind_mapper = blind_mapper(self)
        return mapper

    def history(
        self, actor: Actor, household_id: UUID | str, *, emergency_reason: str | None = None,
        known_at: int | datetime | None = None,
    ) -> list[DomainEventProtocol[UUID]]:
        """Every event of the household, oldest first (only those at positions <= ``known_at``, if given);
        personal data erased if the household is. The history has no business date: it is what was recorded."""
        household = self._load(household_id)
        self.guard.authorised(actor, Action.READ_HISTORY, household, ALL_CATEGORIES,
                              emergency_reason=emergency_reason, save_now=True)
        return self._history_upto(household, known_at)

    def record_list(self, actor: Actor) -> None:
        """Record a caseload-list read (one ``list_households`` record, category composition) before it goes out.

        The list itself is filtered by the policy household by household: here, or in the
        read side's query (``ledger.projections.household_list``).
        """
        listing = Decision(True, "Caseload list: only households this user may see.", "relationship")
        self.save(access_record(
            actor=actor, action=Action.LIST_HOUSEHOLDS, household_id=None,
            categories=frozenset({DataCategory.COMPOSITION}), decision=listing, at=self.clock(),
        ))

    def list_households(self, actor: Actor) -> list[HouseholdSummary]:
        """The households this user may see, in referral order, access-recorded first.

        A scan of every household in the store, for the operator's local tools; the service's list
        is the read side's indexed query (``ReadSide.households``). Each is filtered by the policy
        (composition is what a caseload line shows); oversight roles see none.
        """
        today = self.today()
        visible = [
            h for h in map(self._load, self._referred_ids())
            if decide(actor, Action.READ, h, [DataCategory.COMPOSITION], actor.purpose, on=today,
                      municipality=self.municipality).allowed
        ]
        self.record_list(actor)
        return [
            HouseholdSummary(
                household_id=h.id, version=h.version, phase=h.phase, referred_on=h.referred_on,
                case_director=h.case_director.director.user_id if h.case_director else None,
                erased=h.is_erased,
            )
            for h in visible
        ]
