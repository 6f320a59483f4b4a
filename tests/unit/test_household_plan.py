"""The plan: actions on existing goals, open until completed or cancelled; goal revisions.

The household aggregate's rules, one domain error at a time (no storage).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from household_builders import ACTOR, CANCEL_REASON, DAY, LATER, accepted, add_action, refused, rich, with_intake

from ledger.aggregates import Household, Personal, errors


# -------------------------------------------------------------------- actions
@pytest.mark.parametrize(
    ("first", "second"),
    [("cancel", "complete"), ("complete", "cancel"), ("complete", "complete"), ("cancel", "cancel")],
)
def test_only_open_actions_can_be_completed_or_cancelled(first: str, second: str) -> None:
    """Completing or cancelling an action that is done or cancelled is refused."""
    h = rich()

    def run(which: str) -> Callable[[Household], Any]:
        if which == "complete":
            return lambda h: h.complete_plan_action(actor=ACTOR, on=LATER, action_id="a1")
        return lambda h: h.cancel_plan_action(actor=ACTOR, on=LATER, action_id="a1", reason=Personal(CANCEL_REASON))

    accepted(h, run(first))
    refused(h, errors.ActionNotOpenError, run(second))
    action = h.actions["a1"]
    assert (action.completed_on is None) != (action.cancelled_on is None)


@pytest.mark.parametrize("organisation", [None, "", "   "])
def test_professional_action_names_its_organisation(organisation: str | None) -> None:
    """An action by a professional is refused without an organisation."""
    h = rich()
    refused(h, errors.InvalidInputError,
            lambda h: add_action(h, "a2", performer_kind="professional", organisation=organisation))


@pytest.mark.parametrize("performer_kind", ["self", "network"])
def test_self_and_network_actions_have_no_organisation(performer_kind: str) -> None:
    """An action by the household or its network is refused when it names an organisation."""
    h = rich()
    refused(h, errors.InvalidInputError,
            lambda h: add_action(h, "a2", performer_kind=performer_kind, organisation="buurtteam"))
    accepted(h, lambda h: add_action(h, "a2", performer_kind=performer_kind, organisation=None))
    assert h.actions["a2"].performer.organisation is None


def test_actions_belong_to_an_existing_goal() -> None:
    """An action for an unknown goal is refused."""
    refused(rich(), errors.NotFoundError, lambda h: add_action(h, "a2", goal_id="no-such-goal"))


def test_a_goal_cannot_be_revised_before_it_was_set() -> None:
    """A goal revision dated before the goal was set is refused."""
    h = with_intake()
    h.set_plan_goal(actor=ACTOR, on=DAY + timedelta(days=5), goal_id="g1", life_domain="finances",
                    description=Personal("Doel"))
    refused(h, errors.InvalidPeriodError, lambda x: x.revise_plan_goal(
        actor=ACTOR, on=DAY + timedelta(days=4), goal_id="g1", target_date=DAY + timedelta(days=90)))
