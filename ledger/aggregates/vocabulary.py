"""The domain's closed vocabularies (DOMAIN.md, "Words" and "The method").

Each is a ``StrEnum`` so that stored events hold the plain code (``"volunteer"``)
and old events keep reading when a label changes. Adding a member is safe;
renaming or removing one needs an upcaster (docs/architecture.md, "Event schema
changes (upcasting)").
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

__all__ = [
    "KEPT",
    "ClosureReason",
    "CoordinationOutcome",
    "CostKind",
    "CostStream",
    "DataCategory",
    "Discipline",
    "DropOutKind",
    "ErasureReason",
    "EscalationLevel",
    "EvaluationConclusion",
    "HouseholdComposition",
    "InvolvementEndReason",
    "InvolvementKind",
    "LegalBasis",
    "LegalReference",
    "LIFE_DOMAIN_CATEGORY",
    "LifeDomain",
    "MemberRelation",
    "MemberRole",
    "NetworkRelation",
    "OrientationWith",
    "PerformerKind",
    "Phase",
    "Purpose",
    "ReferralSource",
    "ZrmMoment",
    "accepted",
]


class ReferralSource(StrEnum):
    MUNICIPAL_WORK_AND_INCOME = "municipal_work_and_income"
    SCHOOL_ATTENDANCE_OFFICER = "school_attendance_officer"
    SOCIAL_WORK = "social_work"
    YOUTH_HEALTH_CARE = "youth_health_care"
    WMO_DESK = "wmo_desk"
    HOUSING_CORPORATION = "housing_corporation"
    DEBT_COUNSELLING = "debt_counselling"
    POLICE = "police"
    GENERAL_PRACTITIONER = "general_practitioner"
    PRIVATE_PERSON = "private_person"
    HOUSEHOLD_ITSELF = "household_itself"
    OTHER = "other"


class MemberRole(StrEnum):
    ADULT = "adult"
    CHILD = "child"


class HouseholdComposition(StrEnum):
    """A household's composition in the categories municipalities report (issue 15).

    ``SINGLE_PARENT_NOT_RECORDED`` is never input: referrals recorded before issue 15 said
    ``single_parent`` (one adult with children) without saying mother or father, and the
    role-only fallback of a referral without relations cannot tell either. It reads as its
    own row ("not recorded") until the composition is revised.
    """

    SINGLE = "single"  # living on their own or with their parents
    COUPLE_WITHOUT_CHILDREN = "couple_without_children"
    COUPLE_WITH_CHILDREN = "couple_with_children"  # a couple or family with children
    MOTHER_WITH_CHILDREN = "mother_with_children"
    FATHER_WITH_CHILDREN = "father_with_children"
    OTHER = "other"
    SINGLE_PARENT_NOT_RECORDED = "single_parent_not_recorded"


class Phase(StrEnum):
    """A household's phase (``Household.phase``, the views' phase column): the furthest step taken, or closed."""

    REFERRED = "referred"
    INTAKE = "intake"
    COORDINATION = "coordination"
    PLAN = "plan"
    AFTERCARE = "aftercare"  # closed with an aftercare date (waakvlam)
    CLOSED = "closed"


class MemberRelation(StrEnum):
    """How one member stands to another, as given at referral or revision (codes between member ids only)."""

    PARTNER_OF = "partner_of"  # symmetric: one relation says both
    MOTHER_OF = "mother_of"
    FATHER_OF = "father_of"


class CoordinationOutcome(StrEnum):
    """The outcomes seen in practice (DOMAIN.md, method step 3)."""

    STAYS_WITH_PARTNERS = "stays_with_partners"
    SHORT_PUSH_THEN_HANDOVER = "short_push_then_handover"
    VOLUNTEERS_DEPLOYED = "volunteers_deployed"
    NOT_NEEDED = "not_needed"
    BROKER_COORDINATES = "broker_coordinates"
    HOUSEHOLD_DECLINES = "household_declines"


class OrientationWith(StrEnum):
    """With whom an orientation talk before the coordination decision was held (DOMAIN.md, "How a pilot counts")."""

    HOUSEHOLD = "household"
    PROFESSIONALS = "professionals"  # with the professionals only, without the household


class DataCategory(StrEnum):
    """What a consent or legal basis covers; also what a read touches (issue 3)."""

    IDENTITY = "identity"
    CONTACT = "contact"
    COMPOSITION = "composition"
    FINANCES = "finances"
    WORK_AND_EDUCATION = "work_and_education"
    HOUSING = "housing"
    DOMESTIC_RELATIONS = "domestic_relations"
    PHYSICAL_HEALTH = "physical_health"
    MENTAL_HEALTH = "mental_health"
    ADDICTION = "addiction"
    JUSTICE = "justice"
    PARENTING = "parenting"
    SOCIAL_NETWORK = "social_network"
    PLAN = "plan"
    ZRM = "zrm"
    INVOLVEMENT = "involvement"
    COSTS = "costs"


class LifeDomain(StrEnum):
    """The canonical life domains (leefgebieden): what a plan goal is about.

    One list for the whole ledger; each instrument maps its own domains onto it
    (``ledger.aggregates.instruments``: ZRM 2013 ``daytime_activities`` and 2017
    ``time_use`` are ``daytime_activities``; 2013 ``adl`` and 2017 ``basic_adl`` and
    ``instrumental_adl`` are ``adl``). The codes that are also data categories are the
    same strings, so goals stored before this list (which took a ``DataCategory``) read
    unchanged; ``UNSPECIFIED`` is what an old goal stored with a category that is no
    life domain (``plan``, ``identity``, ...) reads as. Commands refuse it.
    """

    FINANCES = "finances"
    WORK_AND_EDUCATION = "work_and_education"
    DAYTIME_ACTIVITIES = "daytime_activities"
    HOUSING = "housing"
    DOMESTIC_RELATIONS = "domestic_relations"
    MENTAL_HEALTH = "mental_health"
    PHYSICAL_HEALTH = "physical_health"
    ADDICTION = "addiction"
    ADL = "adl"
    SOCIAL_NETWORK = "social_network"
    SOCIAL_PARTICIPATION = "social_participation"
    JUSTICE = "justice"
    PARENTING = "parenting"
    UNSPECIFIED = "unspecified"


# The data category a goal in a life domain holds data of (retention and the access record read it):
# a life domain that is itself a category is that category; the three that are not fall under the
# category whose sensitivity they share, so no goal is held in a weaker category than before
# (daytime activities under work and education, ADL under physical health, social participation
# under social network). ``UNSPECIFIED`` holds plan data only.
LIFE_DOMAIN_CATEGORY: dict[LifeDomain, DataCategory] = {
    **{d: DataCategory(d.value) for d in LifeDomain if d.value in DataCategory.__members__.values()},
    LifeDomain.DAYTIME_ACTIVITIES: DataCategory.WORK_AND_EDUCATION,
    LifeDomain.ADL: DataCategory.PHYSICAL_HEALTH,
    LifeDomain.SOCIAL_PARTICIPATION: DataCategory.SOCIAL_NETWORK,
    LifeDomain.UNSPECIFIED: DataCategory.PLAN,
}


class Purpose(StrEnum):
    COORDINATION = "coordination"
    SERVICE_DELIVERY = "service_delivery"
    EVALUATION = "evaluation"
    ACCOUNTABILITY = "accountability"


class LegalBasis(StrEnum):
    """AVG art. 6 grounds; ``CONSENT`` means the member's own consent."""

    CONSENT = "consent"
    LEGAL_OBLIGATION = "legal_obligation"
    PUBLIC_TASK = "public_task"
    VITAL_INTEREST = "vital_interest"


