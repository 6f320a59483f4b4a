"""The domain's closed vocabularies (DOMAIN.md, "Words" and "The method").

Each is a ``StrEnum`` so that stored events hold the plain code (``"volunteer"``)
and old events keep reading when a label changes. Adding a member is safe;
renaming or removing one needs an upcaster (docs/architecture.md, "Event schema
changes (upcasting)").
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ClosureReason",
    "CompositionKind",
    "CoordinationOutcome",
    "CostKind",
    "CostStream",
    "DataCategory",
    "DropOutKind",
    "EscalationLevel",
    "EvaluationConclusion",
    "InvolvementEndReason",
    "InvolvementKind",
    "LegalBasis",
    "MemberRole",
    "PerformerKind",
    "Purpose",
    "ReferralSource",
    "ZrmMoment",
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


class CompositionKind(StrEnum):
    SINGLE_ADULT = "single_adult"
    COUPLE = "couple"
    SINGLE_PARENT = "single_parent"
    TWO_PARENTS = "two_parents"
    OTHER = "other"


class CoordinationOutcome(StrEnum):
    """The outcomes seen in practice (DOMAIN.md, method step 3)."""

    STAYS_WITH_PARTNERS = "stays_with_partners"
    SHORT_PUSH_THEN_HANDOVER = "short_push_then_handover"
    VOLUNTEERS_DEPLOYED = "volunteers_deployed"
    NOT_NEEDED = "not_needed"
    BROKER_COORDINATES = "broker_coordinates"
    HOUSEHOLD_DECLINES = "household_declines"


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
