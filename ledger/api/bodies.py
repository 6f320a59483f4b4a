"""The request bodies of the household resources (pydantic), one per command (responses: schemas/).

Bulk import validates its steps with the same models (``ledger/bulk_bodies.py``), so a line is
accepted exactly when the API would accept the request. Fields stored in clear hold ids and
codes, never names or notes (issue 12 item 10); NUL is refused everywhere.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ledger.aggregates.codes import ORGANISATION_ID, USER_ID
from ledger.aggregates.vocabulary import (
    DataCategory,
    Discipline,
    ErasureReason,
    LegalReference,
    MemberRelation,
    OrientationWith,
)
from ledger.application import NewMember
from ledger.privacy.presets import CONSENT_PRESETS


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class Body_(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        """NUL is no text (PostgreSQL refuses it in the views): refuse it here, as a 400."""
        if _has_nul(value):
            raise ValueError("NUL characters are not accepted")
        return value


# ----------------------------------------------------------------- bodies
# Fields stored in clear hold ids and codes, never names or notes (issue 12 item 10).
OrganisationId = Annotated[str, Field(
    pattern=f"^{ORGANISATION_ID.pattern}$", min_length=1, max_length=40,
    description="A registered organisation's id (lower-case letters, digits, hyphens), e.g. gemeente-testdorp.")]
UserId = Annotated[str, Field(pattern=f"^{USER_ID.pattern}$", min_length=1, max_length=64,
                              description="A registered user's id (the ledger keeps no staff names).")]


class MemberIn(Body_):
    role: str = Field(description="adult or child", max_length=20)
    name: str = Field(min_length=1, max_length=200)
    bsn: str | None = Field(default=None, max_length=20)
    birth_date: date | None = None
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200)


MemberId = Annotated[str, Field(pattern="^m[1-9][0-9]{0,2}$", max_length=4,
                                description="A member's id: m1, m2, ... in the order the referral listed them.")]
COMPOSITION_CODES = ("single, couple_without_children, couple_with_children, mother_with_children, "
                     "father_with_children or other")


class RelationIn(Body_):
    """``member`` is ``relation`` of ``to_member`` (partner_of says both ways); member ids only, no names."""

    member: MemberId
    relation: MemberRelation
    to_member: MemberId


class CompositionIn(Body_):
    """A revision: the composition given, or derived from the relations given (which replace the earlier ones)."""

    composition: str | None = Field(default=None, max_length=40, description=COMPOSITION_CODES)
    relations: list[RelationIn] | None = Field(default=None, max_length=200)
    on: date | None = None


class ReferralIn(Body_):
    sources: list[str] = Field(min_length=1, max_length=20)
    members: list[MemberIn] = Field(min_length=1, max_length=30)
    relations: list[RelationIn] = Field(
        default_factory=list, max_length=200,
        description="Relations between members (m1, m2, ... in the order of members): the composition is derived "
                    "from them (docs/evaluation.md, 'Household composition').")
    composition: str | None = Field(default=None, max_length=40,
                                    description=f"{COMPOSITION_CODES}; overrides the derived composition.")
    address: str | None = Field(default=None, max_length=300)
    reason: str | None = Field(default=None, max_length=4000)
    addressed_to: OrganisationId | None = Field(
        default=None,
        description="The organisation (id) whose intake team the referral goes to; its staff act until a case "
                    "director is assigned. Default: the municipality that runs the ledger.")
    on: date | None = None

    def new_members(self) -> list[NewMember]:
        """The members as the application takes them (the API and the import both use this)."""
        return [NewMember(m.role, m.name, bsn=m.bsn, birth_date=m.birth_date.isoformat() if m.birth_date else None,
                          phone=m.phone, email=m.email) for m in self.members]


class AddedReferralIn(Body_):
    """A later referral of a known household: who referred it (again), when, and why (sealed)."""

    sources: list[str] = Field(min_length=1, max_length=20)
    reason: str | None = Field(default=None, max_length=4000)
    on: date | None = None


class NetworkContactIn(Body_):
    """A person in the household's own network (the eco-map): a relation code, not a name, in clear."""

    relation: str = Field(max_length=40, description="parent, grandmother, sibling, friend, neighbour, ... "
                          "(NetworkRelation in ledger/aggregates/vocabulary.py)")
    name: str | None = Field(default=None, max_length=200, description="Personal: sealed, shown to who may read it.")
    supportive: bool = Field(default=True, description="Whether this person supports the household.")


class NetworkIn(Body_):
    contacts: list[NetworkContactIn] = Field(max_length=50, description="The network as it is now; [] when none.")
    on: date | None = None


class IntakeIn(Body_):
    domains_discussed: list[str] = Field(min_length=1, max_length=30)
    network: list[NetworkContactIn] = Field(default_factory=list, max_length=50,
                                            description="The household's own network at intake (eco-map).")
    agencies_involved: list[OrganisationId] = Field(default_factory=list, max_length=50)
    summary: str | None = Field(default=None, max_length=10_000)
    on: date | None = None


class OrientationTalkIn(Body_):
    held_with: OrientationWith = Field(description="household, or professionals (the professionals only).")
    notes: str | None = Field(default=None, max_length=4000)
    on: date | None = None


class PlanMeetingIn(Body_):
    scheduled_for: date = Field(description="The day the plan meeting is held: on or after `on`.")
    on: date | None = None


class CoordinationIn(Body_):
    outcome: str = Field(max_length=60)
    rationale: str | None = Field(default=None, max_length=4000)
    on: date | None = None


class DirectorIn(Body_):
    user_id: UserId
    organisation: OrganisationId
    reason: str | None = Field(default=None, max_length=4000, description="Only when replacing a director.")
    on: date | None = None


