"""Household resources: referral, state, history, and one POST per command.

Each command resource maps one request body to one application method; the
household version it expects comes from ``If-Match`` and the new version goes back in
``ETag``. ``Ledger-Position`` tells the caller where its write sits in the ledger:
reads that take ``minPosition`` wait for the views to get there (read-your-writes).
"""

from __future__ import annotations

import base64
import inspect
import json
import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from ledger.aggregates import errors
from ledger.aggregates.actions import Action, spec
from ledger.views import event_view, household_view, plain

from .bodies import (
    AccessRequestIn,
    AccessRequestOut,
    ActionIn,
    Body_,
    CancellationIn,
    ClosureIn,
    ConsentIn,
    CoordinationIn,
    CostIn,
    DirectorIn,
    DropOutIn,
    EndingIn,
    ErasureIn,
    ErasureRequestIn,
    EscalationIn,
    EvaluationIn,
    GoalIn,
    GoalRevisionIn,
    HandoverIn,
    IntakeIn,
    InvolvementIn,
    OnIn,
    Page,
    ReferralIn,
    ReopeningIn,
    ResolutionIn,
    RetentionHoldIn,
    WriteResult,
    ZrmIn,
)
from .deps import Caller, CallerDep, IdempotencyStore, VersionDep, ledger_of, read_side_of
from .problems import STATUS, ApiProblem, _instance, problem

