"""Involvements: each ends with a reason a command may give.

The household aggregate's rules, one domain error at a time (no storage).
"""

from __future__ import annotations

import pytest
from household_builders import ACTOR, DAY, accepted, refused, rich

from ledger.aggregates import errors
from ledger.aggregates.vocabulary import InvolvementEndReason

# ---------------------------------------------------------------- involvement
GIVEN_END_REASONS = ["goal_reached", "handed_over", "household_stopped", "no_contact", "capacity", "other"]


@pytest.mark.parametrize("reason", GIVEN_END_REASONS)
def test_an_involvement_ends_with_its_reason(reason: str) -> None:
    """Ending an involvement records the day and why (InvolvementEnded version 2)."""
    h = rich()
    accepted(h, lambda h: h.end_involvement(actor=ACTOR, on=DAY, involvement_id="i1", reason=reason))
    inv = h.involvements["i1"]
    assert (inv.active, inv.ended_on, inv.end_reason) == (False, DAY, reason)


@pytest.mark.parametrize("reason", ["not_recorded", "retired", "", "GOAL_REACHED"])
def test_ending_an_involvement_refuses_not_recorded_and_unknown_reasons(reason: str) -> None:
    """``not_recorded`` is written only by the upcaster for version-1 events; a command names a real reason."""
    exc = refused(rich(), errors.InvalidInputError,
                  lambda h: h.end_involvement(actor=ACTOR, on=DAY, involvement_id="i1", reason=reason))
    assert "expected one of: goal_reached, handed_over, household_stopped, no_contact, capacity, other." in str(exc)


def test_the_end_reasons_a_command_may_give_are_the_vocabulary_but_not_recorded() -> None:
    assert [r.value for r in InvolvementEndReason] == [*GIVEN_END_REASONS, "not_recorded"]
