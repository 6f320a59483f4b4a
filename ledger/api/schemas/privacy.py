"""Privacy: access records (NEN 7513), reviews, access requests and the AVG export."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from ledger.aggregates.values import Consent
from ledger.aggregates.vocabulary import InvolvementKind, Purpose
from ledger.privacy.access import ReviewVerdict
from ledger.privacy.policy import Relationship, Role

from .base import KnownAtOut, Moment, Out, PersonalText
from ..codes import code
from .household import CategoryCode, EventOut, HouseholdOut, WithheldCode, value_object_out
from .service import WriteResult

__all__ = ["AccessRecordOut", "AccessRecordPage", "AccessRequestOut", "AccessedByOut", "ConsentResult", "ExportOut",
           "ExportPeriodOut", "InvolvementThenOut", "RelationsThenOut", "ReviewOut", "StaffOut", "StatedReasonOut"]


class StatedReasonOut(Out):
    """The reason the user typed when breaking the glass, unsealed for the privacy officer's review."""

    text: PersonalText
    erased: bool = Field(description="True once the household is erased: the reason went with its key.")


RoleCode = Annotated[str, code(Role, every=True)]
PurposeCode = Annotated[str, code(Purpose, every=True)]
_USER_NAME = "The display name in the user directory now (null: not in the directory)."
_ORGANISATION_NAME = "The organisation's registered name (null: not in the register)."


class StaffOut(Out):
    user_id: str
    organisation: str
    name: str | None = Field(default=None, description=_USER_NAME)
    organisation_name: str | None = Field(default=None, description=_ORGANISATION_NAME)


class InvolvementThenOut(Out):
    involvement_id: str
    organisation: str
    worker_id: str | None
    kind: Annotated[str, code(InvolvementKind, every=True)]
    started_on: date
    organisation_name: str | None = Field(default=None, description=_ORGANISATION_NAME)
    worker_name: str | None = Field(default=None, description=_USER_NAME)


class RelationsThenOut(Out):
    """The household's relations at the access's moment (as known then, on that business date).

    Ids and codes from the ledger, with the staff's and organisations' names as the directory and
    register give them at read time.
    """

    known_at: KnownAtOut
    case_director: StaffOut | None
    responsible_organisation: str = Field(description="Who answers for the case while it has no director.")
    responsible_organisation_name: str | None = Field(default=None, description=_ORGANISATION_NAME)
    involvements: list[InvolvementThenOut] = Field(description="The involvements active then.")
    reader_relationship: Annotated[str, code(Relationship, every=True)] = Field(
        description="The reader's relationship then.")


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
    role: RoleCode
    purpose: PurposeCode
    authorisation: str | None
    outcome: str
    reason: str = Field(description="The policy's words.")
    emergency: bool
    subject_user_id: str | None
    needs_review: str | None
    review_verdict: str | None
    reviewed_by: str | None
    reviewed_at: Moment | None
    data_categories: list[CategoryCode] | None = Field(default=None,
                                                       description="The categories disclosed (or written).")
    # Issue 16, item 3: the review list and a single record (GET /v1/access-log/{record_id}) only.
    withheld_categories: dict[CategoryCode, WithheldCode] | None = Field(
        default=None, description="A read disclosed by category: each category it withheld, with the reason code; "
                                  "null when nothing was withheld.")
    stated_reason: StatedReasonOut | None = Field(
        default=None, description="Review only: the emergency reason as typed (null: none was stated).")
    relations: RelationsThenOut | None = Field(
        default=None, description="Review only: the household's relations at the access's moment.")
    user_name: str | None = Field(default=None, description="Review only: the reader's display name in the user "
                                                            "directory (null: not in the directory).")
    organisation_name: str | None = Field(default=None, description="Review only: the reader's organisation's "
                                                                    "registered name.")


class AccessRecordPage(Out):
    items: list[AccessRecordOut]
    next: str | None = Field(description="Cursor for the next page; null on the last page.")


class ReviewOut(Out):
    record_id: str
    verdict: Annotated[str, code(ReviewVerdict, every=True)]


class AccessedByOut(Out):
    at: Moment
    user_id: str
    organisation: str
    role: RoleCode
    on_behalf_of: str | None
    action: str
    purpose: PurposeCode
    data_categories: list[CategoryCode]
    withheld_categories: dict[CategoryCode, WithheldCode] | None = Field(default=None, description="Withheld from that read, "
                                                       "with the reason codes; null: nothing withheld.")
    authorisation: str | None
    outcome: str
    emergency: bool
    emergency_reason: PersonalText


class ExportPeriodOut(Out):
    since: Moment | None
    until: Moment | None


class ExportOut(Out):
    """A data subject's access request answered (AVG art. 15): their data and who accessed it."""

    household: HouseholdOut  # type: ignore[valid-type]  # built at import from the presenter's table
    events: list[EventOut]
    accessed_by: list[AccessedByOut]
    period: ExportPeriodOut


class AccessRequestOut(BaseModel):
    request_id: str = Field(description="Name it when answering with the export (accessRequest).")
    position: int


class ConsentResult(WriteResult):
    """A consent's answer: the write, and the consent as stored (its categories, never a preset; dates filled in)."""

    consent: value_object_out(Consent) = Field(  # type: ignore[valid-type]  # built at import from the value object
        description="The consent or legal basis as stored in the household (ConsentGranted), as the state shows it.")