def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Documented problem responses (ledger/api/openapi.py gives each the problem+json schema)."""
    words = {400: "The request does not match this description (invalidParams names the fields)",
             401: "No valid bearer token", 403: "Refused by the access policy (recorded)", 404: "No such household or item",
             409: "A request with this Idempotency-Key is still running", 412: "If-Match is not the current version",
             422: "Refused by a rule of the case, or an Idempotency-Key reused for another request",
             428: "If-Match is missing", 503: "The views have not caught up yet"}
    return {code: {"description": words[code]} for code in (400, 401, *codes)}


READ_ERRORS = _errors(403, 404)
WRITE_ERRORS = _errors(403, 404, 409, 412, 422, 428)

router = APIRouter(prefix="/v1", tags=["households"])

HouseholdId = Annotated[str, Path(alias="householdId", description="The household's id (a UUID).",
                                  min_length=1, max_length=64)]
ItemId = Annotated[str, Path(min_length=1, max_length=64)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200,
                                              description="Retry-safe key: a repeat returns the first response.")]
EmergencyReason = Annotated[str | None, Header(
    alias="Emergency-Reason", max_length=1500,
    description="Break the glass: why you need this without a consent. Non-ASCII text as an RFC 8187 "
                "ext-value: UTF-8'' followed by the percent-encoded text.")]
Cursor = Annotated[str | None, Query(alias="cursor", max_length=200, description="From the previous page's `next`.")]
Limit = Annotated[int, Query(alias="limit", ge=1, le=500, description="Page size.")]
MinPosition = Annotated[int, Query(alias="minPosition", ge=0,
                                   description="Wait until the views hold this ledger position (your last write).")]


# ----------------------------------------------------------------- helpers
def _written(request: Request, household_id: str, version: int, item: str | None, status: int = 201) -> JSONResponse:
    position = ledger_of(request).app.last_written_position
    body = WriteResult(household_id=household_id, version=version, position=position, item_id=item).model_dump()
    return JSONResponse(body, status_code=status,
                        headers={"ETag": f'"{version}"', "Ledger-Position": str(position),
                                 "Location": f"/v1/households/{household_id}"})


async def _idempotent(request: Request, key: str | None, user_id: str, run: Callable[[], Response]) -> Response:
    """Run a write once per Idempotency-Key; a repeat gets the stored first response."""
    if key is None:
        return run()
    store: IdempotencyStore = request.app.state.idempotency
    fingerprint = store.fingerprint(request.method, request.url.path, await request.body(),
                                    request.headers.get("if-match"))
    replay = store.begin(user_id, key, fingerprint, guarded=request.headers.get("if-match") is not None)
    if replay is not None:
        return replay
    try:
        response = run()
    except errors.HouseholdError as exc:
        status, title = next((s, t) for cls, s, t in STATUS if isinstance(exc, cls))
        response = problem(status, exc.code, title, str(exc), instance=_instance(request))
    except ApiProblem as exc:
        response = problem(exc.status, exc.code, exc.title, exc.detail, instance=_instance(request))
    except BaseException:
        store.release(user_id, key)
        raise
    store.finish(user_id, key, response)
    return response


def _reason(header: str | None) -> str | None:
    """The Emergency-Reason header as text (RFC 8187 ext-value ``UTF-8''…`` decoded)."""
    if header is None:
        return None
    if header[:7].upper() == "UTF-8''":
        from urllib.parse import unquote

        try:
            return unquote(header[7:], encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            raise ApiProblem(400, "invalid-emergency-reason", "Invalid Emergency-Reason",
                             "Emergency-Reason is not valid percent-encoded UTF-8.") from None
    return header


def encode_cursor(mark: int) -> str:
    """An opaque cursor for a list page: an offset, or the last access-record position seen."""
    return base64.urlsafe_b64encode(json.dumps({"o": mark}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        mark = int(json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["o"])
    except (ValueError, KeyError, TypeError):
        raise ApiProblem(400, "invalid-cursor", "Invalid cursor", "Use the `next` value of the previous page.") from None
    if mark < 0:
        raise ApiProblem(400, "invalid-cursor", "Invalid cursor", "Use the `next` value of the previous page.")
    return mark


def records_page(rows: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    """A page of access records fetched with ``limit + 1``: the extra row only says there is more."""
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": plain(rows), "next": encode_cursor(rows[-1]["position"]) if more and rows else None}


def _page(items: list[Any], cursor: str | None, limit: int) -> dict[str, Any]:
    start = decode_cursor(cursor)
    chunk = items[start:start + limit]
    return {"items": chunk, "next": encode_cursor(start + limit) if start + limit < len(items) else None}


# ----------------------------------------------------------------- referral, reads
@router.post("/households", status_code=201, response_model=WriteResult, summary="Refer a household",
             responses={201: {"description": "Referred; ETag is version 1."}, **_errors(403, 409, 422)})
async def refer(request: Request, who: CallerDep, body: Annotated[ReferralIn, Body()],
                idempotency_key: IdempotencyKey = None) -> Response:
    def run() -> Response:
        hid, version = ledger_of(request).app.refer_household(
            who.actor, sources=body.sources, members=body.new_members(), address=body.address, reason=body.reason,
            on=body.on, addressed_to=body.addressed_to)
        return _written(request, str(hid), version, None)
    return await _idempotent(request, idempotency_key, who.user_id, run)


@router.get("/households", response_model=Page, summary="My caseload", responses=_errors(403),
            description="Households the caller may see, with phase and version. Filter by phase; cursor-paginated.")
def caseload(request: Request, who: CallerDep, cursor: Cursor = None, limit: Limit = 100,
             phase: Annotated[str | None, Query(max_length=20, description="Only this phase.")] = None) -> dict[str, Any]:
    rows = [
        {"household_id": str(r.household_id), "version": r.version, "phase": r.phase,
         "referred_on": r.referred_on.isoformat(), "case_director": r.case_director, "erased": r.erased}
        for r in ledger_of(request).app.list_households(who.actor) if phase is None or r.phase == phase
    ]
    return _page(rows, cursor, limit)


@router.get("/households/{householdId}", responses=READ_ERRORS, summary="A household's current state (or as of a date)",
            response_model=dict[str, Any])
def household(request: Request, who: CallerDep, household_id: HouseholdId,
              as_of: Annotated[date | None, Query(alias="asOf", description="The state at the end of this day.")] = None,
              emergency_reason: EmergencyReason = None) -> JSONResponse:
    app = ledger_of(request).app
    at = None
    if as_of is not None:
        at = datetime.combine(as_of, time.max, tzinfo=app.tz)
    h = app.get_household(who.actor, household_id, as_of=at, emergency_reason=_reason(emergency_reason))
    return JSONResponse(household_view(h), headers={"ETag": f'"{h.version}"'})


@router.get("/households/{householdId}/events", response_model=Page, responses=READ_ERRORS, summary="A household's history")
def events(request: Request, who: CallerDep, household_id: HouseholdId, cursor: Cursor = None,
           limit: Limit = 100, emergency_reason: EmergencyReason = None) -> dict[str, Any]:
    history = ledger_of(request).app.history(who.actor, household_id, emergency_reason=_reason(emergency_reason))
    return _page([event_view(e) for e in history], cursor, limit)


@router.get("/households/{householdId}/plan", response_model=dict[str, Any], responses={**READ_ERRORS, **_errors(503)}, summary="The current plan (view)")
def plan(request: Request, who: CallerDep, household_id: HouseholdId, min_position: MinPosition = 0,
         emergency_reason: EmergencyReason = None) -> dict[str, Any]:
    data = read_side_of(request).plan(who.actor, household_id, min_position=min_position,
                                      emergency_reason=_reason(emergency_reason))
    if data is None:
        raise errors.NotFoundError("The views do not hold this household yet; retry with minPosition.")
    return plain(data)


@router.get("/households/{householdId}/involved-parties", response_model=dict[str, Any],
            responses={**READ_ERRORS, **_errors(503)},
            summary="Who else works with this household")
def involved_parties(request: Request, who: CallerDep, household_id: HouseholdId, min_position: MinPosition = 0,
                     emergency_reason: EmergencyReason = None) -> dict[str, Any]:
    data = read_side_of(request).involved(who.actor, household_id, min_position=min_position,
                                          emergency_reason=_reason(emergency_reason))
    if data is None:
        raise errors.NotFoundError("The views do not hold this household yet; retry with minPosition.")
    return plain(data)


@router.get("/households/{householdId}/access-log", response_model=Page, responses={**READ_ERRORS, **_errors(503)},
            summary="Who accessed this household (privacy officer)")
def household_access_log(request: Request, who: CallerDep, household_id: HouseholdId, cursor: Cursor = None,
                         limit: Limit = 100) -> dict[str, Any]:
    rows = read_side_of(request).access_records(who.actor, household_id=household_id, after=decode_cursor(cursor),
                                                limit=limit + 1)
    return records_page(rows, limit)


@router.post("/households/{householdId}/access-requests", status_code=201, response_model=AccessRequestOut,
             responses=_errors(400, 403, 404), summary="Record a data subject's access request (privacy officer)")
def record_access_request(request: Request, who: CallerDep, household_id: HouseholdId,
                          body: Annotated[AccessRequestIn, Body()]) -> AccessRequestOut:
    app = ledger_of(request).app
    request_id = app.record_access_request(who.actor, household_id, requester=body.requester,
                                           identity_check=body.identity_check, received_on=body.received_on)
    return AccessRequestOut(request_id=str(request_id), position=app.last_written_position)


@router.get("/households/{householdId}/export", response_model=dict[str, Any], responses=READ_ERRORS,
            summary="Answer a data subject's recorded access request (AVG art. 15), privacy officer")
def export(request: Request, who: CallerDep, household_id: HouseholdId,
           access_request: Annotated[str, Query(alias="accessRequest", min_length=1, max_length=64,
                                                description="The id of the recorded access request answered")],
           ) -> dict[str, Any]:
    return ledger_of(request).app.export_household(who.actor, household_id, request_id=access_request)


# ----------------------------------------------------------------- commands
# One validation for every way in: each application command's request body, by method name, and the
# keyword its item id (from the path) goes to. `ledger import` validates its lines with these same
# models (ledger/bulk.py), so the import accepts exactly what the API accepts.
COMMAND_BODIES: dict[str, type[Body_]] = {Action.REFER_HOUSEHOLD: ReferralIn}
ITEM_ARGUMENTS: dict[str, str] = {}


def _command(action: Action, model: type[BaseModel], summary: str, *,
             item_kw: str | None = None, method: str | None = None) -> None:
    """Register one command resource at its declared route: body -> application method, If-Match -> version.

    ``method``: the application method, when it is not the action's own (one resource for two actions).
    """
    declared = spec(action)
    assert declared.route is not None
    verb, full = declared.route[0].lower(), declared.route[1]
    method_name = method or declared.method
    item_param = next(iter(re.findall(r"\{(\w+)\}", full)[1:]), None)  # after {householdId}
    assert issubclass(model, Body_)
    COMMAND_BODIES[method_name] = model
    if item_param is not None:
        ITEM_ARGUMENTS[method_name] = item_kw or item_param
    status = 200 if verb == "put" else 201

    async def endpoint(request: Request, who: Caller, household_id: str, version: int, body: BaseModel,
                       idempotency_key: str | None = None, item_id: str | None = None) -> Response:
        def run() -> Response:
            kwargs = body.model_dump()
            if item_param is not None:
                kwargs[item_kw or item_param] = item_id
            result = getattr(ledger_of(request).app, method_name)(
                who.actor, household_id, expected_version=version, **kwargs)
            item, new_version = result if isinstance(result, tuple) else (None, result)
            return _written(request, household_id, new_version, item, status=status)
        return await _idempotent(request, idempotency_key, who.user_id, run)

    # FastAPI reads the signature: give it real types (this module's annotations are strings).
    P = inspect.Parameter
    params = [
        P("request", P.POSITIONAL_OR_KEYWORD, annotation=Request),
        P("who", P.POSITIONAL_OR_KEYWORD, annotation=CallerDep),
        P("household_id", P.POSITIONAL_OR_KEYWORD, annotation=HouseholdId),
        P("version", P.POSITIONAL_OR_KEYWORD, annotation=VersionDep),
        P("body", P.POSITIONAL_OR_KEYWORD, annotation=Annotated[model, Body()]),
    ]
    if item_param is not None:
        params.append(P("item_id", P.POSITIONAL_OR_KEYWORD,
                        annotation=Annotated[str, Path(alias=item_param, min_length=1, max_length=64)]))
    params.append(P("idempotency_key", P.POSITIONAL_OR_KEYWORD, default=None, annotation=IdempotencyKey))
    endpoint.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    endpoint.__name__ = method_name
    route = router.put if verb == "put" else router.post
    route(full, status_code=status, response_model=WriteResult, summary=summary, responses=WRITE_ERRORS,
          operation_id=method_name)(endpoint)


_command(Action.ASSIGN_CASE_DIRECTOR, DirectorIn, "Assign or replace the case director", method="set_case_director")
_command(Action.RECORD_INTAKE, IntakeIn, "Record the integral intake")
_command(Action.DECIDE_COORDINATION, CoordinationIn, "Decide on coordination")
_command(Action.RECORD_ZRM_MEASUREMENT, ZrmIn, "Record a ZRM measurement")
_command(Action.GRANT_CONSENT, ConsentIn, "Grant a consent or record a legal basis")
_command(Action.WITHDRAW_CONSENT, OnIn, "Withdraw a consent", item_kw="consent_id")
_command(Action.SET_PLAN_GOAL, GoalIn, "Set a plan goal")
_command(Action.REVISE_PLAN_GOAL, GoalRevisionIn, "Revise a plan goal", item_kw="goal_id")
_command(Action.ADD_PLAN_ACTION, ActionIn, "Add a plan action")
_command(Action.COMPLETE_PLAN_ACTION, OnIn, "Complete a plan action", item_kw="action_id")
_command(Action.CANCEL_PLAN_ACTION, CancellationIn, "Cancel a plan action", item_kw="action_id")
_command(Action.START_INVOLVEMENT, InvolvementIn, "Start an involvement")
_command(Action.END_INVOLVEMENT, EndingIn, "End an involvement", item_kw="involvement_id")
_command(Action.HOLD_EVALUATION, EvaluationIn, "Record an evaluation")
_command(Action.RAISE_ESCALATION, EscalationIn, "Raise an escalation")
_command(Action.RESOLVE_ESCALATION, ResolutionIn, "Resolve an escalation", item_kw="escalation_id")
_command(Action.RECORD_COST, CostIn, "Record a cost")
_command(Action.HAND_OVER, HandoverIn, "Hand the household over")
_command(Action.RECORD_DROP_OUT, DropOutIn, "Record a drop-out or refusal")
_command(Action.CLOSE_CASE, ClosureIn, "Close the case")
_command(Action.REOPEN_CASE, ReopeningIn, "Reopen the case")
_command(Action.PLACE_RETENTION_HOLD, RetentionHoldIn, "Place a retention hold (privacy officer)")
_command(Action.REQUEST_ERASURE, ErasureRequestIn,
         "Request the household's erasure (the municipality's privacy officer; another person executes it)")
_command(Action.ERASE_HOUSEHOLD, ErasureIn, "Erase the household (the municipality's admin, on a recorded request)")
