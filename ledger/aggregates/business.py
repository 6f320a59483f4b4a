"""The business date of each household event: the ``on`` it carries (pure).

Every command takes the business date ``on``; most events keep it inside their value
(a referral's ``on``, an intake's ``held_on``, a goal's ``set_on`` or, when revised,
``revised_on``). :func:`business_date` names it for every event, so that "as of a
business date" means the same in the reference replay and in the read side's facts.
A consent is dated by ``valid_from`` (the command's ``on`` is only checked, not kept).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from .household import Household

__all__ = ["business_date"]

H = Household
_DATES: dict[type, Callable[[Any], date]] = {
    H.Referred: lambda e: e.referral.on,
    H.IntakeHeld: lambda e: e.intake.held_on,
    H.NetworkRecorded: lambda e: e.record.on,
    H.CoordinationDecided: lambda e: e.decision.on,
    H.CaseDirectorAssigned: lambda e: e.directorship.since,
    H.CaseDirectorReplaced: lambda e: e.directorship.since,
    H.ConsentGranted: lambda e: e.consent.valid_from,
    H.ZrmMeasured: lambda e: e.measurement.measured_on,
    H.PlanGoalSet: lambda e: e.goal.set_on,
    H.PlanGoalRevised: lambda e: e.goal.revised_on or e.goal.set_on,
    H.PlanActionAdded: lambda e: e.action.added_on,
    H.InvolvementStarted: lambda e: e.involvement.started_on,
    H.EvaluationHeld: lambda e: e.evaluation.held_on,
    H.EscalationRaised: lambda e: e.escalation.raised_on,
    H.CostRecorded: lambda e: e.cost.recorded_on,
    H.HandedOver: lambda e: e.handover.on,
    H.DroppedOut: lambda e: e.drop_out.on,
    H.Closed: lambda e: e.closure.on,
    H.RetentionHoldPlaced: lambda e: e.hold.placed_on,
    H.ErasureRequested: lambda e: e.request.requested_on,
    H.Erased: lambda e: e.erasure.on,
}


def business_date(event: Any) -> date | None:
    """The day the event's fact happened (None: not a household event, e.g. an access record)."""
    get = _DATES.get(type(event))
    if get is not None:
        return get(event)
    on = getattr(event, "on", None)  # ConsentWithdrawn, PlanActionCompleted/Cancelled, InvolvementEnded, ...
    return on if isinstance(on, date) else None
