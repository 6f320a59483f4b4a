"""Privacy: the access log (per household and across), emergency reviews, data subjects' access requests, export.

For the privacy officer (the policy decides; every read of the log is recorded too). The
household's own privacy resources keep their ``households`` tag; the log across households is
``privacy``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict

from ledger.aggregates.vocabulary import DataCategory
from ledger.privacy.access import ReviewVerdict

from ..bodies import AccessRequestIn
from ..codes import code
from ..deps import CallerDep, ledger_of, read_side_of
from ..schemas import AccessRecordOut, AccessRecordPage, AccessRequestOut, ExportOut, ReviewOut
from .common import (
    READ_ERRORS,
    VIEW_READ_ERRORS,
    Cursor,
    HouseholdId,
    IdempotencyKey,
    Limit,
    decode_cursor,
    encode_cursor,
    idempotent,
    problem_responses,
    records_page,
)

__all__ = ["ReviewIn", "router"]

router = APIRouter(prefix="/v1")

LogLimit = Annotated[int, Query(alias="limit", ge=1, le=1000, description="Page size.")]


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verdict: Annotated[str, code(ReviewVerdict, check=True)]


@router.get("/households/{household_id}/access-log", tags=["households"], response_model=AccessRecordPage,
            responses=VIEW_READ_ERRORS, summary="Who accessed this household (privacy officer)")
def household_access_log(request: Request, who: CallerDep, household_id: HouseholdId, cursor: Cursor = None,
                         limit: Limit = 100) -> dict[str, Any]:
    rows = read_side_of(request).access_records(who.actor, household_id=household_id, after=decode_cursor(cursor),
                                                limit=limit + 1)
    return records_page(rows, limit)


@router.post("/households/{household_id}/access-requests", tags=["households"], status_code=201,
             response_model=AccessRequestOut, responses=problem_responses(400, 403, 404, 422),
             summary="Record a data subject's access request (privacy officer)")
def record_access_request(request: Request, who: CallerDep, household_id: HouseholdId,
                          body: Annotated[AccessRequestIn, Body()]) -> AccessRequestOut:
    app = ledger_of(request).app
    request_id = app.record_access_request(who.actor, household_id, requester=body.requester,
                                           identity_check=body.identity_check, received_on=body.received_on)
    return AccessRequestOut(request_id=str(request_id), position=app.last_written_position)


@router.get("/households/{household_id}/export", tags=["households"], response_model=ExportOut, responses=READ_ERRORS,
            summary="Answer a data subject's recorded access request (AVG art. 15), privacy officer")
def export(request: Request, who: CallerDep, household_id: HouseholdId,
           access_request: Annotated[str, Query(alias="accessRequest", min_length=1, max_length=64,
                                                description="The id of the recorded access request answered")],
           ) -> dict[str, Any]:
    return ledger_of(request).app.export_household(who.actor, household_id, request_id=access_request)


@router.get("/access-log", tags=["privacy"], response_model=AccessRecordPage, response_model_exclude_unset=True,
            responses=problem_responses(403, 503),
            summary="Access records (privacy officer): by household, user, day, data category, period; emergencies")
def access_log(
    request: Request, who: CallerDep, cursor: Cursor = None, limit: LogLimit = 100,
    household_id: Annotated[str | None, Query(alias="householdId", max_length=64)] = None,
    user_id: Annotated[str | None, Query(alias="userId", max_length=128)] = None,
    day: Annotated[date | None, Query()] = None,
    category: Annotated[Annotated[str, code(DataCategory)] | None, Query(max_length=40)] = None,
    since: Annotated[datetime | None, Query(description="From this moment (with a time zone).")] = None,
    until: Annotated[datetime | None, Query(description="Up to this moment (with a time zone).")] = None,
    awaiting_review: Annotated[bool, Query(alias="awaitingReview",
                                           description="Only emergency accesses not reviewed yet.")] = False,
) -> dict[str, Any]:
    side = read_side_of(request)
    if awaiting_review:  # with the stated reasons (each showing on this page recorded first) and the relations then
        shown, more = side.emergencies_awaiting_review(who.actor, after=decode_cursor(cursor), limit=limit)
        return {"items": shown, "next": encode_cursor(shown[-1]["position"]) if more and shown else None}
    rows = side.access_records(who.actor, household_id=household_id, user_id=user_id, day=day, category=category,
                               since=since, until=until, after=decode_cursor(cursor), limit=limit + 1)
    return records_page(rows, limit)


@router.get("/access-log/{record_id}", tags=["privacy"], response_model=AccessRecordOut,
            responses=problem_responses(403, 404, 503),
            summary="One access record for review: the stated reason, reader, categories, relations then (privacy officer)")
def access_record(request: Request, who: CallerDep,
                  record_id: Annotated[str, Path(alias="record_id", max_length=64)]) -> dict[str, Any]:
    """Showing it is recorded first (``read_access_review``); a partner's officer: their own staff's records only."""
    return read_side_of(request).access_record(who.actor, record_id)


@router.post("/access-log/{record_id}/review", tags=["privacy"], status_code=201, response_model=ReviewOut,
             responses=problem_responses(403, 404, 409, 422),
             summary="The privacy officer's verdict on an emergency access")
async def review(request: Request, who: CallerDep, record_id: Annotated[str, Path(alias="record_id", max_length=64)],
                 body: Annotated[ReviewIn, Body()], idempotency_key: IdempotencyKey = None) -> Response:
    def run() -> Response:
        ledger_of(request).app.review_emergency(who.actor, record_id, body.verdict)
        return JSONResponse({"record_id": record_id, "verdict": body.verdict}, status_code=201)
    return await idempotent(request, idempotency_key, who.user_id, run)
