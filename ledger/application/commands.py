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
from ledger.aggregates.values import Relation
from ledger.aggregates.actions import ACTIONS, Action
from ledger.aggregates.clock import recording_clock
from ledger.aggregates.personal import personal
from ledger.aggregates.vocabulary import DataCategory
from ledger.application.core import LedgerCore
from ledger.privacy.access import AccessRecorded

__all__ = ["Commands", "NewMember", "ReferralOutcome", "undisclosed"]

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


def undisclosed(exc: errors.HouseholdError) -> errors.HouseholdError:
    """``exc`` as told to a caller who may not see the household's state: no version, no rule that names it.

    A stale version stays a stale version (the caller's If-Match is not the household's), without either
    number; every other refusal becomes one generic :class:`~ledger.aggregates.errors.RefusedError`.
    """
    if isinstance(exc, errors.StaleVersionError):
        return errors.StaleVersionError("The household is not at the version you sent; nothing changed.")
    return errors.RefusedError("A rule of the case refused this change; nothing changed. Its access record names "
                               "the rule for the privacy officer.")


def _writes(action: Action) -> frozenset[DataCategory]:
    """The data categories a command writes, as declared with it."""
    categories = ACTIONS[action].categories
    assert categories is not None  # every command declares them (checked when actions.py is imported)
    return categories


def _staff(user_id: str, organisation: str) -> StaffRef:
    return StaffRef(user_id, organisation)


def _relations(relations: Iterable[Mapping[str, str]] | None) -> list[Relation] | None:
    """Relations as entered ({member, relation, to_member}: member ids m1, m2, ... in the referral's order)."""
    if relations is None:
        return None
    # the value object parses the relation code (a refusal names it)
    return [Relation(r["member"], r["relation"], r["to_member"]) for r in relations]  # type: ignore[arg-type]  # code parsed


# A network contact as a command takes it: (relation, name), (relation, name, supportive), or the API body's
# mapping {relation, name, supportive}; supportive defaults to True.
ContactIn = tuple[str, str | None] | tuple[str, str | None, bool] | Mapping[str, Any]


def _contact(contact: ContactIn) -> NetworkContact:
    if isinstance(contact, Mapping):
        relation, name, supportive = contact["relation"], contact.get("name"), contact.get("supportive", True)
    else:
        relation, name, supportive = (*contact, True)[:3]
    return NetworkContact(relation, personal(name), bool(supportive))


