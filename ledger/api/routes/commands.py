"""Command resources: the referral, and one POST or PUT per command of the action vocabulary.

Each command resource maps one request body to one application method, at the route
``ledger/aggregates/actions.py`` declares for it; the household version it expects comes from
``If-Match`` and the new version goes back in ``ETag``. ``Ledger-Position`` tells the caller where
its write sits in the ledger: reads that take ``minPosition`` wait for the views to get there.
"""

from __future__ import annotations

import inspect
import re
from typing import Annotated

from fastapi import APIRouter, Body, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel

from ledger.aggregates.actions import Action, spec
from ledger.presenters import plain

from ..bodies import (
    ActionIn,
    AddedReferralIn,
    Body_,
    CancellationIn,
    ClosureIn,
    CompositionIn,
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
    NetworkIn,
    OnIn,
    OrientationTalkIn,
    PlanMeetingIn,
    ReferralIn,
    ReopeningIn,
    ResolutionIn,
    RetentionHoldIn,
    MeasurementIn,
    ZrmIn,
)
from ..deps import Caller, CallerDep, VersionDep, ledger_of
from ..schemas import ConsentResult, ReferralResult, WriteResult
from .common import (
    WRITE_ERRORS,
    HouseholdId,
    IdempotencyKey,
    idempotent,
    problem_responses,
    referred,
    written,
)

__all__ = ["COMMAND_BODIES", "ITEM_ARGUMENTS", "router"]

router = APIRouter(prefix="/v1", tags=["households"])


@router.post("/households", status_code=201, response_model=ReferralResult, summary="Refer a household",
             responses={201: {"description": "Referred: a new household; ETag is version 1."},
                        200: {"model": ReferralResult,
                              "description": "Already known: a member's BSN names a household the caller may "
                                             "write; the referral's sources were added to it (no new household)."},
                        **problem_responses(403, 409, 422)})
async def refer(request: Request, who: CallerDep, body: Annotated[ReferralIn, Body()],
                idempotency_key: IdempotencyKey = None) -> Response:
    def run() -> Response:
        outcome = ledger_of(request).app.refer(
            who.actor, sources=body.sources, members=body.new_members(), address=body.address, reason=body.reason,
            on=body.on, addressed_to=body.addressed_to, relations=[r.model_dump() for r in body.relations],
            composition=body.composition)
        return referred(request, str(outcome.household_id), outcome.version, already_known=outcome.already_known)
    return await idempotent(request, idempotency_key, who.user_id, run)


# One validation for every way in: each application command's request body, by method name, and the
# keyword its item id (from the path) goes to. `ledger import` validates its lines with these same
# models (ledger/bulk.py), so the import accepts exactly what the API accepts.
COMMAND_BODIES: dict[str, type[Body_]] = {Action.REFER_HOUSEHOLD: ReferralIn}
ITEM_ARGUMENTS: dict[str, str] = {}


def _command(action: Action, model: type[BaseModel], summary: str, *,
             item_kw: str | None = None, method: str | None = None,
             shows: tuple[str, str, type[BaseModel]] | None = None) -> None:
    """Register one command resource at its declared route: body -> application method, If-Match -> version.

    ``method``: the application method, when it is not the action's own (one resource for two actions).
    ``shows``: (application method, field, response model) when the answer shows the created item as
    stored: the method returns the item (a value object) and the version; the item's id is ``item_id``.
    """
    declared = spec(action)
    assert declared.route is not None
    verb, full = declared.route[0].lower(), declared.route[1]
    method_name = method or declared.method
    item_param = next(iter(re.findall(r"\{(\w+)\}", full)[1:]), None)  # after {household_id}
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
            result = getattr(ledger_of(request).app, shows[0] if shows else method_name)(
                who.actor, household_id, expected_version=version, **kwargs)
            item, new_version = result if isinstance(result, tuple) else (None, result)
            if shows is not None:
                stored, field = item, shows[1]
                return written(request, household_id, new_version, getattr(stored, f"{field}_id"), status=status,
                               shown={field: plain(stored)})
            return written(request, household_id, new_version, item, status=status)
        return await idempotent(request, idempotency_key, who.user_id, run)

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
    endpoint.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]  # FastAPI reads a function's __signature__
    endpoint.__name__ = method_name
    route = router.put if verb == "put" else router.post
    route(full, status_code=status, response_model=shows[2] if shows else WriteResult, summary=summary, responses=WRITE_ERRORS,
          operation_id=method_name)(endpoint)


_command(Action.ASSIGN_CASE_DIRECTOR, DirectorIn, "Assign or replace the case director", method="set_case_director")
_command(Action.ADD_REFERRAL, AddedReferralIn, "Add a later referral of a known household")
_command(Action.RECORD_INTAKE, IntakeIn, "Record the integral intake")
_command(Action.REVISE_COMPOSITION, CompositionIn, "Revise the household's composition")
_command(Action.HOLD_ORIENTATION_TALK, OrientationTalkIn, "Record an orientation talk before coordination")
_command(Action.SCHEDULE_PLAN_MEETING, PlanMeetingIn, "Schedule the plan meeting")
_command(Action.RECORD_NETWORK, NetworkIn, "Record the household's own network as it is now")
_command(Action.DECIDE_COORDINATION, CoordinationIn, "Decide on coordination")
_command(Action.RECORD_ZRM_MEASUREMENT, ZrmIn, "Record a ZRM measurement")
_command(Action.RECORD_MEASUREMENT, MeasurementIn, "Record a measurement (ZRM, participation ladder, satisfaction, life score)")
_command(Action.GRANT_CONSENT, ConsentIn, "Grant a consent or record a legal basis",
         shows=("give_consent", "consent", ConsentResult))
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
