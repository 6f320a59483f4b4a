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
    LegalReference,
    LifeDomain,
    MemberRelation,
    MemberRole,
    NetworkRelation,
    OrientationWith,
    PerformerKind,
    Purpose,
    ReferralSource,
    ZrmMoment,
)
from ledger.application import NewMember
from ledger.privacy.access import IdentityCheck, Requester
from ledger.privacy.presets import CONSENT_PRESETS

from .codes import CONSENT_PRESET, INSTRUMENT, ZRM_INSTRUMENT, code


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
    role: Annotated[str, code(MemberRole)] = Field(max_length=20)
    name: str = Field(min_length=1, max_length=200)
    bsn: str | None = Field(default=None, max_length=20)
    birth_date: date | None = None
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200)


MemberId = Annotated[str, Field(pattern="^m[1-9][0-9]{0,2}$", max_length=4,
                                description="A member's id: m1, m2, ... in the order the referral listed them.")]
# Codes in a body (ledger/api/codes.py): the document lists them with their labels; the aggregate checks them.
Composition = Annotated[str, code(HouseholdComposition)]
Source = Annotated[str, code(ReferralSource)]
Category = Annotated[str, code(DataCategory)]


class RelationIn(Body_):
    """``member`` is ``relation`` of ``to_member`` (partner_of says both ways); member ids only, no names."""

    member: MemberId
    relation: Annotated[str, code(MemberRelation, check=True)]
    to_member: MemberId


class CompositionIn(Body_):
    """A revision: the composition given, or derived from the relations given (which replace the earlier ones)."""

    composition: Composition | None = Field(default=None, max_length=40)
    relations: list[RelationIn] | None = Field(default=None, max_length=200)
    on: date | None = None


class ReferralIn(Body_):
    sources: list[Source] = Field(min_length=1, max_length=20)
    members: list[MemberIn] = Field(min_length=1, max_length=30)
    relations: list[RelationIn] = Field(
        default_factory=list, max_length=200,
        description="Relations between members (m1, m2, ... in the order of members): the composition is derived "
                    "from them (docs/evaluation.md, 'Household composition').")
    composition: Composition | None = Field(default=None, max_length=40,
                                            description="Overrides the derived composition.")
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

    sources: list[Source] = Field(min_length=1, max_length=20)
    reason: str | None = Field(default=None, max_length=4000)
    on: date | None = None


class NetworkContactIn(Body_):
    """A person in the household's own network (the eco-map): a relation code, not a name, in clear."""

    relation: Annotated[str, code(NetworkRelation)] = Field(max_length=40, description="How they relate to the household.")
    name: str | None = Field(default=None, max_length=200, description="Personal: sealed, shown to who may read it.")
    supportive: bool = Field(default=True, description="Whether this person supports the household.")


class NetworkIn(Body_):
    contacts: list[NetworkContactIn] = Field(max_length=50, description="The network as it is now; [] when none.")
    on: date | None = None


class IntakeIn(Body_):
    domains_discussed: list[Category] = Field(min_length=1, max_length=30)
    network: list[NetworkContactIn] = Field(default_factory=list, max_length=50,
                                            description="The household's own network at intake (eco-map).")
    agencies_involved: list[OrganisationId] = Field(default_factory=list, max_length=50)
    summary: str | None = Field(default=None, max_length=10_000)
    on: date | None = None


class OrientationTalkIn(Body_):
    held_with: Annotated[str, code(OrientationWith, check=True)]
    notes: str | None = Field(default=None, max_length=4000)
    on: date | None = None


class PlanMeetingIn(Body_):
    scheduled_for: date = Field(description="The day the plan meeting is held: on or after `on`.")
    on: date | None = None


class CoordinationIn(Body_):
    outcome: Annotated[str, code(CoordinationOutcome)] = Field(max_length=60)
    rationale: str | None = Field(default=None, max_length=4000)
    on: date | None = None


class DirectorIn(Body_):
    user_id: UserId
    organisation: OrganisationId
    reason: str | None = Field(default=None, max_length=4000, description="Only when replacing a director.")
    on: date | None = None


class ConsentIn(Body_):
    basis: Annotated[str, code(LegalBasis)] = Field(max_length=40)
    member_id: str | None = Field(default=None, max_length=20)
    organisations: list[OrganisationId] = Field(min_length=1, max_length=50)
    data_categories: list[Category] = Field(
        default_factory=list, max_length=30,
        description="Data categories it covers. With `preset`, added to the preset's; without it, at least one.")
    preset: CONSENT_PRESET | None = Field(
        default=None, max_length=40,
        description="A set of categories in one word: "
                    + "; ".join(f"{name} ({', '.join(c.value for c in cats)})" for name, cats in CONSENT_PRESETS.items())
                    + ". The consent stores the categories, not the preset. Another word: 422 unknown-consent-preset.")
    purpose: Annotated[str, code(Purpose)] = Field(max_length=40)
    valid_from: date | None = None
    valid_until: date | None = None
    legal_reference: Annotated[str, code(LegalReference, check=True)] | None = Field(
        default=None, description="For a basis other than consent: the law and article ('unspecified' is read-only).")
    decided_by: UserId | None = Field(
        default=None,
        description="A legal basis only: the user id of who decided it (default: you). The privacy officer reviews it.")
    on: date | None = None


