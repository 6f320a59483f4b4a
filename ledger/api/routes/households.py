"""Household reads: my caseload, a household's state (or as of a date), its history, its plan, who is involved.

The state and the history come from the ledger (the aggregate, through the presenter); the plan and
the involved parties from the views, which ``minPosition`` waits for (read-your-writes).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from ledger.aggregates import errors
from ledger.presenters import event_view, household_view

from ..deps import CallerDep, ledger_of, read_side_of
from ..schemas import EventPage, HouseholdOut, HouseholdSummaryPage, InvolvedOut, PlanOut
from .common import (
    READ_ERRORS,
    VIEW_READ_ERRORS,
    Cursor,
    EmergencyReason,
    HouseholdId,
    Limit,
    MinPosition,
    page,
    problem_responses,
    reason_text,
)

router = APIRouter(prefix="/v1", tags=["households"])


@router.get("/households", response_model=HouseholdSummaryPage, summary="My caseload", responses=problem_responses(403),
            description="Households the caller may see, with phase and version. Filter by phase; cursor-paginated.")
def caseload(request: Request, who: CallerDep, cursor: Cursor = None, limit: Limit = 100,
             phase: Annotated[str | None, Query(max_length=20, description="Only this phase.")] = None) -> dict[str, Any]:
    rows = [
        {"household_id": str(r.household_id), "version": r.version, "phase": r.phase,
         "referred_on": r.referred_on, "case_director": r.case_director, "erased": r.erased}
        for r in ledger_of(request).app.list_households(who.actor) if phase is None or r.phase == phase
    ]
    return page(rows, cursor, limit)


@router.get("/households/{householdId}", responses=READ_ERRORS, summary="A household's current state (or as of a date)",
            response_model=HouseholdOut)
def household(request: Request, who: CallerDep, household_id: HouseholdId,
              as_of: Annotated[date | None, Query(alias="asOf", description="The state at the end of this day.")] = None,
              emergency_reason: EmergencyReason = None) -> JSONResponse:
    app = ledger_of(request).app
    at = None
    if as_of is not None:
        at = datetime.combine(as_of, time.max, tzinfo=app.tz)
    h = app.get_household(who.actor, household_id, as_of=at, emergency_reason=reason_text(emergency_reason))
    # The presenter's dict goes out as it is (no second validation on the hot read path);
    # tests/unit/test_household_presenter.py holds it to HouseholdOut.
    return JSONResponse(household_view(h), headers={"ETag": f'"{h.version}"'})


@router.get("/households/{householdId}/events", response_model=EventPage, responses=READ_ERRORS,
            summary="A household's history")
def events(request: Request, who: CallerDep, household_id: HouseholdId, cursor: Cursor = None,
           limit: Limit = 100, emergency_reason: EmergencyReason = None) -> dict[str, Any]:
    history = ledger_of(request).app.history(who.actor, household_id,
                                             emergency_reason=reason_text(emergency_reason))
    return page([event_view(e) for e in history], cursor, limit)


@router.get("/households/{householdId}/plan", response_model=PlanOut, responses=VIEW_READ_ERRORS,
            summary="The current plan (view)")
def plan(request: Request, who: CallerDep, household_id: HouseholdId, min_position: MinPosition = 0,
         emergency_reason: EmergencyReason = None) -> dict[str, Any]:
    data = read_side_of(request).plan(who.actor, household_id, min_position=min_position,
                                      emergency_reason=reason_text(emergency_reason))
    if data is None:
        raise errors.NotFoundError("The views do not hold this household yet; retry with minPosition.")
    return data


@router.get("/households/{householdId}/involved-parties", response_model=InvolvedOut, responses=VIEW_READ_ERRORS,
            summary="Who else works with this household")
def involved_parties(request: Request, who: CallerDep, household_id: HouseholdId, min_position: MinPosition = 0,
                     emergency_reason: EmergencyReason = None) -> dict[str, Any]:
    data = read_side_of(request).involved(who.actor, household_id, min_position=min_position,
                                          emergency_reason=reason_text(emergency_reason))
    if data is None:
        raise errors.NotFoundError("The views do not hold this household yet; retry with minPosition.")
    return data
