"""The household aggregate: one household, one plan, one case director.

Pattern (docs/architecture.md): a public command method checks the rules and
computes derived values, then calls a private ``@event`` method whose body only
assigns. Event bodies re-run on every replay, so a rule added later never stops
an old ledger from replaying.

Every command takes the acting user (:class:`Actor`) and the business date ``on``
it happened; the application supplies ids and checks ``on`` against its clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import Aggregate, event
from eventsourcing.domain import Snapshot as LibrarySnapshot

from . import errors
from .composition import checked_composition, checked_relations, derive_composition
from .clock import ClockedEvent
from .codes import checked_code
from .codes import checked_legal_reference as _legal_reference
from .codes import checked_organisation as _organisation
from .codes import checked_organisations as _organisations
from .codes import checked_user_id as _user_id
from .dates import add_years
from .personal import Personal, scrub
from .retention import RetentionRule, statutory_holds
from .values import (
    Actor,
    AddedReferral,
    CaseDirectorship,
    Closure,
    CompositionRevision,
    Consent,
    CoordinationDecision,
    CostRecord,
    DropOut,
    Erasure,
    ErasureRequest,
    Escalation,
    Evaluation,
    Goal,
    Handover,
    Intake,
    Involvement,
    Member,
    NetworkContact,
    OrientationTalk,
    NetworkRecord,
    Performer,
    PlanAction,
    PlanMeeting,
    Referral,
    Relation,
    RetentionHold,
    StaffRef,
    ZrmMeasurement,
    is_valid_bsn,
)
from .vocabulary import (
    KEPT,
    ClosureReason,
    CoordinationOutcome,
    CostKind,
    CostStream,
    DataCategory,
    Discipline,
    DropOutKind,
    ErasureReason,
    EscalationLevel,
    EvaluationConclusion,
    HouseholdComposition,
    InvolvementEndReason,
    InvolvementKind,
    LegalBasis,
    LifeDomain,
    MemberRole,
    NetworkRelation,
    OrientationWith,
    PerformerKind,
    Purpose,
    ReferralSource,
    ZrmMoment,
)
from .instruments import INSTRUMENTS

__all__ = ["MAX_COST_EUR", "Household", "composition_of", "phase_of"]

MAX_COST_EUR = Decimal("10000000")  # per record; a household costs EUR 20k-75k a year (DOMAIN.md)
# An agency already involved at the referral started at most this many years before it (a sane bound:
# a date further back is a typing error, not a history).
ALREADY_INVOLVED_YEARS = 30
MAX_NETWORK = 50  # contacts in one eco-map


def _years_before(day: date, years: int) -> date:
    """``day`` ``years`` years earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _contacts(network: Iterable[NetworkContact]) -> tuple[NetworkContact, ...]:
    """Network contacts with checked relation codes and a plain bool for ``supportive``."""
    contacts = tuple(
        c.replace(relation=checked_code(NetworkRelation, c.relation, "network relation"), supportive=bool(c.supportive))
        for c in network
    )
    if len(contacts) > MAX_NETWORK:
        raise errors.InvalidInputError(f"A network holds at most {MAX_NETWORK} contacts.")
    return contacts


def composition_of(members: tuple[Member, ...], relations: tuple[Relation, ...] = (),
                   given: HouseholdComposition | None = None) -> tuple[HouseholdComposition, int, int]:
    """The composition (given, else derived: :mod:`.composition`), and the numbers of adults and children."""
    adults = sum(1 for m in members if m.role == MemberRole.ADULT)
    return given or derive_composition(members, relations), adults, len(members) - adults


def _end_reason(value: Any) -> InvolvementEndReason:
    """A reason a command may give: any code but ``not_recorded``, which only the upcaster writes."""
    kept = KEPT[InvolvementEndReason]
    if value == InvolvementEndReason.NOT_RECORDED:
        allowed = ", ".join(r.value for r in InvolvementEndReason if r not in kept)
        raise errors.InvalidInputError("The involvement end reason 'not_recorded' is kept for involvements ended before "
                                       f"reasons were recorded; expected one of: {allowed}.")
    return checked_code(InvolvementEndReason, value, "involvement end reason", kept=kept)


def _life_domain(value: Any) -> LifeDomain:
    """A canonical life domain a goal may be set in; ``unspecified`` is only what old goals read as."""
    return checked_code(LifeDomain, value, "life domain", kept=KEPT[LifeDomain])


def phase_of(*, closed: bool, aftercare_until: date | None, goals: int, coordination: bool, intake: bool) -> str:
    """A household's phase from the facts its events carry: :attr:`Household.phase`, and the views' phase column.

    Closed with an aftercare date is ``aftercare``, without one ``closed``; open, the furthest
    step taken: ``plan`` (a goal set), ``coordination``, ``intake``, else ``referred``.
    """
    if closed:
        return "aftercare" if aftercare_until else "closed"
    if goals:
        return "plan"
    if coordination:
        return "coordination"
    if intake:
        return "intake"
    return "referred"


def _staff(ref: StaffRef) -> StaffRef:
    return StaffRef(_user_id(ref.user_id, "case director's user id"), _organisation(ref.organisation, "organisation"))