@dataclass(frozen=True)
class ReferralOutcome:
    """What a referral did: the household it made, or the known household it added the referral to."""

    household_id: UUID
    version: int
    already_known: bool


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
        involvement_id: str | None = None,
        plan_action_id: str | None = None,
    ) -> int:
        """Load, authorise, check the version and the registers, run ``command``, save once; log ``fact``.

        A refusal after the policy allowed (a stale version, a rule of the case) tells a caller who may
        not see the household's state nothing of it (:func:`undisclosed`); a reader gets the rule's words.
        """
        with recording_clock(self.clock), self.keys.scope():  # the load's key read also seals the new events
            household = self._load(household_id)
            record = self.guard.authorise(actor, action, household, _writes(action), needs_review=needs_review,
                                          involvement_id=involvement_id, plan_action_id=plan_action_id)
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
                if not self.guard.sees_state(actor, household):
                    raise undisclosed(exc) from None
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
        relations: Sequence[Mapping[str, str]] | None = None,
        composition: str | None = None,
    ) -> tuple[UUID, int]:
        """Referral: a new household (or, known to the referrer, an added referral): its id and version."""
        outcome = self.refer(actor, sources=sources, members=members, address=address, reason=reason, on=on,
                             addressed_to=addressed_to, relations=relations, composition=composition)
        return outcome.household_id, outcome.version

    def refer(
        self,
        actor: Actor,
        *,
        sources: list[str],
        members: list[NewMember],
        address: str | None = None,
        reason: str | None = None,
        on: date | None = None,
        addressed_to: str | None = None,
        relations: Sequence[Mapping[str, str]] | None = None,
        composition: str | None = None,
    ) -> ReferralOutcome:
        """A referral, addressed to an organisation's intake team (default: the municipality's).

        A member's BSN already in the blind index names a known household. If the referrer may
        add a referral to it (the access policy: its director, intake team or an involved
        professional), no household is made: the referral's sources are added to the known one
        (``ReferralAdded``) and the outcome says so. Otherwise the referral makes a new household,
        exactly as for an unknown BSN, and the known household's log gets the denied attempt.
        """
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
        bsns = [m.bsn.value for m in members_ if m.bsn is not None]
        household_id = self.new_household_id()
        with recording_clock(self.clock), self.keys.scope():
            known, denied = self._known_to(actor, bsns)
            if known is not None:
                return self._add_to_known(actor, known, day, sources, reason)
            record = self.guard.authorise(actor, Action.REFER_HOUSEHOLD, None, _writes(Action.REFER_HOUSEHOLD),
                                          household_id=household_id)
            try:
                self._check_registered([addressed_to], ())
                household = Household.refer(
                    household_id=household_id, actor=actor, on=day, sources=sources, members=members_,
                    address=personal(address), reason=personal(reason),
                    addressed_to=addressed_to or self.municipality, relations=_relations(relations) or (),
                    composition=composition,
                )
            except errors.HouseholdError as exc:
                if denied:
                    self.save(*denied)
                self.guard.refused(record, exc, created=False)  # no household came to be
                raise
            self.keys.create(household_id, bsns)  # with its BSN index entries, one transaction
            try:
                version = self._save(household, record, *denied)
            except BaseException:
                self.keys.destroy(household_id)
                raise
        log.info("household_referred", household_id=str(household_id), version=version, user_id=actor.user_id)
        return ReferralOutcome(household_id, version, already_known=False)

    def _known_to(self, actor: Actor, bsns: list[str | None]) -> tuple[Household | None, list[AccessRecorded]]:
        """The first indexed household of these BSNs the actor may add a referral to; the denied lookups' records."""
        denied: list[AccessRecorded] = []
        for hid in self.keys.find(bsns):
            try:
                household = self._load(hid)
            except errors.NotFoundError:
                continue  # a key and entry whose referral never saved (a crash): nobody
            if household.is_erased:
                continue
            record, decision = self.guard.consider(actor, Action.ADD_REFERRAL, household, _writes(Action.ADD_REFERRAL))
            if decision.allowed:
                return household, denied
            denied.append(record)
        return None, denied

    def _add_to_known(self, actor: Actor, household: Household, day: date, sources: list[str],
                      reason: str | None) -> ReferralOutcome:
        """The referral of a household the referrer is related to: its sources added there, one save."""
        record = self.guard.authorise(actor, Action.ADD_REFERRAL, household, _writes(Action.ADD_REFERRAL))
        try:
            if household.is_closed:
                raise errors.CaseClosedError(
                    f"This household is known (household {household.id}) and its case is closed; "
                    "reopen it before referring it again.")
            household.add_referral(actor=actor, on=day, sources=sources, reason=personal(reason))
            version = self._save(household, record)
        except errors.HouseholdError as exc:
            self.guard.refused(record, exc)
            raise
        log.info("referral_added", household_id=str(household.id), version=version, user_id=actor.user_id,
                 already_known=True)
        return ReferralOutcome(household.id, version, already_known=True)

    def add_referral(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, sources: list[str],
        reason: str | None = None, on: date | None = None,
    ) -> int:
        """A later referral of a known household: its sources are added (the case must be open)."""
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.ADD_REFERRAL, "referral_added",
            lambda h: h.add_referral(actor=actor, on=day, sources=sources, reason=personal(reason)))

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

    def revise_composition(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, composition: str | None = None,
        relations: Sequence[Mapping[str, str]] | None = None, on: date | None = None,
    ) -> int:
        """The household changed: its composition given, or derived from the relations given (or both)."""
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.REVISE_COMPOSITION, "composition_revised",
            lambda h: h.revise_composition(actor=actor, on=day, composition=composition,
                                           relations=_relations(relations)))

    def hold_orientation_talk(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, held_with: str,
        notes: str | None = None, on: date | None = None,
    ) -> tuple[str, int]:
        day = self._on(on)
        talk_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.HOLD_ORIENTATION_TALK,
            "orientation_talk_held",
            lambda h: h.hold_orientation_talk(actor=actor, on=day, talk_id=talk_id, held_with=held_with,
                                              notes=personal(notes)))
        return talk_id, version

    def schedule_plan_meeting(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, scheduled_for: date,
        on: date | None = None,
    ) -> tuple[str, int]:
        day = self._on(on)
        meeting_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.SCHEDULE_PLAN_MEETING,
            "plan_meeting_scheduled",
            lambda h: h.schedule_plan_meeting(actor=actor, on=day, meeting_id=meeting_id,
                                              scheduled_for=scheduled_for))
        return meeting_id, version

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
