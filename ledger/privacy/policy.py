"""The access policy: one pure function decides every command and every read.

``decide(user, action, household, categories, purpose, on)`` looks only at its
arguments (the household's own state: case director, active involvements,
consents and legal bases in force on ``on``), so withdrawing consent takes
effect on the very next access. No I/O, no clock, no globals.

The rules (docs/architecture.md, "Access policy", has the full table):

* ``admin`` manages users and may erase on the privacy officer's request; never
  reads case content. ``privacy_officer`` reads access records, places retention
  holds; never case content. ``evaluator`` reads pseudonymous aggregates only.
* ``consultant`` and ``professional`` act on a household they are the case
  director of or actively involved in. Anyone of the two may refer; while no case
  director is assigned, a consultant (the municipal intake team) may do the
  intake and everything up to and including assigning a director.
* Reading a data category needs a consent in force (member's consent) or a
  recorded legal basis that covers the user's organisation, that category and
  that purpose. The case director reads the coordination set (identity, contact,
  composition, plan, involvement, ZRM) without one: what is needed to coordinate.
  An involved professional may do the few writes that belong to their own part.
* **Break the glass:** a consultant or professional without access who states a
  reason may *read*, with authorisation ``emergency`` (writes stay refused); the access record flags it
  for the privacy officer's review.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ledger.aggregates import Household
from ledger.aggregates.values import Actor, Consent
from ledger.aggregates.vocabulary import DataCategory, Purpose

__all__ = [
    "COORDINATION_SET",
    "Decision",
    "Relationship",
    "Role",
    "decide",
    "is_read",
    "relationship_of",
]


class Role(StrEnum):
    CONSULTANT = "consultant"
    PROFESSIONAL = "professional"
    PRIVACY_OFFICER = "privacy_officer"
    EVALUATOR = "evaluator"
    ADMIN = "admin"
    OPERATOR = "operator"  # the local operator working directly on the data (CLI); see below


class Relationship(StrEnum):
    DIRECTOR = "director"
    INVOLVED = "involved"
    UNRELATED = "unrelated"


COORDINATION_SET = frozenset(
    {DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.COMPOSITION, DataCategory.PLAN,
     DataCategory.INVOLVEMENT, DataCategory.ZRM}
)

READ = "read"
ACCESS_LOG = "read_access_log"
REVIEW = "review_emergency"  # the privacy officer concludes on a break-the-glass access
CASELOADS = "read_caseloads"  # counts per case director and organisation: no household content
EVALUATION_REPORT = "read_evaluation_report"  # pseudonymous aggregates replayed from the ledger
EXPORT = "export_household"  # a data subject's access request (AVG art. 15)
REFER = "refer_household"
USER_ADMIN = frozenset({"add_user", "disable_user"})
ERASE = "erase_household"
RETENTION = "place_retention_hold"
# Writes that belong to an involved professional's own part of the plan.
INVOLVED_WRITES = frozenset(
    {"complete_plan_action", "cancel_plan_action", "record_zrm_measurement", "end_involvement",
     "withdraw_consent"}
)
# What the intake team (any consultant) may do while no case director is assigned.
INTAKE_WRITES = frozenset(
    {"record_intake", "decide_coordination", "assign_case_director", "grant_consent", "withdraw_consent",
     "record_zrm_measurement", "start_involvement", "record_drop_out", "close_case", "reopen_case"}
)


def is_read(action: str) -> bool:
    """``read`` and every ``read_<view>`` (read_household, read_history, ...)."""
    return action == READ or action.startswith(READ + "_")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # plain words, no personal data; shown with a 403
    authorisation: str | None = None  # "consent:<id>", "legal_basis:<id>", "case_director", "emergency", ...
    emergency: bool = False


def _deny(reason: str) -> Decision:
    return Decision(False, reason)


def relationship_of(user: Actor, household: Household) -> Relationship:
    director = household.case_director.director if household.case_director else None
    if director is not None and director.user_id == user.user_id:
        return Relationship.DIRECTOR
    for inv in household.active_involvements():
        if inv.worker_id == user.user_id or (inv.worker_id is None and inv.organisation == user.organisation):
            return Relationship.INVOLVED
    return Relationship.UNRELATED


def _covering(consents: Iterable[Consent], user: Actor, category: DataCategory, purpose: Purpose) -> Consent | None:
    for c in consents:
        if user.organisation in c.organisations and category in c.data_categories and c.purpose == purpose:
            return c
    return None


def decide(
    user: Actor,
    action: str,
    household: Household | None,
    categories: Iterable[DataCategory | str] = (),
    purpose: Purpose | str = Purpose.COORDINATION,
    *,
    on: date,
    emergency_reason: str | None = None,
) -> Decision:
    """Allow or deny ``user`` doing ``action`` ("read" or a command name) on ``household``."""
    try:
        role = Role(user.role)
        purpose_ = Purpose(purpose)
        cats = frozenset(DataCategory(c) for c in categories)
    except ValueError:
        return _deny("Unknown role, purpose or data category.")

    if role == Role.OPERATOR:
        # The local operator has the machine and the master key; the CLI's direct writes are
        # recorded with this role so that they are visible as such in the access log.
        return Decision(True, "Local operator with direct access to the store.", "operator")
    if action in USER_ADMIN:
        if role == Role.ADMIN:
            return Decision(True, "Administrators manage users.", "user_administration")
        return _deny("Only administrators manage users.")
    if role == Role.ADMIN:
        if action == ERASE:
            return Decision(True, "Erasure by an administrator on the privacy officer's request.", "erasure_request")
        return _deny("Administrators manage users; they do not see or change case content.")
    if role == Role.PRIVACY_OFFICER:
        if action == RETENTION:
            return Decision(True, "The privacy officer manages retention.", "retention_duty")
        if action in (ACCESS_LOG, REVIEW):
            return Decision(True, "The privacy officer audits access records.", "audit_duty")
        if action == EXPORT:
            return Decision(True, "The privacy officer answers the data subject's access request.", "avg_art_15")
        return _deny("Privacy officers read access records, never case content.")
    if action in (ACCESS_LOG, EXPORT, REVIEW):
        return _deny("Access records and data-subject exports are for the privacy officer.")
    if action == CASELOADS:
        if role in (Role.CONSULTANT, Role.EVALUATOR):
            return Decision(True, "Caseload counts support coordination and evaluation.", "caseload_overview")
        return _deny("Caseload overviews are for consultants and evaluators.")
    if action == EVALUATION_REPORT:
        if role in (Role.CONSULTANT, Role.EVALUATOR):
            return Decision(True, "Pseudonymous evaluation figures support evaluation.", "evaluation_report")
        return _deny("Evaluation reports are for evaluators and consultants.")
    if role == Role.EVALUATOR:
        return _deny("Evaluators get pseudonymous aggregates only, never a household.")

    # consultant or professional
    if action == REFER:
        return Decision(True, "Anyone in the network may refer a household.", "referral")
    if household is None:
        return _deny("No such household.")
    rel = relationship_of(user, household)
    decision = _decide_care(user, role, rel, action, household, cats, purpose_, on)
    if decision.allowed or not is_read(action) or not (emergency_reason or "").strip():
        return decision  # breaking the glass opens data to read; it never lets anyone change a case
    return Decision(True, "Emergency access (break the glass); flagged for review.", "emergency", emergency=True)


def _decide_care(
    user: Actor, role: Role, rel: Relationship, action: str, household: Household,
    cats: frozenset[DataCategory], purpose: Purpose, on: date,
) -> Decision:
    intake_team = household.case_director is None and role == Role.CONSULTANT
    if not is_read(action):
        if action in (ERASE, RETENTION):
            return _deny("Erasure and retention are decided by the privacy officer.")
        if rel == Relationship.DIRECTOR:
            return Decision(True, "The case director coordinates this household.", "case_director")
        if rel == Relationship.INVOLVED and action in INVOLVED_WRITES:
            return Decision(True, "An involved professional records their own part.", "involvement")
        if intake_team and action in INTAKE_WRITES:
            return Decision(True, "The intake team acts until a case director is assigned.", "intake_team")
        return _deny("Only the case director (or, for their own part, an involved professional) may do this.")

    if rel == Relationship.UNRELATED and not intake_team:
        return _deny("You are not the case director of this household nor involved in it.")
    in_force = household.consents_in_force(on)
    used: list[str] = []
    for cat in sorted(cats):
        if cat in COORDINATION_SET and (rel == Relationship.DIRECTOR or intake_team):
            used.append("case_director" if rel == Relationship.DIRECTOR else "intake_team")
            continue
        cover = _covering(in_force, user, cat, purpose)
        if cover is None:
            return _deny(f"No consent or legal basis in force covers '{cat.value}' for your organisation and purpose.")
        kind = "consent" if cover.basis == "consent" else "legal_basis"
        used.append(f"{kind}:{cover.consent_id}")
    return Decision(True, "Covered by relationship and consent.", ",".join(dict.fromkeys(used)) or rel.value)