class ZrmMoment(StrEnum):
    INTAKE = "intake"
    INTERIM = "interim"
    FINAL = "final"


class PerformerKind(StrEnum):
    SELF = "self"
    NETWORK = "network"
    VOLUNTEER = "volunteer"
    PROFESSIONAL = "professional"


class InvolvementKind(StrEnum):
    PROFESSIONAL = "professional"
    VOLUNTEER = "volunteer"


class InvolvementEndReason(StrEnum):
    """Why an involvement ended (``InvolvementEnded`` version 2).

    ``NOT_RECORDED`` is produced only by the upcaster, for involvements ended
    before the reason was recorded; a command may not give it.
    """

    GOAL_REACHED = "goal_reached"  # their part of the plan is done
    HANDED_OVER = "handed_over"  # another organisation or a volunteer took over
    HOUSEHOLD_STOPPED = "household_stopped"  # the household ended it
    NO_CONTACT = "no_contact"  # the household could not be reached
    CAPACITY = "capacity"  # the organisation or volunteer could not continue
    # issue 15: a professional's help became unnecessary because volunteers (or the household's own
    # network through them) took it over; only a professional involvement ends with it
    VOLUNTEERS_TOOK_OVER = "volunteers_took_over"
    OTHER = "other"
    NOT_RECORDED = "not_recorded"  # upcast version-1 events only


