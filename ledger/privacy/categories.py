"""Which data categories each part of a household is: one table for the state, one for the events (issue 16).

A read discloses the categories the policy allows (:func:`ledger.privacy.policy.disclosure`) and
marks the others withheld. What a category *is* in a response comes from here, and only from here:

- :data:`EVENT_CATEGORIES`: each household event holds the categories its command writes, as the
  command declares them (``ActionSpec.categories`` in ledger/aggregates/actions.py, the same table
  the policy asks for commands); the few events no command of that table records are named below.
- :data:`FIELD_CATEGORIES`: each field of the household's state (ledger/presenters.py), with the
  categories of the events that set it.

A part is shown only when **every** category it holds is disclosed (a referral holds identity,
contact and composition: withholding any one of them withholds the referral). An empty set is a
part with no case content of its own (the erasure, a retention hold): shown to whoever may read the
household at all. ``tests/unit/test_disclosure_categories.py`` fails when an event class or a
presented field has no row here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledger.aggregates.actions import commands
from ledger.aggregates.vocabulary import DataCategory

__all__ = ["EVENT_CATEGORIES", "FIELD_CATEGORIES", "HEAD_CATEGORIES", "HISTORY_HOLDS", "HOUSEHOLD_HOLDS",
           "event_categories", "hidden"]

C = DataCategory
_NONE: frozenset[DataCategory] = frozenset()

# The events whose command's categories are not what the event holds.
_EVENT_OVERRIDES: dict[str, frozenset[DataCategory]] = {
    # Erasing needs a basis for every category (it destroys them all); the event holds none of them.
    "Erased": _NONE,
}

EVENT_CATEGORIES: dict[str, frozenset[DataCategory]] = {
    **{s.event: s.categories for s in commands() if s.event is not None and s.categories is not None},
    **_EVENT_OVERRIDES,
}

# The head of the household view (the aggregate's properties) that holds a category.
HEAD_CATEGORIES: dict[str, frozenset[DataCategory]] = {
    "composition": frozenset({C.COMPOSITION}),
}

_REFERRAL = EVENT_CATEGORIES["Referred"]
FIELD_CATEGORIES: dict[str, frozenset[DataCategory]] = {
    "referral": _REFERRAL,
    "referred_by": _REFERRAL,  # who referred (a source's organisation) is part of the referral
    # Reserved for the household's members with their ids (issue 16 item 4): composition; each member's
    # name is identity data besides, null where identity is withheld (ledger.presenters.members_view).
    "members": frozenset({C.COMPOSITION}),
    "composition_revision": EVENT_CATEGORIES["CompositionRevised"],
    "added_referrals": EVENT_CATEGORIES["ReferralAdded"],
    "intake": EVENT_CATEGORIES["IntakeHeld"],
    "network": EVENT_CATEGORIES["NetworkRecorded"],
    "coordination": EVENT_CATEGORIES["CoordinationDecided"],
    "case_director": EVENT_CATEGORIES["CaseDirectorAssigned"],
    "consents": EVENT_CATEGORIES["ConsentGranted"],
    "zrm": EVENT_CATEGORIES["ZrmMeasured"],
    "goals": EVENT_CATEGORIES["PlanGoalSet"],
    "actions": EVENT_CATEGORIES["PlanActionAdded"],
    "involvements": EVENT_CATEGORIES["InvolvementStarted"],
    "evaluations": EVENT_CATEGORIES["EvaluationHeld"],
    "escalations": EVENT_CATEGORIES["EscalationRaised"],
    "costs": EVENT_CATEGORIES["CostRecorded"],
    "handovers": EVENT_CATEGORIES["HandedOver"],
    "retention_holds": EVENT_CATEGORIES["RetentionHoldPlaced"],
    "drop_out": EVENT_CATEGORIES["DroppedOut"],
    "closure": EVENT_CATEGORIES["Closed"],
    "erasure": EVENT_CATEGORIES["Erased"],
    "erasure_request": EVENT_CATEGORIES["ErasureRequested"],
    "orientation_talks": EVENT_CATEGORIES["OrientationTalkHeld"],
    "plan_meetings": EVENT_CATEGORIES["PlanMeetingScheduled"],
}


# What a household read and a history read hold, and so ask the policy for: the categories of their
# parts. A category no part holds (the life domains: a goal is plan, a score is zrm, as their commands
# write them) is neither disclosed nor withheld by these reads: they touch none of it.
HOUSEHOLD_HOLDS: frozenset[DataCategory] = frozenset().union(*FIELD_CATEGORIES.values(), *HEAD_CATEGORIES.values())
HISTORY_HOLDS: frozenset[DataCategory] = frozenset().union(*EVENT_CATEGORIES.values())


def hidden(categories: frozenset[DataCategory], withheld: Mapping[DataCategory, Any]) -> dict[str, Any]:
    """The withheld categories (with their reasons) that a part holding ``categories`` holds; {} = shown."""
    return {c.value: withheld[c] for c in sorted(categories) if c in withheld}


def event_categories(event: Any) -> frozenset[DataCategory]:
    """The categories a stored household event holds (an event of no known class: every category, shown to none)."""
    return EVENT_CATEGORIES.get(type(event).__name__, frozenset(DataCategory))
