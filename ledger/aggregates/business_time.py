"""The business date of a household event: the ``on`` the consultant recorded (when it happened).

Knowledge time is the event's ledger position (when the ledger recorded it); business time is this
date. An as-of read keeps the events with ``business_date(event) <= as_of`` (see
:mod:`ledger.application.as_of`). Every household event carries its date, directly (``on``) or in
its value (``referral.on``, ``intake.held_on``, ...); an event without one (a future event type not
listed here) falls back to the day it was recorded, in UTC.
"""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from .household import Household as H

__all__ = ["business_date"]

# Event class -> (value attribute or None, date attribute): where the event keeps its day.
_WHERE: dict[type, tuple[str | None, str]] = {
    H.Referred: ("referral", "on"),
    H.IntakeHeld: ("intake", "held_on"),
    H.CoordinationDecided: ("decision", "on"),
    H.OrientationTalkHeld: ("talk", "on"),
    H.PlanMeetingScheduled: ("meeting", "on"),
    H.CaseDirectorAssigned: ("directorship", "since"),
    H.CaseDirectorReplaced: ("directorship", "since"),
    H.ConsentGranted: ("consent", "valid_from"),
    H.ConsentWithdrawn: (None, "on"),
    H.ZrmMeasured: ("measurement", "measured_on"),
    H.PlanGoalSet: ("goal", "set_on"),
    H.PlanGoalRevised: ("goal", "revised_on"),
    H.PlanActionAdded: ("action", "added_on"),
    H.PlanActionCompleted: (None, "on"),
    H.PlanActionCancelled: (None, "on"),
    H.InvolvementStarted: ("involvement", "started_on"),
    H.InvolvementEnded: (None, "on"),
    H.EvaluationHeld: ("evaluation", "held_on"),
    H.EscalationRaised: ("escalation", "raised_on"),
    H.EscalationResolved: (None, "on"),
    H.CostRecorded: ("cost", "recorded_on"),
    H.HandedOver: ("handover", "on"),
    H.DroppedOut: ("drop_out", "on"),
    H.Closed: ("closure", "on"),
    H.Reopened: (None, "on"),
    H.RetentionHoldPlaced: ("hold", "placed_on"),
    H.ErasureRequested: ("request", "requested_on"),
    H.Erased: ("erasure", "on"),
}


def business_date(event: Any) -> date:
    """The day ``event`` happened, by the date it carries (its recording day in UTC if it carries none)."""
    where = _WHERE.get(type(event))
    if where is not None:
        holder = getattr(event, where[0]) if where[0] is not None else event
        day = getattr(holder, where[1], None)
        if isinstance(day, date):
            return day
    return event.timestamp.astimezone(UTC).date()