class ConsentIn(Body_):
    basis: str = Field(max_length=40)
    member_id: str | None = Field(default=None, max_length=20)
    organisations: list[OrganisationId] = Field(min_length=1, max_length=50)
    data_categories: list[str] = Field(
        default_factory=list, max_length=30,
        description=f"Data categories it covers: {', '.join(c.value for c in DataCategory)}. With `preset`, added to "
                    "the preset's; without it, at least one.")
    preset: str | None = Field(
        default=None, max_length=40,
        description="A set of categories in one word: "
                    + "; ".join(f"{name} ({', '.join(c.value for c in cats)})" for name, cats in CONSENT_PRESETS.items())
                    + ". The consent stores the categories, not the preset. Another word: 422 unknown-consent-preset.")
    purpose: str = Field(max_length=40)
    valid_from: date | None = None
    valid_until: date | None = None
    legal_reference: LegalReference | None = Field(
        default=None, description="For a basis other than consent: the law and article ('unspecified' is read-only).")
    decided_by: UserId | None = Field(
        default=None,
        description="A legal basis only: the user id of who decided it (default: you). The privacy officer reviews it.")
    on: date | None = None


class OnIn(Body_):
    on: date | None = None


class ZrmIn(Body_):
    instrument: str = Field(max_length=10)
    moment: str = Field(max_length=20)
    scores: dict[str, int] = Field(min_length=1, max_length=20)
    member_id: str | None = Field(default=None, max_length=20)
    on: date | None = None


class MeasurementIn(Body_):
    instrument: str = Field(max_length=16, description="An instrument code: 2013, 2017 (ZRM), ladder, satisfaction_5, "
                            "satisfaction_10, life_score.")
    moment: str = Field(max_length=20, description="intake, interim or final.")
    scores: dict[str, int] = Field(min_length=1, max_length=20, description="By the instrument's domain code, "
                                   "within its scale.")
    member_id: str | None = Field(default=None, max_length=20)
    on: date | None = None


class GoalIn(Body_):
    life_domain: str = Field(max_length=40)
    description: str = Field(min_length=1, max_length=4000)
    target_date: date | None = None
    on: date | None = None


class ActionIn(Body_):
    goal_id: str = Field(max_length=64)
    description: str = Field(min_length=1, max_length=4000)
    performer_kind: str = Field(max_length=40)
    organisation: OrganisationId | None = None
    due_on: date | None = None
    on: date | None = None


class CancellationIn(Body_):
    reason: str | None = Field(default=None, max_length=4000)
    on: date | None = None


class InvolvementIn(Body_):
    kind: str = Field(max_length=20)
    organisation: OrganisationId
    discipline: Discipline
    worker_id: UserId | None = None
    contact_name: str | None = Field(default=None, max_length=200)
    on: date | None = None
    already_involved: bool = Field(default=False, description=(
        "The agency was involved already when the household was referred: only then may `on` lie before the "
        "referral (on or before the referral day, at most 30 years before it)."))


class EndingIn(Body_):
    reason: str = Field(max_length=40, description="goal_reached, handed_over, household_stopped, no_contact, ...")
    on: date | None = None


class EvaluationIn(Body_):
    conclusion: str = Field(max_length=60)
    final: bool = False
    notes: str | None = Field(default=None, max_length=10_000)
    on: date | None = None


class HandoverIn(Body_):
    to_organisation: OrganisationId
    warm: bool = True
    notes: str | None = Field(default=None, max_length=4000)
    on: date | None = None


class ClosureIn(Body_):
    reason: str = Field(max_length=60)
    aftercare_until: date | None = None
    on: date | None = None


class ReopeningIn(Body_):
    reason: str | None = Field(default=None, max_length=4000)
    on: date | None = None


class ErasureIn(Body_):
    reason: ErasureReason
    on: date | None = None


class ErasureRequestIn(Body_):
    reason: ErasureReason = Field(description="Why: data_subject_request or retention_expired")
    on: date | None = None


class AccessRequestIn(Body_):
    requester: str = Field(max_length=40, description="data_subject or legal_representative")
    identity_check: str = Field(
        max_length=40, description="How the requester's identity was checked: id_document_in_person, digid, "
                                   "known_representative or other_verified")
    received_on: date | None = Field(default=None, description="When the request arrived (default today)")


class CostIn(Body_):
    kind: str = Field(max_length=20)
    stream: str = Field(max_length=40)
    amount_eur: Decimal = Field(ge=0, le=10_000_000, decimal_places=2, json_schema_extra={
        "anyOf": [{"type": "string", "pattern": r"^(10000000(\.0{1,2})?|[0-9]{1,7}(\.[0-9]{1,2})?)$"},
                  {"type": "number", "minimum": 0, "maximum": 10_000_000, "multipleOf": 0.01}],
        "description": "Euros with at most two decimals, as text (\"1250.00\") or a number; 0 to 10,000,000."})
    period_start: date
    period_end: date
    description: str | None = Field(default=None, max_length=4000)
    on: date | None = None


class EscalationIn(Body_):
    level: str = Field(max_length=60)
    reason: str = Field(min_length=1, max_length=4000)
    on: date | None = None


class GoalRevisionIn(Body_):
    description: str | None = Field(default=None, min_length=1, max_length=4000,
                                    description="The goal's new wording (default: unchanged).")
    target_date: date | None = None
    on: date | None = None


class ResolutionIn(Body_):
    resolution: str | None = Field(default=None, max_length=4000)
    on: date | None = None


class DropOutIn(Body_):
    kind: str = Field(max_length=20)
    reason: str | None = Field(default=None, max_length=4000)
    on: date | None = None


class RetentionHoldIn(Body_):
    law: LegalReference = Field(description="The law and article that requires the hold ('unspecified' is read-only).")
    until: date
    on: date | None = None
