"""The business date of each household event: the ``on`` the consultant recorded (pure).

Knowledge time is the event's ledger position (when the ledger recorded it); business time is this
date. Every command takes the business date ``on``; most events keep it inside their value (a
referral's ``on``, an intake's ``held_on``, a goal's ``set_on`` or, when revised, ``revised_on``).
:func:`business_date` names it for every event, so that "as of a business date" means the same in
the reference replay, in the read side's facts and in one household's as-of read
(:mod:`ledger.application.as_of`). A consent is dated by ``valid_from`` (the command's ``on`` is
only checked, not kept). A household event of a type not listed here (none today:
``tests/unit/test_two_times.py`` holds every type to the table) falls back to ``on``, then to the
day it was recorded, in UTC.
"""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from .household import Household as H

__all__ = ["business_date", "business_day"]

# Event class -> (value attribute or None, date attributes tried in order): where the event keeps its day.
_WHERE: dict[type, tuple[str | None, tuple[str, ...]]] = {
    H.Referred: ("referral", ("on",)),
    H.ReferralAdded: ("referral", ("on",)),
    H.CompositionRevised: (None, ("on",)),
    H.IntakeHeld: ("intake", ("held_on",)),
    H.NetworkRecorded: ("record", ("on",)),
    H.CoordinationDecided: ("decision", ("on",)),
    H.OrientationTalkHeld: ("talk", ("on",)),
    H.PlanMeetingScheduled: ("meeting", ("on",)),  # the day it was scheduled, not the day it is for
    H.CaseDirectorAssigned: ("directorship", ("since",)),
    H.CaseDirectorReplaced: ("directorship", ("since",)),
    H.ConsentGranted: ("consent", ("valid_from",)),
    H.ConsentWithdrawn: (None, ("on",)),
    H.ZrmMeasured: ("measurement", ("measured_on",)),
    H.PlanGoalSet: ("goal", ("set_on",)),
    H.PlanGoalRevised: ("goal", ("revised_on", "set_on")),
    H.PlanActionAdded: ("action", ("added_on",)),
    H.PlanActionCompleted: (None, ("on",)),
    H.PlanActionCancelled: (None, ("on",)),
    H.InvolvementStarted: ("involvement", ("started_on",)),
    H.InvolvementEnded: (None, ("on",)),
    H.EvaluationHeld: ("evaluation", ("held_on",)),
    H.EscalationRaised: ("escalation", ("raised_on",)),
    H.EscalationResolved: (None, ("on",)),
    H.CostRecorded: ("cost", ("recorded_on",)),
    H.HandedOver: ("handover", ("on",)),
    H.DroppedOut: ("drop_out", ("on",)),
    H.Closed: ("closure", ("on",)),
    H.Reopened: (None, ("on",)),
    H.RetentionHoldPlaced: ("hold", ("placed_on",)),
    H.ErasureRequested: ("request", ("requested_on",)),
    H.Erased: ("erasure", ("on",)),
}


def business_date(event: Any) -> date | None:
    """The day the event's fact happened (None: not a household event, e.g. an access record)."""
    holder, names = _WHERE.get(type(event), (None, ("on",)))
    value = getattr(event, holder) if holder is not None else event
    for name in names:
        day = getattr(value, name, None)
        if isinstance(day, date):
            return day
    return _recorded_day(event) if isinstance(event, H.Event) else None


def business_day(event: Any) -> date:
    """A household event's business date; the day it was recorded (UTC) if it carries none."""
    return business_date(event) or _recorded_day(event)


def _recorded_day(event: Any) -> date:
    return event.timestamp.astimezone(UTC).date()
