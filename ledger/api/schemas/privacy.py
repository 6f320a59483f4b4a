"""Privacy: access records (NEN 7513), reviews, access requests and the AVG export."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from .base import Moment, Out, PersonalText
from .household import EventOut, HouseholdOut

__all__ = ["AccessRecordOut", "AccessRecordPage", "AccessRequestOut", "AccessedByOut", "ExportOut", "ExportPeriodOut",
           "ReviewOut"]


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
    withheld_categories: dict[str, str] | None = Field(
        default=None, description="A read disclosed by category: each category it withheld, with the reason code "
                                  "(no_consent, not_in_force, erased); null when nothing was withheld.")


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
    withheld_categories: dict[str, str] | None = Field(default=None, description="Withheld from that read, "
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
