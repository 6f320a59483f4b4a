"""The commands: the use cases that change a household.

Each loads the household, asks the guard, checks the version the caller expects, lets the
aggregate decide, and saves once (the events and their access record in one transaction).
Personal values arrive as plain strings and are wrapped as :class:`Personal` here; the
mapper seals them with the household's own key before anything is written. A refusal by a
rule changes nothing and is recorded (the guard's ``refused``). Actions are named by the
vocabulary (:class:`~ledger.aggregates.actions.Action`), which also gives their data categories.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import structlog

from ledger.aggregates import Actor, Household, Member, NetworkContact, StaffRef, errors
from ledger.aggregates.actions import ACTIONS, Action
from ledger.aggregates.clock import recording_clock
from ledger.aggregates.personal import personal
from ledger.aggregates.vocabulary import DataCategory
from ledger.application.core import LedgerCore

__all__ = ["Commands", "NewMember"]

log = structlog.get_logger("ledger.application")


@dataclass(frozen=True)
class NewMember:
    """A household member as entered at referral (plain values; sealed on save)."""

    role: str
    name: str
    bsn: str | None = None
    birth_date: str | None = None
    phone: str | None = None
    email: str | None = None


def _writes(action: Action) -> frozenset[DataCategory]:
    """The data categories a command writes, as declared with it."""
    categories = ACTIONS[action].categories
    assert categories is not None  # every command declares them (checked when actions.py is imported)
    return categories


def _staff(user_id: str, organisation: str) -> StaffRef:
    return StaffRef(user_id, organisation)


# A network contact as a command takes it: (relation, name), (relation, name, supportive), or the API body's
# mapping {relation, name, supportive}; supportive defaults to True.
ContactIn = tuple[str, str | None] | tuple[str, str | None, bool] | Mapping[str, Any]


def _contact(contact: ContactIn) -> NetworkContact:
    if isinstance(contact, Mapping):
        relation, name, supportive = contact["relation"], contact.get("name"), contact.get("supportive", True)
    else:
        relation, name, supportive = (*contact, True)[:3]
    return NetworkContact(relation, personal(name), bool(supportive))


class Commands(LedgerCore):
    """The household's commands, one method per use case."""

    def _change(
        self,
        actor: Actor,
        household_id: UUID | str,
        expected_version: int,
        action: Action,
        fact: str,
        command: Callable[[Household], Any],
        *,
        needs_review: str | None = None,
        organisations: Iterable[str | None] = (),
        users: Iterable[str | None] = (),
    ) -> int:
        """Load, authorise, check the version and the registers, run ``command``, save once; log ``fact``."""
        with recording_clock(self.clock), self.keys.scope():  # the load's key read also seals the new events
            household = self._load(household_id)
            record = self.guard.authorise(actor, action, household, _writes(action), needs_review=needs_review)
            try:
                if household.version != expected_version:
                    raise errors.StaleVersionError(
                        f"The household is at version {household.version}, not {expected_version}; "
                        "reload it and try again."
                    )
                self._check_registered(organisations, users)
                command(household)
                version = self._save(household, record)
            except errors.HouseholdError as exc:
                self.guard.refused(record, exc)
                raise
        log.info(fact, household_id=str(household.id), version=version, user_id=actor.user_id)
        return version

    def refer_household(
        self,
        actor: Actor,
        *,
        sources: list[str],
        members: list[NewMember],
        address: str | None = None,
        reason: str | None = None,
        on: date | None = None,
        addressed_to: str | None = None,
    ) -> tuple[UUID, int]:
        """Referral: a new household, addressed to an organisation's intake team (default: the municipality's)."""
        day = self._on(on)
        members_ = [
            Member(
                member_id=f"m{i}",
                role=m.role,  # type: ignore[arg-type]  # the value object parses the code (a refusal names it)
                name=personal(m.name),
                bsn=personal(m.bsn.replace(" ", "").replace(".", "") if m.bsn else None),
                birth_date=personal(m.birth_date),
                phone=personal(m.phone),
                email=personal(m.email),
            )
            for i, m in enumerate(members, start=1)
        ]
        household_id = self.new_household_id()
        with recording_clock(self.clock), self.keys.scope():
            record = self.guard.authorise(actor, Action.REFER_HOUSEHOLD, None, _writes(Action.REFER_HOUSEHOLD),
                                          household_id=household_id)
            try:
                self._check_registered([addressed_to], ())
                household = Household.refer(
                    household_id=household_id, actor=actor, on=day, sources=sources, members=members_,
                    address=personal(address), reason=personal(reason),
                    addressed_to=addressed_to or self.municipality,
                )
            except errors.HouseholdError as exc:
                self.guard.refused(record, exc, created=False)  # no household came to be
                raise
            self.keys.create(household_id)
            try:
                version = self._save(household, record)
            except BaseException:
                self.keys.destroy(household_id)
                raise
        log.info("household_referred", household_id=str(household_id), version=version, user_id=actor.user_id)
        return household_id, version

    def record_intake(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, domains_discussed: list[str],
        network: Sequence[ContactIn] = (), agencies_involved: Sequence[str] = (),
        summary: str | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.RECORD_INTAKE, "intake_recorded",
            lambda h: h.hold_intake(
                actor=actor, on=day, domains_discussed=domains_discussed,
                network=[_contact(c) for c in network],
                agencies_involved=list(agencies_involved), summary=personal(summary)),
            organisations=agencies_involved)

    def record_network(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, contacts: Sequence[ContactIn],
        on: date | None = None,
    ) -> int:
        """The household's own network as it is on ``on`` (after the intake); the intake's stays as it was."""
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.RECORD_NETWORK, "network_recorded",
            lambda h: h.record_network(actor=actor, on=day, contacts=[_contact(c) for c in contacts]))

    def decide_coordination(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, outcome: str,
        rationale: str | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.DECIDE_COORDINATION, "coordination_decided",
            lambda h: h.decide_coordination(
                actor=actor, on=day, outcome=outcome, rationale=personal(rationale)))

    def assign_case_director(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, user_id: str, organisation: str,
        on: date | None = None,
    ) -> int:
        day = self._on(on)
        director = _staff(user_id, organisation)
        return self._change(actor, household_id, expected_version, Action.ASSIGN_CASE_DIRECTOR, "case_director_assigned",
            lambda h: h.assign_case_director(
                actor=actor, on=day, director=director), organisations=[organisation], users=[user_id])

    def set_case_director(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, user_id: str, organisation: str,
        reason: str | None = None, on: date | None = None,
    ) -> int:
        """Assign the case director, or replace the current one (the HTTP API's PUT)."""
        if self._load(household_id).case_director is None:
            return self.assign_case_director(actor, household_id, expected_version=expected_version,
                                             user_id=user_id, organisation=organisation, on=on)
        return self.replace_case_director(actor, household_id, expected_version=expected_version, user_id=user_id,
                                          organisation=organisation, reason=reason, on=on)

    def replace_case_director(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, user_id: str, organisation: str,
        reason: str | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        director = _staff(user_id, organisation)
        return self._change(actor, household_id, expected_version, Action.REPLACE_CASE_DIRECTOR, "case_director_replaced",
            lambda h: h.replace_case_director(
                actor=actor, on=day, director=director, reason=personal(reason)),
            organisations=[organisation], users=[user_id])

    def hand_over(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, to_organisation: str,
        warm: bool = True, notes: str | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.HAND_OVER, "household_handed_over",
            lambda h: h.hand_over(
                actor=actor, on=day, to_organisation=to_organisation, warm=warm, notes=personal(notes)),
            organisations=[to_organisation])

    def record_drop_out(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, kind: str,
        reason: str | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.RECORD_DROP_OUT, "drop_out_recorded",
            lambda h: h.record_drop_out(
                actor=actor, on=day, kind=kind, reason=personal(reason)))

    def close_case(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, reason: str,
        aftercare_until: date | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.CLOSE_CASE, "case_closed",
            lambda h: h.close(
                actor=actor, on=day, reason=reason, aftercare_until=aftercare_until))

    def reopen_case(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, reason: str | None = None,
        on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.REOPEN_CASE, "case_reopened",
            lambda h: h.reopen(
                actor=actor, on=day, reason=personal(reason)))
