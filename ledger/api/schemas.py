"""The response bodies (pydantic), documented in the OpenAPI document; request bodies are in bodies.py.

Every field is named: no ``dict[str, Any]`` response. Moments keep the form the API has always
sent (``isoformat()``: ``+00:00``, not pydantic's ``Z``). Output models forbid extra keys, so a
read model that grows a column fails the tests instead of silently leaving the field out.

The household's state (``HouseholdOut``) is built from the presenter's table
(:data:`ledger.presenters.HOUSEHOLD_FIELDS`); the value objects inside it (a referral, a
consent ...) are described by their dataclass fields, as the presenter shows them: they are
stored in events and change only with an upcaster.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema, create_model

from ledger.aggregates import Personal
from ledger.aggregates.values import Actor, ValueObject
from ledger.presenters import HOUSEHOLD_FIELDS

__all__ = [
    "AccessRecordOut",
    "AccessRecordPage",
    "AccessRequestOut",
    "AccessedByOut",
    "ActorOut",
    "CaseloadRowOut",
    "DigestOut",
    "EventOut",
    "EventPage",
    "ExportOut",
    "HealthOut",
    "HouseholdOut",
    "HouseholdSummaryOut",
    "HouseholdSummaryPage",
    "InvolvedOut",
    "InvolvedPartyOut",
    "Me",
    "Moment",
    "OrganisationOut",
    "PlanOut",
    "ReviewOut",
    "VerificationOut",
    "WriteResult",
    "value_object_out",
]


def _iso(value: datetime) -> str:
    return value.isoformat()


Moment = Annotated[datetime, PlainSerializer(_iso, return_type=str, when_used="json"),
                   WithJsonSchema({"type": "string", "format": "date-time"})]
PersonalText = Annotated[str | None, Field(description="Personal data (shown to those allowed); null once erased.")]
DecimalText = Annotated[str, WithJsonSchema({"type": "string", "pattern": r"^-?\d+(\.\d+)?$",
                                             "description": "A decimal amount as text, e.g. 12.50."})]


class Out(BaseModel):
    """Base of the response bodies: every key named, none added."""

    model_config = ConfigDict(extra="forbid")


# ----------------------------------------------------------------- writes
class WriteResult(BaseModel):
    household_id: str
    version: int = Field(description="The household's new version (also in ETag).")
    position: int = Field(description="Where the write sits in the ledger (also in Ledger-Position).")
    item_id: str | None = Field(default=None, description="The id of the item the command created, if any.")


class AccessRequestOut(BaseModel):
    request_id: str = Field(description="Name it when answering with the export (accessRequest).")
    position: int


# ----------------------------------------------------------------- value objects, the household
class ActorOut(Out):
    user_id: str
    organisation: str
    role: str
    purpose: str
    on_behalf_of: str | None


def _out_type(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if hint is Personal:
        return PersonalText
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        inner = _out_type(options[0]) if len(options) == 1 else Any
        return inner | None
    if origin is tuple:
        return list[_out_type(typing.get_args(hint)[0])]  # type: ignore[misc]  # built from the hint at run time
    if origin is dict:
        key, val = (_out_type(a) for a in typing.get_args(hint))
        return dict[key, val]  # type: ignore[valid-type]  # built from the hint at run time
    if isinstance(hint, type):
        if issubclass(hint, ValueObject):
            return value_object_out(hint)
        if issubclass(hint, Enum | str | int | bool | date):
            return hint
        if hint is Decimal:
            return DecimalText
    raise TypeError(f"No response type for {hint!r}: add it to ledger/api/schemas.py")


_VALUE_OUT: dict[type, type[BaseModel]] = {Actor: ActorOut}


def value_object_out(cls: type[ValueObject]) -> type[BaseModel]:
    """The response model of a value object: its dataclass fields, as the presenter shows them (made once)."""
    if cls not in _VALUE_OUT:
        hints = typing.get_type_hints(cls)
        fields: dict[str, Any] = {f.name: (_out_type(hints[f.name]), ...) for f in dataclasses.fields(cls)}
        _VALUE_OUT[cls] = create_model(f"{cls.__name__}Out", __base__=Out,
                                       __doc__=(cls.__doc__ or "").strip() or None, **fields)
    return _VALUE_OUT[cls]


# created_on and modified_on are moments (eventsourcing's names) with a date's name, which the API
# design rules refuse for a string (nlgov:specify-format-for-date-and-time). They keep their names
# for existing clients; their schema gives the format but no `type`, so the rule does not read them
# as dates. A next major version would call them created_at and modified_at.
_OLD_MOMENT = Annotated[datetime, PlainSerializer(_iso, return_type=str, when_used="json"),
                        WithJsonSchema({"format": "date-time", "description": "A moment (RFC 3339 text, with an "
                                        "offset), despite its name; kept for existing clients."})]
_HOUSEHOLD_HEAD: dict[str, Any] = {
    "id": (str, Field(description="The household's id (a UUID).")),
    "version": (int, Field(description="The household's version (also in ETag).")),
    "phase": (str, Field(description="referred, intake, coordination, plan, closed or aftercare")),
    "erased": (bool, ...),
    "created_on": (_OLD_MOMENT, Field(description="When the referral was recorded.")),
    "modified_on": (_OLD_MOMENT, Field(description="When the last event was recorded.")),
}
HouseholdOut: type[BaseModel] = create_model(
    "HouseholdOut", __base__=Out,
    __doc__="A household's state: every field named by the presenter (ledger/presenters.py).",
    **(_HOUSEHOLD_HEAD | {name: (_out_type(hint), ...) for name, hint in HOUSEHOLD_FIELDS.items()}),
)


class EventOut(Out):
    """One stored event. ``data`` holds the event class's own fields (generic: the events are the stored contract)."""

    version: int
    type: str = Field(description="The event's class, e.g. Referred, IntakeHeld.")
    recorded_at: Moment
    actor: ActorOut | None
    data: dict[str, Any] = Field(description="The event's own fields, by type (ledger/aggregates/household.py).")