class OnIn(Body_):
    on: date | None = None


class ZrmIn(Body_):
    instrument: ZRM_INSTRUMENT = Field(max_length=10)
    moment: Annotated[str, code(ZrmMoment)] = Field(max_length=20)
    scores: dict[str, int] = Field(min_length=1, max_length=20)
    member_id: str | None = Field(default=None, max_length=20)
    on: date | None = None


class MeasurementIn(Body_):
    instrument: INSTRUMENT = Field(max_length=16, description="An instrument code.")
    moment: Annotated[str, code(ZrmMoment)] = Field(max_length=20)
    scores: dict[str, int] = Field(min_length=1, max_length=20, description="By the instrument's domain code, "
                                   "within its scale.")
    member_id: str | None = Field(default=None, max_length=20)
    on: date | None = None


class GoalIn(Body_):
    life_domain: Annotated[str, code(LifeDomain)] = Field(max_length=40)
    description: str = Field(min_length=1, max_length=4000)
    target_date: date | None = None
    on: date | None = None


class ActionIn(Body_):
    goal_id: str = Field(max_length=64)
    description: str = Field(min_length=1, max_length=4000)
    performer_kind: Annotated[str, code(PerformerKind)] = Field(max_length=40)
    organisation: OrganisationId | None = None
    due_on: date | None = None
    on: date | None = None


class CancellationIn(Body_):
    reason: str | None = Field(default=None, max_length=4000)
    on: date | None = None


class InvolvementIn(Body_):
    kind: Annotated[str, code(InvolvementKind)] = Field(max_length=20)
    organisation: OrganisationId
    discipline: Annotated[str, code(Discipline, check=True)]
    worker_id: UserId | None = None
    contact_name: str | None = Field(default=None, max_length=200)
    on: date | None = None
    already_involved: bool = Field(default=False, description=(
        "The agency was involved already when the household was referred: only then may `on` lie before the "
        "referral (on or before the referral day, at most 30 years before it)."))


class EndingIn(Body_):
    reason: Annotated[str, code(InvolvementEndReason)] = Field(max_length=40)
    on: date | None = None


class EvaluationIn(Body_):
    conclusion: Annotated[str, code(EvaluationConclusion)] = Field(max_length=60)
    final: bool = False
    notes: str | None = Field(default=None, max_length=10_000)
    on: date | None = None


class HandoverIn(Body_):
    to_organisation: OrganisationId
    warm: bool = True
    notes: str | None = Field(default=None, max_length=4000)
    on: date | None = None


class ClosureIn(Body_):
    reason: Annotated[str, code(ClosureReason)] = Field(max_length=60)
    aftercare_until: date | None = None
    on: date | None = None


class ReopeningIn(Body_):
    reason: str | None = Field(default=None, max_length=4000)
    on: date | None = None


class ErasureIn(Body_):
    reason: Annotated[str, code(ErasureReason, check=True)]
    on: date | None = None


class ErasureRequestIn(Body_):
    reason: Annotated[str, code(ErasureReason, check=True)] = Field(description="Why the household is to be erased.")
    on: date | None = None


class AccessRequestIn(Body_):
    requester: Annotated[str, code(Requester)] = Field(max_length=40, description="Who asks.")
    identity_check: Annotated[str, code(IdentityCheck)] = Field(
        max_length=40, description="How the requester's identity was checked.")
    received_on: date | None = Field(default=None, description="When the request arrived (default today)")


class CostIn(Body_):
    kind: Annotated[str, code(CostKind)] = Field(max_length=20)
    stream: Annotated[str, code(CostStream)] = Field(max_length=40)
    amount_eur: Decimal = Field(ge=0, le=10_000_000, decimal_places=2, json_schema_extra={
        "anyOf": [{"type": "string", "pattern": r"^(10000000(\.0{1,2})?|[0-9]{1,7}(\.[0-9]{1,2})?)$"},
                  {"type": "number", "minimum": 0, "maximum": 10_000_000, "multipleOf": 0.01}],
        "description": "Euros with at most two decimals, as text (\"1250.00\") or a number; 0 to 10,000,000."})
    period_start: date
    period_end: date
    description: str | None = Field(default=None, max_length=4000)
    on: date | None = None


class EscalationIn(Body_):
    level: Annotated[str, code(EscalationLevel)] = Field(max_length=60)
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
    kind: Annotated[str, code(DropOutKind)] = Field(max_length=20)
    reason: str | None = Field(default=None, max_length=4000)
    on: date | None = None


class RetentionHoldIn(Body_):
    law: Annotated[str, code(LegalReference, check=True)] = Field(
        description="The law and article that requires the hold ('unspecified' is read-only).")
    until: date
    on: date | None = None