class Household(Aggregate):
    """A household and its case, from referral to closure (and erasure)."""

    # The schema of the household's state, as stored in snapshots. Version 2:
    # ``Involvement.end_reason`` (InvolvementEnded v2). docs/architecture.md,
    # "Event schema changes (upcasting)".
    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A version-1 snapshot: its ended involvements were ended by version-1 events.

        Replaying those events gives ``end_reason`` ``not_recorded``
        (:meth:`InvolvementEnded.upcast_v1_v2`); the snapshot must say the same,
        or it would no longer equal its events. Active involvements keep ``None``.
        """
        involvements = state.get("involvements", {})
        for involvement_id, inv in involvements.items():
            if inv.ended_on is not None and inv.end_reason is None:
                involvements[involvement_id] = inv.replace(end_reason=InvolvementEndReason.NOT_RECORDED)

    # State added after snapshots were first stored: read from the class until an event sets it,
    # so a replay and an older snapshot of the same household stay equal.
    erasure_request = None  # ErasureRequest | None (no annotation: the metaclass reads annotations)
    composition_revision = None  # CompositionRevision | None (issue 15)
    # Later referrals of the known household (ReferralAdded), oldest first; no annotation, as above.
    added_referrals = cast("tuple[AddedReferral, ...]", ())
    orientation_talks = None  # dict[str, OrientationTalk] | None: issue 15, talks before the coordination decision
    plan_meetings = None  # dict[str, PlanMeeting] | None: issue 15, scheduled plan meetings
    network = None  # NetworkRecord | None: the network as last recorded after the intake (issue 15)

    def __deepcopy__(self, memo: dict[int, Any]) -> Household:
        """A copy for one command: new containers, shared values.

        The repository hands out a copy of a cached household for each command. The
        state is made of frozen value objects in dicts (or directly), so copying the
        dicts and lists is a full copy; walking every value object is not needed.
        """
        clone = object.__new__(type(self))
        clone.__dict__.update(
            {k: (dict(v) if type(v) is dict else list(v) if type(v) is list else v) for k, v in vars(self).items()}
        )
        return clone

    # ------------------------------------------------------------------ events
    class Event(ClockedEvent, Aggregate.Event):
        """Base of the household's events; every one records who acted."""

    class Snapshot(ClockedEvent, LibrarySnapshot):
        """Snapshots take their timestamp from the application's clock too."""

    class Referred(Event, Aggregate.Created):
        actor: Actor
        referral: Referral

    class CompositionRevised(Event):
        """The composition as the household now is (given or derived); ``relations`` None: unchanged."""

        actor: Actor
        on: date
        composition: HouseholdComposition
        relations: tuple[Relation, ...] | None

    class ReferralAdded(Event):
        """A later referral of the known household (another source: a double referral)."""

        actor: Actor
        referral: AddedReferral

    class IntakeHeld(Event):
        actor: Actor
        intake: Intake

    class OrientationTalkHeld(Event):
        actor: Actor
        talk: OrientationTalk

    class PlanMeetingScheduled(Event):
        actor: Actor
        meeting: PlanMeeting

    class NetworkRecorded(Event):
        """The household's own network as it is now (issue 15); the intake's stays as it was."""

        actor: Actor
        record: NetworkRecord

    class CoordinationDecided(Event):
        actor: Actor
        decision: CoordinationDecision

    class CaseDirectorAssigned(Event):
        actor: Actor
        directorship: CaseDirectorship

    class CaseDirectorReplaced(Event):
        actor: Actor
        directorship: CaseDirectorship
        reason: Personal | None

    class ConsentGranted(Event):
        actor: Actor
        consent: Consent

    class ConsentWithdrawn(Event):
        actor: Actor
        consent_id: str
        on: date

    class ZrmMeasured(Event):
        actor: Actor
        measurement: ZrmMeasurement

    class PlanGoalSet(Event):
        actor: Actor
        goal: Goal

    class PlanGoalRevised(Event):
        actor: Actor
        goal: Goal

    class PlanActionAdded(Event):
        actor: Actor
        action: PlanAction

    class PlanActionCompleted(Event):
        actor: Actor
        action_id: str
        on: date

    class PlanActionCancelled(Event):
        actor: Actor
        action_id: str
        on: date
        reason: Personal | None

    class InvolvementStarted(Event):
        actor: Actor
        involvement: Involvement

    class InvolvementEnded(Event):
        """Version 2 added ``reason``; version 1 recorded only actor, involvement and day."""

        class_version = 2

        actor: Actor
        involvement_id: str
        on: date
        reason: InvolvementEndReason

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 never said why: record that, rather than guess a reason."""
            state["reason"] = InvolvementEndReason.NOT_RECORDED.value

    class EvaluationHeld(Event):
        actor: Actor
        evaluation: Evaluation

    class EscalationRaised(Event):
        actor: Actor
        escalation: Escalation

    class EscalationResolved(Event):
        actor: Actor
        escalation_id: str
        on: date
        resolution: Personal | None

    class CostRecorded(Event):
        actor: Actor
        cost: CostRecord

    class HandedOver(Event):
        actor: Actor
        handover: Handover

    class DroppedOut(Event):
        actor: Actor
        drop_out: DropOut

    class Closed(Event):
        actor: Actor
        closure: Closure

    class Reopened(Event):
        actor: Actor
        on: date
        reason: Personal | None

    class RetentionHoldPlaced(Event):
        actor: Actor
        hold: RetentionHold

    class ErasureRequested(Event):
        """The privacy officer asks for erasure (e.g. a data subject's request): the first of four eyes."""

        actor: Actor
        request: ErasureRequest

    class Erased(Event):
        """Personal data destroyed (crypto-shredded); the event holds none itself."""

        actor: Actor
        erasure: Erasure

    # ---------------------------------------------------------------- referral
    @event(Referred)
    def __init__(self, actor: Actor, referral: Referral) -> None:
        self.referral = referral
        self.referred_by = actor
        self.intake: Intake | None = None
        self.coordination: CoordinationDecision | None = None
        self.case_director: CaseDirectorship | None = None
        self.consents: dict[str, Consent] = {}
        self.zrm: dict[str, ZrmMeasurement] = {}
        self.goals: dict[str, Goal] = {}
        self.actions: dict[str, PlanAction] = {}
        self.involvements: dict[str, Involvement] = {}
        self.evaluations: dict[str, Evaluation] = {}
        self.escalations: dict[str, Escalation] = {}
        self.costs: dict[str, CostRecord] = {}
        self.handovers: dict[str, Handover] = {}
        self.retention_holds: dict[str, RetentionHold] = {}
        self.drop_out: DropOut | None = None
        self.closure: Closure | None = None
        self.erasure: Erasure | None = None

    @classmethod
    def refer(
        cls,
        *,
        household_id: UUID,
        actor: Actor,
        on: date,
        sources: list[str] | tuple[str, ...],
        members: list[Member] | tuple[Member, ...],
        address: Personal | None = None,
        reason: Personal | None = None,
        addressed_to: str | None = None,
        relations: Iterable[Relation] = (),
        composition: str | None = None,
    ) -> Household:
        """A household enters: by one source, or by several at once, addressed to an organisation's intake team.

        Its composition is derived from the members and their ``relations``, unless ``composition`` is given.
        """
        srcs = tuple(dict.fromkeys(checked_code(ReferralSource, s, "referral source") for s in sources))
        if not srcs:
            raise errors.InvalidInputError("A referral needs at least one source.")
        members = tuple(members)
        if not members:
            raise errors.InvalidInputError("A referral needs at least one household member.")
        ids = [m.member_id for m in members]
        if len(set(ids)) != len(ids):
            raise errors.InvalidInputError("Member ids must be unique within a household.")
        for m in members:
            checked_code(MemberRole, m.role, "member role")
            if m.name.value is None or not m.name.value.strip():
                raise errors.InvalidInputError(f"Member {m.member_id} needs a name.")
            if m.bsn is not None and not is_valid_bsn(m.bsn.value or ""):
                raise errors.InvalidBsnError(
                    f"The BSN of member {m.member_id} is not a valid BSN (it fails the elfproef)."
                )
        if addressed_to is not None:  # None only in referrals stored before they were addressed
            addressed_to = _organisation(addressed_to, "addressee")
        relations = checked_relations(relations, members)
        kind, adults, children = composition_of(members, relations, checked_composition(composition))
        referral = Referral(srcs, on, members, address, kind, adults, children, reason, addressed_to, relations)
        return cls._create(cls.Referred, id=household_id, actor=actor, referral=referral)

    def add_referral(self, *, actor: Actor, on: date, sources: list[str] | tuple[str, ...],
                     reason: Personal | None = None) -> None:
        """A known household referred again (by another source, or the same one again): its sources grow.

        The case must be open (a closed case is reopened first) and the date not before the first referral.
        """
        srcs = tuple(dict.fromkeys(checked_code(ReferralSource, s, "referral source") for s in sources))
        if not srcs:
            raise errors.InvalidInputError("A referral needs at least one source.")
        self._check_open(on)
        self._referral_added(actor=actor, referral=AddedReferral(srcs, on, reason))

    @event(ReferralAdded)
    def _referral_added(self, actor: Actor, referral: AddedReferral) -> None:
        self.added_referrals = (*self.added_referrals, referral)

    # ------------------------------------------------------------ state reads
    @property
    def referred_on(self) -> date:
        return self.referral.on

    @property
    def referral_sources(self) -> tuple[ReferralSource, ...]:
        """Every source that referred the household: the first referral's, then each added referral's."""
        sources = [*self.referral.sources, *(s for r in self.added_referrals for s in r.sources)]
        return tuple(dict.fromkeys(sources))

    @property
    def referral_count(self) -> int:
        """How often the household was referred: once, plus each added referral."""
        return 1 + len(self.added_referrals)

    @property
    def members(self) -> dict[str, Member]:
        return {m.member_id: m for m in self.referral.members}

    @property
    def composition(self) -> HouseholdComposition:
        """As last revised, else as at referral."""
        revised = self.composition_revision
        return revised.composition if revised is not None else self.referral.composition

    @property
    def relations(self) -> tuple[Relation, ...]:
        revised = self.composition_revision
        return revised.relations if revised is not None else self.referral.relations

    @property
    def is_closed(self) -> bool:
        return self.closure is not None

    @property
    def is_erased(self) -> bool:
        return self.erasure is not None

    @property
    def phase(self) -> str:
        return phase_of(closed=self.closure is not None,
                        aftercare_until=self.closure.aftercare_until if self.closure is not None else None,
                        goals=len(self.goals), coordination=self.coordination is not None,
                        intake=self.intake is not None)

    def consents_in_force(self, on: date) -> list[Consent]:
        return [c for c in self.consents.values() if c.in_force_on(on)]

    def active_involvements(self) -> list[Involvement]:
        return [i for i in self.involvements.values() if i.active]

    # ---------------------------------------------------------------- guards
    def _check_open(self, on: date) -> None:
        if self.erasure is not None:
            raise errors.HouseholdErasedError("This household has been erased; it accepts no changes.")
        if self.closure is not None:
            raise errors.CaseClosedError("This case is closed; reopen it before making changes.")
        self._check_date(on)

    def _check_date(self, on: date) -> None:
        if on < self.referral.on:
            raise errors.DateBeforeReferralError(
                f"The date {on.isoformat()} lies before the referral ({self.referral.on.isoformat()})."
            )

    def _check_intake(self) -> None:
        if self.intake is None:
            raise errors.IntakeRequiredError("This needs an integral intake first.")

    @staticmethod
    def _new_id(existing: dict[str, Any], new_id: str, what: str) -> None:
        if not new_id or new_id in existing:
            raise errors.InvalidInputError(f"The {what} id {errors.shown(new_id)} is empty or already used.")

    @staticmethod
    def _find(items: dict[str, Any], item_id: str, what: str) -> Any:
        try:
            return items[item_id]
        except KeyError:
            raise errors.NotFoundError(f"This household has no {what} {errors.shown(item_id)}.") from None

    # ------------------------------------------------------------- composition
    def revise_composition(self, *, actor: Actor, on: date, composition: str | None = None,
                           relations: Iterable[Relation] | None = None) -> None:
        """The household changed: new relations (the composition derived from them), a composition, or both."""
        self._check_open(on)
        if composition is None and relations is None:
            raise errors.InvalidInputError("A composition revision gives a composition, relations, or both.")
        last = self.composition_revision
        if last is not None and on < last.on:
            raise errors.RuleViolationError(f"The composition was last revised on {last.on.isoformat()}; a revision "
                                           "cannot be dated before it.")
        new = checked_relations(relations, self.referral.members) if relations is not None else None
        kind, _, _ = composition_of(self.referral.members, new if new is not None else self.relations,
                                    checked_composition(composition))
        self._composition_revised(actor=actor, on=on, composition=kind, relations=new)

    @event(CompositionRevised)
    def _composition_revised(self, actor: Actor, on: date, composition: HouseholdComposition,
                             relations: tuple[Relation, ...] | None) -> None:
        self.composition_revision = CompositionRevision(on, composition, self.relations if relations is None
                                                        else relations)

    # ------------------------------------------------------------------ intake
    def hold_intake(
        self,
        *,
        actor: Actor,
        on: date,
        domains_discussed: list[str],
        network: Iterable[NetworkContact] = (),
        agencies_involved: Iterable[str] = (),
        summary: Personal | None = None,
    ) -> None:
        self._check_open(on)
        if self.intake is not None:
            raise errors.IntakeAlreadyHeldError("The integral intake has been held already.")
        domains = tuple(dict.fromkeys(checked_code(DataCategory, d, "life domain") for d in domains_discussed))
        if not domains:
            raise errors.InvalidInputError("An integral intake discusses at least one life domain.")
        agencies = _organisations(agencies_involved, "agency involved")
        intake = Intake(on, domains, _contacts(network), agencies, summary)
        self._intake_held(actor=actor, intake=intake)

    @event(IntakeHeld)
    def _intake_held(self, actor: Actor, intake: Intake) -> None:
        self.intake = intake

    def hold_orientation_talk(
        self, *, actor: Actor, on: date, talk_id: str, held_with: str, notes: Personal | None = None
    ) -> None:
        """A talk with the household, or with the professionals only, before coordination is decided."""
        self._check_open(on)
        talks = self.orientation_talks or {}
        self._new_id(talks, talk_id, "orientation talk")
        talk = OrientationTalk(talk_id, on, checked_code(OrientationWith, held_with, "orientation talk with"), notes)
        self._orientation_talk_held(actor=actor, talk=talk)

    @event(OrientationTalkHeld)
    def _orientation_talk_held(self, actor: Actor, talk: OrientationTalk) -> None:
        self.orientation_talks = {**(self.orientation_talks or {}), talk.talk_id: talk}

    def schedule_plan_meeting(self, *, actor: Actor, on: date, meeting_id: str, scheduled_for: date) -> None:
        """Schedule the meeting where the plan is made: after the integral intake, on or after the day it is set."""
        self._check_open(on)
        self._check_intake()
        meetings = self.plan_meetings or {}
        self._new_id(meetings, meeting_id, "plan meeting")
        if scheduled_for < on:
            raise errors.InvalidPeriodError("A plan meeting cannot be scheduled for a day before it was scheduled.")
        self._plan_meeting_scheduled(actor=actor, meeting=PlanMeeting(meeting_id, on, scheduled_for))

    @event(PlanMeetingScheduled)
    def _plan_meeting_scheduled(self, actor: Actor, meeting: PlanMeeting) -> None:
        self.plan_meetings = {**(self.plan_meetings or {}), meeting.meeting_id: meeting}

    def record_network(self, *, actor: Actor, on: date, contacts: Iterable[NetworkContact]) -> None:
        """Record the household's own network as it is on ``on``: after the intake, on or after its day.

        An empty list is a network recorded as empty (the household has no one left), not nothing recorded.
        """
        self._check_open(on)
        self._check_intake()
        assert self.intake is not None
        if on < self.intake.held_on:
            raise errors.InvalidPeriodError("The network is recorded again on or after the intake's day.")
        record = NetworkRecord(on, _contacts(contacts))
        self._network_recorded(actor=actor, record=record)

    @event(NetworkRecorded)
    def _network_recorded(self, actor: Actor, record: NetworkRecord) -> None:
        self.network = record

    def decide_coordination(
        self, *, actor: Actor, on: date, outcome: str, rationale: Personal | None = None
    ) -> None:
        """Coordination is decided after orientation talks, or after the integral intake (DOMAIN.md, the funnel)."""
        self._check_open(on)
        if self.intake is None and not self.orientation_talks:
            raise errors.OrientationOrIntakeRequiredError(
                "A coordination decision needs an orientation talk or the integral intake first.")
        decision = CoordinationDecision(checked_code(CoordinationOutcome, outcome, "coordination outcome"), on, rationale)
        self._coordination_decided(actor=actor, decision=decision)

    @event(CoordinationDecided)
    def _coordination_decided(self, actor: Actor, decision: CoordinationDecision) -> None:
        self.coordination = decision

    # ---------------------------------------------------------- case director
    def assign_case_director(self, *, actor: Actor, on: date, director: StaffRef) -> None:
        self._check_open(on)
        if self.case_director is not None:
            raise errors.CaseDirectorAlreadyAssignedError(
                "This household has a case director already; replace them instead."
            )
        director = _staff(director)
        self._case_director_assigned(actor=actor, directorship=CaseDirectorship(director, on))

    @event(CaseDirectorAssigned)
    def _case_director_assigned(self, actor: Actor, directorship: CaseDirectorship) -> None:
        self.case_director = directorship

    def replace_case_director(
        self, *, actor: Actor, on: date, director: StaffRef, reason: Personal | None = None
    ) -> None:
        self._check_open(on)
        if self.case_director is None:
            raise errors.NoCaseDirectorError("This household has no case director to replace; assign one.")
        director = _staff(director)
        if self.case_director.director == director:
            raise errors.SameCaseDirectorError("That person is the case director already.")
        self._case_director_replaced(actor=actor, directorship=CaseDirectorship(director, on), reason=reason)

    @event(CaseDirectorReplaced)
    def _case_director_replaced(
        self, actor: Actor, directorship: CaseDirectorship, reason: Personal | None
    ) -> None:
        self.case_director = directorship

    # ----------------------------------------------------------------- consent
    def grant_consent(
        self,
        *,
        actor: Actor,
        on: date,
        consent_id: str,
        basis: str,
        member_id: str | None,
        organisations: list[str],
        data_categories: list[str],
        purpose: str,
        valid_from: date,
        valid_until: date | None = None,
        legal_reference: str | None = None,
        decided_by: str | None = None,
    ) -> None:
        """A member's consent, or a legal basis (``decided_by``: who decided it; default the acting user)."""
        self._check_open(on)
        self._new_id(self.consents, consent_id, "consent")
        basis_ = checked_code(LegalBasis, basis, "legal basis")
        if basis_ == LegalBasis.CONSENT:
            if member_id is None:
                raise errors.InvalidInputError("Consent is given by a household member; name the member.")
        elif not (legal_reference or "").strip():
            raise errors.InvalidInputError("A legal basis other than consent needs a legal reference.")
        reference = _legal_reference(legal_reference, "legal reference") if legal_reference else None
        if member_id is not None:
            self._find(self.members, member_id, "member")
        orgs = _organisations(organisations, "consent organisation")
        cats = tuple(dict.fromkeys(checked_code(DataCategory, c, "data category") for c in data_categories))
        if not orgs or not cats:
            raise errors.InvalidInputError("A consent names at least one organisation and one data category.")
        if valid_until is not None and valid_until < valid_from:
            raise errors.InvalidPeriodError("A consent cannot end before it starts.")
        consent = Consent(
            consent_id, basis_, member_id, orgs, cats, checked_code(Purpose, purpose, "purpose"),
            valid_from, valid_until, reference,
            # a legal basis always names who decided it: the one recording it, unless they name another
            decided_by=((decided_by or "").strip() or actor.user_id) if basis_ != LegalBasis.CONSENT else None,
        )
        self._consent_granted(actor=actor, consent=consent)

    @event(ConsentGranted)
    def _consent_granted(self, actor: Actor, consent: Consent) -> None:
        self.consents[consent.consent_id] = consent

    def withdraw_consent(self, *, actor: Actor, on: date, consent_id: str) -> None:
        """Allowed on a closed case too: a member can always withdraw consent."""
        if self.erasure is not None:
            raise errors.HouseholdErasedError("This household has been erased; it accepts no changes.")
        self._check_date(on)
        consent = self._find(self.consents, consent_id, "consent")
        if consent.basis != LegalBasis.CONSENT:
            raise errors.NotRelevantError("A legal basis is not withdrawn by a member; only consent is.")
        if not consent.in_force_on(on):
            raise errors.ConsentNotInForceError(f"Consent {consent_id} is not in force on {on.isoformat()}.")
        self._consent_withdrawn(actor=actor, consent_id=consent_id, on=on)

    @event(ConsentWithdrawn)
    def _consent_withdrawn(self, actor: Actor, consent_id: str, on: date) -> None:
        self.consents[consent_id] = self.consents[consent_id].replace(withdrawn_on=on)

    # ------------------------------------------------------------ measurements
    def measure_zrm(
        self,
        *,
        actor: Actor,
        on: date,
        measurement_id: str,
        instrument: str,
        moment: str,
        scores: dict[str, int],
        member_id: str | None = None,
    ) -> None:
        """A ZRM measurement: ``record_measurement`` limited to the ZRM versions (the ZRM route's promise)."""
        found = INSTRUMENTS.get(instrument)
        if found is None or not found.zrm:
            known = ", ".join(c for c, i in INSTRUMENTS.items() if i.zrm)
            raise errors.UnknownZrmDomainError(f"Unknown ZRM instrument {errors.shown(instrument)}; known: {known}.")
        self.record_measurement(actor=actor, on=on, measurement_id=measurement_id, instrument=instrument,
                                moment=moment, scores=scores, member_id=member_id)

    def record_measurement(
        self,
        *,
        actor: Actor,
        on: date,
        measurement_id: str,
        instrument: str,
        moment: str,
        scores: dict[str, int],
        member_id: str | None = None,
    ) -> None:
        """A measurement with any registered instrument (``ledger.aggregates.instruments``).

        Each score must be for a domain the instrument has and within its scale; the
        instrument code is stored on the measurement, so measurements of different
        instruments or versions are never compared.
        """
        self._check_open(on)
        self._check_intake()
        self._new_id(self.zrm, measurement_id, "measurement")
        matrix = INSTRUMENTS.get(instrument)
        if matrix is None:
            known = ", ".join(INSTRUMENTS)
            raise errors.UnknownZrmDomainError(f"Unknown instrument {errors.shown(instrument)}; known: {known}.")
        if not scores:
            raise errors.InvalidInputError("A measurement scores at least one domain.")
        for domain, score in scores.items():
            if not matrix.has(domain):
                raise errors.UnknownZrmDomainError(f"{matrix.en} has no domain {errors.shown(domain)}.")
            if not matrix.valid_score(score):
                raise errors.ZrmScoreOutOfRangeError(
                    f"A {matrix.en} score is {matrix.min_score} to {matrix.max_score}; {domain} got {errors.shown(score)}."
                )
        if member_id is not None:
            self._find(self.members, member_id, "member")
        m = ZrmMeasurement(
            measurement_id, instrument, checked_code(ZrmMoment, moment, "measurement moment"), member_id, dict(scores), on
        )
        self._zrm_measured(actor=actor, measurement=m)

    @event(ZrmMeasured)
    def _zrm_measured(self, actor: Actor, measurement: ZrmMeasurement) -> None:
        self.zrm[measurement.measurement_id] = measurement

    # -------------------------------------------------------------------- plan
    def set_plan_goal(
        self, *, actor: Actor, on: date, goal_id: str, life_domain: str, description: Personal,
        target_date: date | None = None,
    ) -> None:
        self._check_open(on)
        self._check_intake()
        self._new_id(self.goals, goal_id, "goal")
        goal = Goal(goal_id, _life_domain(life_domain), description, target_date, on)
        self._plan_goal_set(actor=actor, goal=goal)

    @event(PlanGoalSet)
    def _plan_goal_set(self, actor: Actor, goal: Goal) -> None:
        self.goals[goal.goal_id] = goal

    def revise_plan_goal(
        self, *, actor: Actor, on: date, goal_id: str, description: Personal | None = None,
        target_date: date | None = None,
    ) -> None:
        self._check_open(on)
        goal = self._find(self.goals, goal_id, "goal")
        if description is None and target_date is None:
            raise errors.NotRelevantError("A revision changes the description or the target date.")
        if on < goal.set_on:
            raise errors.InvalidPeriodError("A goal cannot be revised before it was set.")
        revised = goal.replace(
            description=description or goal.description,
            target_date=target_date or goal.target_date,
            revisions=goal.revisions + 1,
            revised_on=on,
        )
        self._plan_goal_revised(actor=actor, goal=revised)

    @event(PlanGoalRevised)
    def _plan_goal_revised(self, actor: Actor, goal: Goal) -> None:
        self.goals[goal.goal_id] = goal

    def add_plan_action(
        self, *, actor: Actor, on: date, action_id: str, goal_id: str, description: Personal,
        performer_kind: str, organisation: str | None = None, due_on: date | None = None,
    ) -> None:
        self._check_open(on)
        self._check_intake()
        self._new_id(self.actions, action_id, "action")
        self._find(self.goals, goal_id, "goal")
        kind = checked_code(PerformerKind, performer_kind, "performer kind")
        organisation = (organisation or "").strip() or None
        if organisation is not None:
            organisation = _organisation(organisation, "performing organisation")
        if kind == PerformerKind.PROFESSIONAL and organisation is None:
            raise errors.InvalidInputError("An action performed by a professional names their organisation.")
        if kind in (PerformerKind.SELF, PerformerKind.NETWORK) and organisation is not None:
            raise errors.InvalidInputError("Actions by the household or its network have no organisation.")
        action = PlanAction(action_id, goal_id, description, Performer(kind, organisation), due_on, on)
        self._plan_action_added(actor=actor, action=action)

    @event(PlanActionAdded)
    def _plan_action_added(self, actor: Actor, action: PlanAction) -> None:
        self.actions[action.action_id] = action

    def _open_action(self, action_id: str, on: date) -> PlanAction:
        self._check_open(on)
        action = self._find(self.actions, action_id, "action")
        if action.status != "open":
            raise errors.ActionNotOpenError(f"Action {action_id} is {action.status}, not open.")
        if on < action.added_on:
            raise errors.InvalidPeriodError("An action cannot end before it was added.")
        return action

    def complete_plan_action(self, *, actor: Actor, on: date, action_id: str) -> None:
        self._open_action(action_id, on)
        self._plan_action_completed(actor=actor, action_id=action_id, on=on)

    @event(PlanActionCompleted)
    def _plan_action_completed(self, actor: Actor, action_id: str, on: date) -> None:
        self.actions[action_id] = self.actions[action_id].replace(completed_on=on)

    def cancel_plan_action(
        self, *, actor: Actor, on: date, action_id: str, reason: Personal | None = None
    ) -> None:
        self._open_action(action_id, on)
        self._plan_action_cancelled(actor=actor, action_id=action_id, on=on, reason=reason)

    @event(PlanActionCancelled)
    def _plan_action_cancelled(self, actor: Actor, action_id: str, on: date, reason: Personal | None) -> None:
        self.actions[action_id] = self.actions[action_id].replace(cancelled_on=on, cancel_reason=reason)

    # ------------------------------------------------------------ involvement
    def start_involvement(
        self, *, actor: Actor, on: date, involvement_id: str, kind: str, organisation: str,
        discipline: str, worker_id: str | None = None, contact_name: Personal | None = None,
        already_involved: bool = False,
    ) -> None:
        """Start an involvement; ``already_involved``: the agency was involved when the household was referred.

        Only an already-involved involvement may be dated before the referral, and then no later than the
        referral day and no more than :data:`ALREADY_INVOLVED_YEARS` years before it. A new one is dated on
        or after the referral, as every other command.
        """
        if already_involved:
            self._check_open(self.referral.on)
            if on > self.referral.on:
                raise errors.InvalidPeriodError(
                    "An involvement that was already there at the referral starts on or before the referral day.")
            if on < _years_before(self.referral.on, ALREADY_INVOLVED_YEARS):
                raise errors.InvalidPeriodError(
                    f"An already-involved agency starts at most {ALREADY_INVOLVED_YEARS} years before the referral.")
        else:
            self._check_open(on)
        self._new_id(self.involvements, involvement_id, "involvement")
        if not organisation.strip() or not discipline.strip():
            raise errors.InvalidInputError("An involvement names an organisation and a discipline.")
        inv = Involvement(
            involvement_id, checked_code(InvolvementKind, kind, "involvement kind"),
            _organisation(organisation, "organisation"), checked_code(Discipline, discipline.strip(), "discipline"), on,
            _user_id(worker_id, "worker id") if worker_id is not None else None, contact_name,
            already_involved=bool(already_involved),
        )
        self._involvement_started(actor=actor, involvement=inv)

    @event(InvolvementStarted)
    def _involvement_started(self, actor: Actor, involvement: Involvement) -> None:
        self.involvements[involvement.involvement_id] = involvement

    def end_involvement(self, *, actor: Actor, on: date, involvement_id: str, reason: str) -> None:
        """End an involvement, saying why (an :class:`InvolvementEndReason` code)."""
        self._check_open(on)
        reason_ = _end_reason(reason)
        inv = self._find(self.involvements, involvement_id, "involvement")
        if not inv.active:
            raise errors.InvolvementNotActiveError(f"Involvement {involvement_id} has ended already.")
        if on < inv.started_on:
            raise errors.InvalidPeriodError("An involvement cannot end before it started.")
        if reason_ == InvolvementEndReason.VOLUNTEERS_TOOK_OVER and inv.kind != InvolvementKind.PROFESSIONAL:
            raise errors.InvalidInputError("Only a professional's involvement ends because volunteers took over.")
        self._involvement_ended(actor=actor, involvement_id=involvement_id, on=on, reason=reason_)

    @event(InvolvementEnded)
    def _involvement_ended(
        self, actor: Actor, involvement_id: str, on: date, reason: InvolvementEndReason
    ) -> None:
        self.involvements[involvement_id] = self.involvements[involvement_id].replace(
            ended_on=on, end_reason=reason
        )

    # ------------------------------------------------ evaluation and escalation
    def hold_evaluation(
        self, *, actor: Actor, on: date, evaluation_id: str, conclusion: str, final: bool = False,
        notes: Personal | None = None,
    ) -> None:
        self._check_open(on)
        self._check_intake()
        self._new_id(self.evaluations, evaluation_id, "evaluation")
        ev = Evaluation(evaluation_id, on, final, checked_code(EvaluationConclusion, conclusion, "conclusion"), notes)
        self._evaluation_held(actor=actor, evaluation=ev)

    @event(EvaluationHeld)
    def _evaluation_held(self, actor: Actor, evaluation: Evaluation) -> None:
        self.evaluations[evaluation.evaluation_id] = evaluation

    def raise_escalation(
        self, *, actor: Actor, on: date, escalation_id: str, level: str, reason: Personal
    ) -> None:
        self._check_open(on)
        self._new_id(self.escalations, escalation_id, "escalation")
        esc = Escalation(escalation_id, checked_code(EscalationLevel, level, "escalation level"), on, reason)
        self._escalation_raised(actor=actor, escalation=esc)

    @event(EscalationRaised)
    def _escalation_raised(self, actor: Actor, escalation: Escalation) -> None:
        self.escalations[escalation.escalation_id] = escalation

    def resolve_escalation(
        self, *, actor: Actor, on: date, escalation_id: str, resolution: Personal | None = None
    ) -> None:
        self._check_open(on)
        esc = self._find(self.escalations, escalation_id, "escalation")
        if esc.resolved_on is not None:
            raise errors.EscalationNotOpenError(f"Escalation {escalation_id} has been resolved already.")
        if on < esc.raised_on:
            raise errors.InvalidPeriodError("An escalation cannot be resolved before it was raised.")
        self._escalation_resolved(actor=actor, escalation_id=escalation_id, on=on, resolution=resolution)

    @event(EscalationResolved)
    def _escalation_resolved(
        self, actor: Actor, escalation_id: str, on: date, resolution: Personal | None
    ) -> None:
        self.escalations[escalation_id] = self.escalations[escalation_id].replace(
            resolved_on=on, resolution=resolution
        )

    # ------------------------------------------------------------------- costs
    def record_cost(
        self, *, actor: Actor, on: date, cost_id: str, kind: str, stream: str, amount_eur: Decimal | str,
        period_start: date, period_end: date, description: Personal | None = None,
    ) -> None:
        """A baseline lies within the two years before referral; an intervention after it."""
        self._check_open(on)
        self._new_id(self.costs, cost_id, "cost")
        kind_ = checked_code(CostKind, kind, "cost kind")
        try:
            amount = Decimal(str(amount_eur))
            whole_cents = amount.is_finite() and amount == amount.quantize(Decimal("0.01"))
        except ArithmeticError:  # not a number, or too large to quantize
            raise errors.InvalidInputError("A cost amount is a number of euros, e.g. 1250.00.") from None
        if not whole_cents or not 0 <= amount <= MAX_COST_EUR:
            raise errors.InvalidInputError(
                f"A cost amount is 0 to {MAX_COST_EUR:,} euros, in whole cents."
            )
        if period_end < period_start:
            raise errors.InvalidPeriodError("A cost period cannot end before it starts.")
        start_of_approach = self.referral.on
        if kind_ == CostKind.BASELINE:
            if period_end > start_of_approach or period_start < add_years(start_of_approach, -2):
                raise errors.InvalidPeriodError("A baseline cost lies within the two years before referral.")
        elif period_start < start_of_approach:
            raise errors.InvalidPeriodError("An intervention cost lies on or after the referral date.")
        cost = CostRecord(
            cost_id, kind_, checked_code(CostStream, stream, "cost stream"), amount, period_start, period_end, on,
            description,
        )
        self._cost_recorded(actor=actor, cost=cost)

    @event(CostRecorded)
    def _cost_recorded(self, actor: Actor, cost: CostRecord) -> None:
        self.costs[cost.cost_id] = cost

    # --------------------------------------------- handover, drop-out, closure
    def hand_over(
        self, *, actor: Actor, on: date, to_organisation: str, warm: bool = True, notes: Personal | None = None
    ) -> None:
        """Coordination passes to another organisation; the case director steps back."""
        self._check_open(on)
        if self.case_director is None:
            raise errors.NoCaseDirectorError("Only a case with a case director can be handed over.")
        if not to_organisation.strip():
            raise errors.InvalidInputError("A handover names the receiving organisation.")
        to = _organisation(to_organisation, "receiving organisation")
        self._handed_over(actor=actor, handover=Handover(to, on, warm, notes))

    @event(HandedOver)
    def _handed_over(self, actor: Actor, handover: Handover) -> None:
        self.handovers[str(len(self.handovers) + 1)] = handover
        self.case_director = None

    def record_drop_out(self, *, actor: Actor, on: date, kind: str, reason: Personal | None = None) -> None:
        """The household drops out or refuses; recorded so it is not lost."""
        self._check_open(on)
        self._dropped_out(actor=actor, drop_out=DropOut(checked_code(DropOutKind, kind, "drop-out kind"), on, reason))

    @event(DroppedOut)
    def _dropped_out(self, actor: Actor, drop_out: DropOut) -> None:
        self.drop_out = drop_out

    def close(self, *, actor: Actor, on: date, reason: str, aftercare_until: date | None = None) -> None:
        self._check_open(on)
        if aftercare_until is not None and aftercare_until < on:
            raise errors.InvalidPeriodError("Aftercare follow-up cannot lie before the closure.")
        closure = Closure(checked_code(ClosureReason, reason, "closure reason"), on, aftercare_until)
        self._closed(actor=actor, closure=closure)

    @event(Closed)
    def _closed(self, actor: Actor, closure: Closure) -> None:
        self.closure = closure

    def reopen(self, *, actor: Actor, on: date, reason: Personal | None = None) -> None:
        """Reopen without a new intake; the plan and director carry on."""
        if self.erasure is not None:
            raise errors.HouseholdErasedError("This household has been erased; it cannot be reopened.")
        if self.closure is None:
            raise errors.CaseNotClosedError("Only a closed case can be reopened.")
        if on < self.closure.on:
            raise errors.InvalidPeriodError("A case cannot be reopened before it was closed.")
        self._reopened(actor=actor, on=on, reason=reason)

    @event(Reopened)
    def _reopened(self, actor: Actor, on: date, reason: Personal | None) -> None:
        self.closure = None
        self.drop_out = None

    # ------------------------------------------------- retention and erasure
    def place_retention_hold(self, *, actor: Actor, on: date, hold_id: str, law: str, until: date) -> None:
        """A legal retention duty (e.g. Youth Act: 20 years); allowed on closed cases."""
        if self.erasure is not None:
            raise errors.HouseholdErasedError("This household has been erased already.")
        self._check_date(on)
        self._new_id(self.retention_holds, hold_id, "retention hold")
        if not law.strip():
            raise errors.InvalidInputError("A retention hold names the law that requires it.")
        law_ = _legal_reference(law.strip(), "retention law")
        if until <= on:
            raise errors.InvalidPeriodError("A retention hold ends after the day it is placed.")
        self._retention_hold_placed(actor=actor, hold=RetentionHold(hold_id, law_, until, on))

    @event(RetentionHoldPlaced)
    def _retention_hold_placed(self, actor: Actor, hold: RetentionHold) -> None:
        self.retention_holds[hold.hold_id] = hold

    def request_erasure(self, *, actor: Actor, on: date, request_id: str, reason: str) -> None:
        """The privacy officer's request; the erasure itself is executed by another person (four eyes).

        A later request replaces a pending one. Retention is checked when the erasure is executed.
        """
        if self.erasure is not None:
            raise errors.HouseholdErasedError("This household has been erased already.")
        self._check_date(on)
        if not request_id:
            raise errors.InvalidInputError("An erasure request needs an id.")
        request = ErasureRequest(request_id, on, checked_code(ErasureReason, reason.strip(), "erasure reason"), actor.user_id)
        self._erasure_requested(actor=actor, request=request)

    @event(ErasureRequested)
    def _erasure_requested(self, actor: Actor, request: ErasureRequest) -> None:
        self.erasure_request = request

    def erase(self, *, actor: Actor, on: date, reason: str, rules: Iterable[RetentionRule] = ()) -> None:
        """Only a closed case, and only when no retention hold or retention rule applies on that day.

        ``rules`` are the deployment's retention rules per data kind (see
        :mod:`ledger.aggregates.retention`); explicit holds block every erasure.
        """
        if self.erasure is not None:
            raise errors.HouseholdErasedError("This household has been erased already.")
        if self.closure is None:
            raise errors.CaseNotClosedError("Close the case before erasing it.")
        if on < self.closure.on:
            raise errors.InvalidPeriodError("A case cannot be erased before it was closed.")
        if not reason.strip():
            raise errors.InvalidInputError("Erasure records its reason (a code such as data_subject_request).")
        reason_ = checked_code(ErasureReason, reason.strip(), "erasure reason")
        held = [h for h in self.retention_holds.values() if h.until > on]
        if held:
            until = max(h.until for h in held)
            raise errors.RetentionHoldError(f"A retention hold applies until {until.isoformat()}; erasure is refused.")
        by_rule = [h for h in statutory_holds(self, rules, reason=reason_) if h.until > on]
        if by_rule:
            last = max(by_rule, key=lambda h: h.until)
            raise errors.RetentionHoldError(
                f"Retention rule {last.kind} ({last.law}) keeps this file until "
                f"{last.until.isoformat()}; erasure is refused."
            )
        request = self.erasure_request
        self._erased(actor=actor, erasure=Erasure(on, reason_, request.request_id if request else None))

    @event(Erased)
    def _erased(self, actor: Actor, erasure: Erasure) -> None:
        for name, value in list(vars(self).items()):
            if not name.startswith("_"):
                setattr(self, name, scrub(value))
        self.erasure = erasure