class EventPage(Out):
    items: list[EventOut]
    next: str | None = Field(description="Cursor for the next page; null on the last page.")


class HouseholdSummaryOut(Out):
    household_id: str
    version: int
    phase: str
    referred_on: date
    case_director: str | None = Field(description="The case director's user id.")
    erased: bool


class HouseholdSummaryPage(Out):
    items: list[HouseholdSummaryOut]
    next: str | None = Field(description="Cursor for the next page; null on the last page.")


# ----------------------------------------------------------------- the views' reads
class DirectorOut(Out):
    user_id: str
    organisation: str
    since: date | None


class PlanGoalOut(Out):
    goal_id: str
    life_domain: str
    target_date: date | None
    set_on: date
    revisions: int
    revised_on: date | None


class PlanActionRowOut(Out):
    action_id: str
    goal_id: str
    performer_kind: str
    performer_organisation: str | None
    due_on: date | None
    added_on: date
    completed_on: date | None
    cancelled_on: date | None
    status: Literal["open", "done", "cancelled"]
    late: bool = Field(description="Open and past its due date (today).")


class ZrmProgressOut(Out):
    member_id: str | None = Field(description="null: measured for the household as a whole.")
    domain: str
    score: int
    measured_on: date
    moment: str
    instrument: str
    baseline: int
    baseline_on: date
    change: int | None = Field(description="Since the baseline; null while the baseline is the latest.")


class PlanOut(Out):
    """The current plan (the current_plan view): no personal data, ids and codes only."""

    household_id: str
    phase: str
    referred_on: date
    intake_on: date | None
    coordination_on: date | None
    coordination_outcome: str | None
    director: DirectorOut | None
    handed_over_to: str | None
    handed_over_on: date | None
    drop_out_kind: str | None
    drop_out_on: date | None
    closed_on: date | None
    closure_reason: str | None
    aftercare_until: date | None
    erased: bool
    erased_on: date | None
    version: int
    last_event_at: Moment
    goals: list[PlanGoalOut]
    actions: list[PlanActionRowOut]
    zrm: list[ZrmProgressOut]