class EvaluationConclusion(StrEnum):
    CONTINUE = "continue"
    COORDINATION_NO_LONGER_NEEDED = "coordination_no_longer_needed"
    HAND_OVER = "hand_over"
    CLOSE = "close"


class EscalationLevel(StrEnum):
    WORK_TABLE = "work_table"
    CIVIL_SERVICE_STEERING_GROUP = "civil_service_steering_group"
    ADMINISTRATIVE_STEERING_GROUP = "administrative_steering_group"


class CostKind(StrEnum):
    BASELINE = "baseline"
    INTERVENTION = "intervention"


class CostStream(StrEnum):
    INCOME_SUPPORT = "income_support"
    CARE = "care"
    LOCAL_PREVENTION = "local_prevention"
    TRANSACTION = "transaction"


class DropOutKind(StrEnum):
    DROP_OUT = "drop_out"
    REFUSAL = "refusal"


class ClosureReason(StrEnum):
    GOALS_ACHIEVED = "goals_achieved"
    HANDED_OVER = "handed_over"
    COORDINATION_NOT_NEEDED = "coordination_not_needed"
    HOUSEHOLD_DECLINED = "household_declined"
    DROPPED_OUT = "dropped_out"
    MOVED_AWAY = "moved_away"
    OTHER = "other"


class Discipline(StrEnum):
    """What a professional or volunteer does in the household (``Involvement.discipline``).

    Closed since issue 12 item 10: the field was free text, kept in clear, and could
    hold a note naming the client. ``OTHER`` is for a discipline not listed (and what
    old free text that matches no code reads as, :mod:`ledger.aggregates.legacy`).
    """

    DEBT_COUNSELLING = "debt_counselling"  # schuldhulpverlening
    BUDGET_MANAGEMENT = "budget_management"  # budgetbeheer
    INCOME_SUPPORT = "income_support"  # inkomensconsulent, klantmanager
    SOCIAL_WORK = "social_work"  # maatschappelijk werk
    MENTAL_HEALTH_CARE = "mental_health_care"  # (ambulante) ggz
    ADDICTION_CARE = "addiction_care"  # verslavingszorg
    YOUTH_CARE = "youth_care"  # jeugdhulp
    YOUTH_HEALTH_CARE = "youth_health_care"  # jeugdgezondheidszorg, jeugdverpleegkundige
    SCHOOL_ATTENDANCE = "school_attendance"  # leerplicht
    HOUSING = "housing"  # woonconsulent
    PROBATION = "probation"  # reclassering
    GENERAL_PRACTICE = "general_practice"  # huisarts, praktijkondersteuner
    DISTRICT_NURSING = "district_nursing"  # wijkverpleging, thuiszorg
    COMMUNITY_WORK = "community_work"  # opbouwwerk, welzijn
    WMO_CONSULTANT = "wmo_consultant"  # Wmo-consulent
    BUDDY = "buddy"  # maatje (volunteer)
    HOME_ADMINISTRATION = "home_administration"  # thuisadministratie (volunteer)
    ODD_JOBS = "odd_jobs"  # klussendienst (volunteer)
    FAMILY_SUPPORT = "family_support"  # gezinsondersteuning (volunteer)
    OTHER = "other"


