"""Household reads: my caseload, a household's state, its history, its plan, who is involved: now or at two times.

The state and the history come from the ledger (the aggregate, through the presenter); the plan and
the involved parties from the views, which ``minPosition`` waits for (read-your-writes).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from ledger.aggregates.vocabulary import Phase
from ledger.presenters import event_view, household_view

from ..codes import code
from ..deps import CallerDep, ledger_of, read_side_of
from ..schemas import EventPage, HouseholdOut, HouseholdSummaryPage, InvolvedOut, PlanOut
from ledger.application.as_of import KnownAt

from .common import (
    READ_ERRORS,
    VIEW_READ_ERRORS,
    Cursor,
    decode_keyset,
    encode_keyset,
    EmergencyReason,
    HouseholdId,
    Limit,
    AsOfParam,
    KnownAtParam,
    MinPosition,
    page,
    parse_times,
    reason_text,
)

router = APIRouter(prefix="/v1", tags=["households"])


@router.get("/households", response_model=HouseholdSummaryPage, summary="My caseload", responses=VIEW_READ_ERRORS,
            description="Households the caller may see (the access policy's read of `composition`, applied in the "
                        "query), in referral order, with phase and version: from the household-list view, "
                        "keyset-paged (`next` is an opaque cursor, valid for the same caller and `phase`). "
                        "Complete up to the moment of asking (and `minPosition`). One access record per page.")
def caseload(request: Request, who: CallerDep, cursor: Cursor = None, limit: Limit = 100,
             phase: Annotated[Annotated[str, code(Phase)] | None, Query(max_length=20,
                                                                   description="Only this phase.")] = None,
             min_position: MinPosition = 0) -> dict[str, Any]:
    context = (who.actor.user_id, who.actor.organisation, who.actor.role, phase or "")
    after = decode_keyset(request, cursor, *context)
    rows = read_side_of(request).households(who.actor, after=after, limit=limit + 1, phase=phase,
                                            min_position=min_position)
    more = len(rows) > limit
    rows = rows[:limit]
    items = [{"household_id": r["household_id"], "version": r["version"], "phase": r["phase"],
              "referred_on": r["referred_on"], "case_director": r["case_director"], "erased": r["erased"]}
             for r in rows]
    return {"items": items, "next": encode_keyset(request, rows[-1]["position"], *context) if more else None}


def _times(as_of: date, known_at: KnownAt) -> dict[str, Any]:
    return {"as_of": as_of.isoformat(),
            "known_at": {"position": known_at.position, "at": known_at.at.isoformat() if known_at.at else None}}


@router.get("/households/{household_id}",
            responses={**READ_ERRORS, 200: {"headers": {"ETag": {"$ref": "#/components/headers/ETag"}}}},
            summary="A household's state, now or at a business date as known at a ledger position",
            response_model=HouseholdOut,
            description="Disclosed by category: every data category you may see; the others are named in "
                        "`withheld` with their reason and their fields are null (docs/api.md). "
                        "Without `asOf` and `knownAt`: the current state. With either: the fold of the household's "
                        "events with position <= `knownAt` and business date <= `asOf` (an event that cannot apply "
                        "without a left-out one is skipped); the answer names both times (`as_of`, `known_at`). "
                        "Not referred by then: 404, naming the time.")
def household(request: Request, who: CallerDep, household_id: HouseholdId, as_of: AsOfParam = None,
              known_at: KnownAtParam = None, emergency_reason: EmergencyReason = None) -> JSONResponse:
    app = ledger_of(request).app
    day, known = parse_times(as_of, known_at)
    read = app.read_household(who.actor, household_id, as_of=day, known_at=known,
                              emergency_reason=reason_text(emergency_reason))
    # The presenter's dict goes out as it is (no second validation on the hot read path);
    # tests/unit/test_household_presenter.py holds it to HouseholdOut.
    body = household_view(read.household, read.withheld)
    if read.folded is not None:
        body |= _times(read.folded.as_of, read.folded.known_at)
    return JSONResponse(body, headers={"ETag": f'"{read.household.version}"'})


@router.get("/households/{household_id}/events", response_model=EventPage, responses=READ_ERRORS,
            summary="A household's history (as recorded, or as known at a ledger position)")
def events(request: Request, who: CallerDep, household_id: HouseholdId, cursor: Cursor = None,
           limit: Limit = 100, known_at: KnownAtParam = None, emergency_reason: EmergencyReason = None) -> dict[str, Any]:
    app = ledger_of(request).app
    _, known = parse_times(None, known_at)
    read = app.read_history(who.actor, household_id, emergency_reason=reason_text(emergency_reason), known_at=known)
    out = page([event_view(e, read.withheld) for e in read.events or ()], cursor, limit)
    if known is not None:
        resolved = app.resolve_known_at(known)
        out["known_at"] = {"position": resolved.position, "at": resolved.at}
    return out


@router.get("/households/{household_id}/plan", response_model=PlanOut, responses=VIEW_READ_ERRORS,
            summary="The plan (view), now or at a business date as known at a ledger position",
            description="Without `asOf` and `knownAt`: the live view (`minPosition` waits for your write). With "
                        "either: only this household's events folded into private views; late flags as of `asOf`.")
def plan(request: Request, who: CallerDep, household_id: HouseholdId, min_position: MinPosition = 0,
         as_of: AsOfParam = None, known_at: KnownAtParam = None,
         emergency_reason: EmergencyReason = None) -> dict[str, Any]:
    day, known = parse_times(as_of, known_at)
    side = read_side_of(request)
    if day is not None or known is not None:
        return side.plan_as_of(who.actor, household_id, as_of=day, known_at=known,
                               emergency_reason=reason_text(emergency_reason))
    return side.plan(who.actor, household_id, min_position=min_position, emergency_reason=reason_text(emergency_reason))


@router.get("/households/{household_id}/involved-parties", response_model=InvolvedOut, responses=VIEW_READ_ERRORS,
            summary="Who else works with this household, now or at a business date as known at a ledger position")
def involved_parties(request: Request, who: CallerDep, household_id: HouseholdId, min_position: MinPosition = 0,
                     as_of: AsOfParam = None, known_at: KnownAtParam = None,
                     emergency_reason: EmergencyReason = None) -> dict[str, Any]:
    day, known = parse_times(as_of, known_at)
    side = read_side_of(request)
    if day is not None or known is not None:
        return side.involved_as_of(who.actor, household_id, as_of=day, known_at=known,
                                   emergency_reason=reason_text(emergency_reason))
    return side.involved(who.actor, household_id, min_position=min_position,
                         emergency_reason=reason_text(emergency_reason))
