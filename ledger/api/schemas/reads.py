"""The reads the views answer: the current plan, the involved parties, caseloads.

The views hold ids and codes only; the plan's texts and names are joined on at read time (issue 16).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from ledger.aggregates.vocabulary import (
    ClosureReason,
    CoordinationOutcome,
    Discipline,
    DropOutKind,
    InvolvementEndReason,
    LifeDomain,
    PerformerKind,
    ZrmMoment,
)

from ..codes import code
from .base import KnownAtOut, Moment, Out, PersonalText
from .household import PhaseCode

__all__ = ["CaseloadRowOut", "DirectorOut", "InvolvedOut", "InvolvedPartyOut", "PlanActionRowOut", "PlanGoalOut",
           "PlanOut", "ZrmProgressOut"]


class DirectorOut(Out):
    user_id: str
    organisation: str
    since: date | None
    name: str | None = Field(default=None, description="The director's display name (user directory); plan only.")
    organisation_name: str | None = Field(default=None, description="The organisation's registered name; plan only.")


class PlanGoalOut(Out):
    goal_id: str
    life_domain: Annotated[str, code(LifeDomain, every=True)]
    target_date: date | None
    set_on: date
    revisions: int
    revised_on: date | None
    description: PersonalText = None  # in the household's own words, from the sealed ledger (issue 16)


class PlanActionRowOut(Out):
    action_id: str
    goal_id: str
    performer_kind: Annotated[str, code(PerformerKind, every=True)]
    performer_organisation: str | None
    due_on: date | None
    added_on: date
    completed_on: date | None
    cancelled_on: date | None
    status: Literal["open", "done", "cancelled"]
    late: bool = Field(description="Open and past its due date (today).")
    description: PersonalText = None  # in the household's own words, from the sealed ledger (issue 16)
    performer_organisation_name: str | None = Field(
        default=None, description="The performing organisation's registered name (organisation register).")
    worker_id: str | None = Field(
        default=None, description="Who acts for a professional's action: the worker of the household's involvement "
                                  "with that organisation (the active one started first, else the last ended); null "
                                  "where none is recorded.")
    worker_name: str | None = Field(default=None, description="The worker's display name (user directory).")


class ZrmProgressOut(Out):
    member_id: str | None = Field(description="null: measured for the household as a whole.")
    domain: str
    score: int
    measured_on: date
    moment: Annotated[str, code(ZrmMoment, every=True)]
    instrument: str
    baseline: int
    baseline_on: date
    change: int | None = Field(description="Since the baseline; null while the baseline is the latest.")


class PlanOut(Out):
    """The current plan: the current_plan view's rows (ids, codes, dates) with texts and names joined at read time.

    The descriptions come from the household's sealed events (null once erased), the names from the
    organisation register and the user directory; the view itself holds no personal data.
    """

    household_id: str
    phase: PhaseCode
    referred_on: date
    intake_on: date | None
    coordination_on: date | None
    coordination_outcome: Annotated[str, code(CoordinationOutcome, every=True)] | None
    director: DirectorOut | None
    handed_over_to: str | None
    handed_over_on: date | None
    drop_out_kind: Annotated[str, code(DropOutKind, every=True)] | None
    drop_out_on: date | None
    closed_on: date | None
    closure_reason: Annotated[str, code(ClosureReason, every=True)] | None
    aftercare_until: date | None
    erased: bool
    erased_on: date | None
    version: int
    last_event_at: Moment
    as_of: date | None = Field(default=None, description="Business date of an as-of read (asOf; default today).")
    known_at: KnownAtOut | None = Field(default=None, description="Knowledge time of an as-of read (knownAt).")
    goals: list[PlanGoalOut]
    actions: list[PlanActionRowOut]
    zrm: list[ZrmProgressOut]


class InvolvedPartyOut(Out):
    kind: str = Field(description="professional, volunteer or case_director")
    involvement_id: str | None = Field(description="null for a case director")
    organisation: str
    discipline: Annotated[str, code(Discipline, every=True)] | None
    worker_id: str | None = Field(description="The director's or worker's user id, when named.")
    started_on: date
    ended_on: date | None
    end_reason: Annotated[str, code(InvolvementEndReason, every=True)] | None


class InvolvedOut(Out):
    household_id: str
    closed_on: date | None
    erased: bool
    current: list[InvolvedPartyOut]
    previous: list[InvolvedPartyOut]
    as_of: date | None = Field(default=None, description="Business date of an as-of read (asOf; default today).")
    known_at: KnownAtOut | None = Field(default=None, description="Knowledge time of an as-of read (knownAt).")


class CaseloadRowOut(Out):
    user_id: str | None = Field(default=None, description="The case director (absent when grouped by organisation).")
    organisation: str
    phase: PhaseCode
    households: int
