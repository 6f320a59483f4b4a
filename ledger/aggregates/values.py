"""Value objects held by events and by the household's state.

All are frozen dataclasses built on :class:`ValueObject` (:mod:`.value_object`), which coerces fields to
their declared types after construction. That makes an object decoded from JSON
(lists, plain strings) equal to the one built in memory (tuples, enums), which is
what lets a household reloaded from the store equal the one in memory.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from . import legacy
from .personal import Personal
from .value_object import ValueObject, is_valid_bsn, value_object
from .vocabulary import (
    ClosureReason,
    CoordinationOutcome,
    CostKind,
    CostStream,
    DataCategory,
    LifeDomain,
    Discipline,
    DropOutKind,
    ErasureReason,
    EscalationLevel,
    EvaluationConclusion,
    HouseholdComposition,
    InvolvementEndReason,
    InvolvementKind,
    LegalBasis,
    LegalReference,
    MemberRelation,
    MemberRole,
    NetworkRelation,
    OrientationWith,
    PerformerKind,
    Purpose,
    ReferralSource,
    ZrmMoment,
)

__all__ = [
    "Actor",
    "AddedReferral",
    "CaseDirectorship",
    "Closure",
    "CompositionRevision",
    "Consent",
    "CoordinationDecision",
    "CostRecord",
    "DropOut",
    "Erasure",
    "ErasureRequest",
    "Escalation",
    "Evaluation",
    "Goal",
    "Handover",
    "Intake",
    "Involvement",
    "Member",
    "NetworkContact",
    "OrientationTalk",
    "NetworkRecord",
    "Performer",
    "PlanAction",
    "PlanMeeting",
    "Referral",
    "Relation",
    "RetentionHold",
    "StaffRef",
    "ValueObject",
    "ZrmMeasurement",
    "is_valid_bsn",
]


@value_object
class Actor(ValueObject):
    """Who acted: a user id (never a name), organisation, role, purpose, and on whose behalf.

    Built by the application from the signed-in user (the directory's user id and
    organisation id), never from request input.
    """

    user_id: str
    organisation: str
    role: str
    purpose: str = "coordination"
    on_behalf_of: str | None = None  # the responsible user, when acting for someone else


@value_object
class StaffRef(ValueObject):
    """A professional by registered user id and organisation id (the ledger keeps no staff names)."""

    user_id: str
    organisation: str

    stored_readers = (("organisation", legacy.read_organisation),)


@value_object
class Member(ValueObject):
    member_id: str
    role: MemberRole
    name: Personal
    bsn: Personal | None = None
    birth_date: Personal | None = None
    phone: Personal | None = None
    email: Personal | None = None


@value_object
class Relation(ValueObject):  # member_id is `relation` of to_member_id (member ids of one household: codes only)
    member_id: str
    relation: MemberRelation
    to_member_id: str


@value_object
class CompositionRevision(ValueObject):  # the composition as last revised (CompositionRevised), its relations
    on: date
    composition: HouseholdComposition
    relations: tuple[Relation, ...]


@value_object
class Referral(ValueObject):
    sources: tuple[ReferralSource, ...]
    on: date
    members: tuple[Member, ...]
    address: Personal | None
    composition: HouseholdComposition  # derived from members and relations, or given (composition.py)
    adults: int
    children: int
    reason: Personal | None = None
    # The organisation (or team) the referral was addressed to: its staff form the intake team
    # until a case director is assigned. None in referrals recorded before it was asked: the
    # municipality's own intake team (ledger.privacy.policy.responsible_organisation).
    addressed_to: str | None = None
    relations: tuple[Relation, ...] = ()  # () in referrals recorded before issue 15, or given without them
    stored_readers = (("composition", legacy.read_composition),)  # the kinds before issue 15: single_adult, ...


@value_object
class AddedReferral(ValueObject):
    """A later referral of a household already known: another source, on its own date (``ReferralAdded``)."""

    sources: tuple[ReferralSource, ...]
    on: date
    reason: Personal | None = None


@value_object
class NetworkContact(ValueObject):
    """A person in the household's own network (eco-map)."""

    relation: NetworkRelation
    name: Personal | None = None
    supportive: bool = True

    stored_readers = (("relation", legacy.read_relation),)


@value_object
class NetworkRecord(ValueObject):
    """The household's own network as it is on ``on`` (the eco-map redrawn after the intake; issue 15)."""

    on: date
    contacts: tuple[NetworkContact, ...]


@value_object
class Intake(ValueObject):
    held_on: date
    domains_discussed: tuple[DataCategory, ...]
    network: tuple[NetworkContact, ...]
    agencies_involved: tuple[str, ...]  # organisation ids
    summary: Personal | None = None

    stored_readers = (("agencies_involved", legacy.read_organisations),)


@value_object
class OrientationTalk(ValueObject):
    """A talk before the coordination decision, with the household or with the professionals only."""

    talk_id: str
    on: date
    held_with: OrientationWith
    notes: Personal | None = None


@value_object
class PlanMeeting(ValueObject):
    """A plan meeting, scheduled ``on`` a day for the day ``scheduled_for`` (the plan is made there)."""

    meeting_id: str
    on: date
    scheduled_for: date