class InvolvedPartyOut(Out):
    kind: str = Field(description="professional, volunteer or case_director")
    involvement_id: str | None = Field(description="null for a case director")
    organisation: str
    discipline: str | None
    worker_id: str | None = Field(description="The director's or worker's user id, when named.")
    started_on: date
    ended_on: date | None
    end_reason: str | None


class InvolvedOut(Out):
    household_id: str
    closed_on: date | None
    erased: bool
    current: list[InvolvedPartyOut]
    previous: list[InvolvedPartyOut]


class CaseloadRowOut(Out):
    user_id: str | None = Field(default=None, description="The case director (absent when grouped by organisation).")
    organisation: str
    phase: str
    households: int


class AccessRecordOut(Out):
    """An access record (NEN 7513): ids and codes only."""

    position: int = Field(description="The record's place in the ledger.")
    record_id: str
    at: Moment
    day: date
    action: str
    household_id: str | None
    user_id: str
    on_behalf_of: str | None
    organisation: str
    role: str
    purpose: str
    authorisation: str | None
    outcome: str
    reason: str = Field(description="The policy's words.")
    emergency: bool
    subject_user_id: str | None
    needs_review: str | None
    review_verdict: str | None
    reviewed_by: str | None
    reviewed_at: Moment | None
    data_categories: list[str] | None = Field(default=None, description="Absent from the awaiting-review list.")


class AccessRecordPage(Out):
    items: list[AccessRecordOut]
    next: str | None = Field(description="Cursor for the next page; null on the last page.")


class ReviewOut(Out):
    record_id: str
    verdict: Literal["justified", "unjustified"]


class AccessedByOut(Out):
    at: Moment
    user_id: str
    organisation: str
    role: str
    on_behalf_of: str | None
    action: str
    purpose: str
    data_categories: list[str]
    authorisation: str | None
    outcome: str
    emergency: bool
    emergency_reason: PersonalText


class PeriodOut(Out):
    since: Moment | None
    until: Moment | None


class ExportOut(Out):
    """A data subject's access request answered (AVG art. 15): their data and who accessed it."""

    household: HouseholdOut  # type: ignore[valid-type]  # built at import from the presenter's table
    events: list[EventOut]
    accessed_by: list[AccessedByOut]
    period: PeriodOut


# ----------------------------------------------------------------- the service
class StalledViewOut(Out):
    position: int = Field(description="The event the view cannot apply.")
    error_type: str = Field(description="The error's class name (never its message).")
    attempts: int


class HealthOut(Out):
    """The service runs; no case data."""

    status: Literal["ok"]
    version: str = Field(description="The service's release.")
    store: Literal["postgresql", "sqlite"]
    ledger_position: int
    views_position: int
    stalled_views: dict[str, StalledViewOut] = Field(description="By view name; empty when none is stalled.")


# ----------------------------------------------------------------- directory, audit
class Me(BaseModel):
    user_id: str
    organisation: str
    role: str


class OrganisationOut(BaseModel):
    id: str
    name: str
    kind: str


class DigestOut(BaseModel):
    position: int
    head: str
    signed_at: datetime
    public_key: str
    signature: str
    key_id: str


class VerificationOut(BaseModel):
    ok: bool
    checked: int
    head_position: int
    first_bad_position: int | None = None
    problem: str | None = None
    problems: list[str] = Field(default_factory=list, description="Every failed check (chain, directory, "
                                                                  "snapshots, views)")
    bad_snapshots: int = 0
    missing_keys: int = Field(0, description="Live households without a data key: tampering, not an erasure.")
    finished_erasures: int = Field(0, description="Erasures left unfinished that this verification finished.")
    key_rotation_due: bool = Field(False, description="An erasure since the last master-key rotation: WAL, standbys "
                                                      "and backups can still undo it (docs/architecture.md).")
    digest_position: int | None = Field(default=None, description="The kept digest the chain was checked against")