class NetworkRelation(StrEnum):
    """How a person in the household's own network relates to it (``NetworkContact.relation``)."""

    PARENT = "parent"
    GRANDMOTHER = "grandmother"
    GRANDFATHER = "grandfather"
    SIBLING = "sibling"
    CHILD = "child"
    UNCLE = "uncle"
    AUNT = "aunt"
    OTHER_FAMILY = "other_family"
    PARTNER = "partner"
    EX_PARTNER = "ex_partner"
    FRIEND = "friend"
    NEIGHBOUR = "neighbour"
    COLLEAGUE = "colleague"
    FAITH_COMMUNITY = "faith_community"
    CLUB = "club"
    OTHER = "other"


class LegalReference(StrEnum):
    """The article a legal basis or a retention hold rests on (``Consent.legal_reference``,
    ``RetentionHold.law``): the law and article, never free text.

    ``UNSPECIFIED`` is produced only for old free-text references that match no code
    (:mod:`ledger.aggregates.legacy`); a command may not give it. ``OTHER`` is a law
    not listed yet: the deployment asks for it to be added.
    """

    JEUGDWET_7_3_8 = "jeugdwet_7_3_8"  # retention of the youth-care file
    JEUGDWET_7_3_9 = "jeugdwet_7_3_9"  # destruction on request, and its exceptions
    JEUGDWET_7_4_0 = "jeugdwet_7_4_0"  # the municipality's processing of youth-care data
    WMO_2015_5_1_1 = "wmo_2015_5_1_1"  # the municipality's processing for the Wmo
    BW_7_454 = "bw_7_454"  # WGBO: the care provider's file and its retention (lid 3)
    BW_7_455 = "bw_7_455"  # WGBO: destruction on request
    ARCHIEFWET_1995 = "archiefwet_1995"  # the municipality's selectielijst
    AVG_6_1_C = "avg_6_1_c"  # GDPR art. 6(1)(c): a legal obligation
    AVG_6_1_E = "avg_6_1_e"  # GDPR art. 6(1)(e): a public task
    OTHER = "other"
    UNSPECIFIED = "unspecified"  # upcast old free text only


class ErasureReason(StrEnum):
    """Why a household was erased (``Erasure.reason``)."""

    DATA_SUBJECT_REQUEST = "data_subject_request"  # AVG art. 17, Jeugdwet 7.3.9, BW 7:455
    RETENTION_EXPIRED = "retention_expired"  # routine destruction after the retention period
    UNLAWFULLY_PROCESSED = "unlawfully_processed"  # recorded without a basis (AVG art. 17(1)(d))
    OTHER = "other"  # also what old free text that matches no code reads as


# The codes each vocabulary keeps for what was stored before (an upcaster or old free text writes
# them): they read back, a command may not give them (``ledger.aggregates.codes.checked_code``).
KEPT: Mapping[type[StrEnum], frozenset[StrEnum]] = MappingProxyType({
    HouseholdComposition: frozenset({HouseholdComposition.SINGLE_PARENT_NOT_RECORDED}),
    LifeDomain: frozenset({LifeDomain.UNSPECIFIED}),
    InvolvementEndReason: frozenset({InvolvementEndReason.NOT_RECORDED}),
    LegalReference: frozenset({LegalReference.UNSPECIFIED}),
})

E = TypeVar("E", bound=StrEnum)


def accepted(enum: type[E]) -> tuple[E, ...]:
    """The codes of ``enum`` a command accepts, in the enum's order: all but its kept ones."""
    kept = KEPT.get(enum, frozenset())
    return tuple(e for e in enum if e not in kept)