@value_object
class CoordinationDecision(ValueObject):
    outcome: CoordinationOutcome
    on: date
    rationale: Personal | None = None


@value_object
class CaseDirectorship(ValueObject):
    director: StaffRef
    since: date


@value_object
class Consent(ValueObject):
    """A consent of a member, or a recorded legal basis, for sharing data."""

    consent_id: str
    basis: LegalBasis
    member_id: str | None
    organisations: tuple[str, ...]  # organisation ids
    data_categories: tuple[DataCategory, ...]
    purpose: Purpose
    valid_from: date
    valid_until: date | None
    legal_reference: LegalReference | None = None
    withdrawn_on: date | None = None
    # A legal basis (not a member's consent): the user who decided it; the privacy officer reviews it.
    decided_by: str | None = None

    stored_readers = (("organisations", legacy.read_organisations),
                      ("legal_reference", legacy.read_legal_reference))

    def in_force_on(self, day: date) -> bool:
        return (
            self.withdrawn_on is None
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


@value_object
class ZrmMeasurement(ValueObject):
    measurement_id: str
    instrument: str
    moment: ZrmMoment
    member_id: str | None  # None: measured for the household as a whole
    scores: dict[str, int]
    measured_on: date


@value_object
class Goal(ValueObject):
    goal_id: str
    life_domain: LifeDomain
    description: Personal
    target_date: date | None
    set_on: date
    revisions: int = 0
    revised_on: date | None = None

    # Goals stored before the canonical list took a data category: a life domain reads as itself, the rest
    # (plan, identity, ...) as ``unspecified``.
    stored_readers = (("life_domain", legacy.read_life_domain),)


@value_object
class Performer(ValueObject):
    kind: PerformerKind
    organisation: str | None = None  # an organisation id

    stored_readers = (("organisation", legacy.read_organisation),)


@value_object
class PlanAction(ValueObject):
    action_id: str
    goal_id: str
    description: Personal
    performer: Performer
    due_on: date | None
    added_on: date
    completed_on: date | None = None
    cancelled_on: date | None = None
    cancel_reason: Personal | None = None

    @property
    def status(self) -> str:
        if self.completed_on is not None:
            return "done"
        if self.cancelled_on is not None:
            return "cancelled"
        return "open"


@value_object
class Involvement(ValueObject):
    involvement_id: str
    kind: InvolvementKind
    organisation: str  # an organisation id
    discipline: Discipline
    started_on: date
    worker_id: str | None = None  # a registered user id
    contact_name: Personal | None = None
    ended_on: date | None = None
    # Added with InvolvementEnded v2. The default keeps stored version-1 payloads
    # (InvolvementStarted events, older snapshots) decodable without an upcast.
    end_reason: InvolvementEndReason | None = None
    # Added in issue 15: involved already when the household was referred (may start before the
    # referral). The default keeps stored payloads without it decodable without an upcast.
    already_involved: bool = False

    stored_readers = (("organisation", legacy.read_organisation), ("discipline", legacy.read_discipline),
                      ("worker_id", legacy.read_user_id))

    @property
    def active(self) -> bool:
        return self.ended_on is None


@value_object
class Evaluation(ValueObject):
    evaluation_id: str
    held_on: date
    final: bool
    conclusion: EvaluationConclusion
    notes: Personal | None = None


@value_object
class Escalation(ValueObject):
    escalation_id: str
    level: EscalationLevel
    raised_on: date
    reason: Personal
    resolved_on: date | None = None
    resolution: Personal | None = None


@value_object
class CostRecord(ValueObject):
    cost_id: str
    kind: CostKind
    stream: CostStream
    amount_eur: Decimal
    period_start: date
    period_end: date
    recorded_on: date
    description: Personal | None = None


@value_object
class Handover(ValueObject):
    to_organisation: str  # an organisation id
    on: date
    warm: bool
    notes: Personal | None = None

    stored_readers = (("to_organisation", legacy.read_organisation),)


@value_object
class DropOut(ValueObject):
    kind: DropOutKind
    on: date
    reason: Personal | None = None


@value_object
class Closure(ValueObject):
    reason: ClosureReason
    on: date
    aftercare_until: date | None = None


@value_object
class RetentionHold(ValueObject):
    hold_id: str
    law: LegalReference  # e.g. jeugdwet_7_3_8
    until: date
    placed_on: date

    stored_readers = (("law", legacy.read_legal_reference),)


@value_object
class ErasureRequest(ValueObject):
    """The privacy officer's request to erase (first of the four eyes); the erasure names it."""

    request_id: str
    requested_on: date
    reason: ErasureReason
    requested_by: str  # the privacy officer's user id


@value_object
class Erasure(ValueObject):
    on: date
    reason: ErasureReason
    request_id: str | None = None  # the request it executes (None: by the local operator, or before requests)

    stored_readers = (("reason", legacy.read_erasure_reason),)


# Every value object type, for the storage layer's transcoder registration.
ALL_VALUE_OBJECTS: tuple[type[ValueObject], ...] = tuple(
    obj
    for obj in list(globals().values())
    if isinstance(obj, type) and issubclass(obj, ValueObject) and obj is not ValueObject
)
