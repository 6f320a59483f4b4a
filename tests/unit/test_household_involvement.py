"""Involvements: each ends with a reason a command may give.

The household aggregate's rules, one domain error at a time (no storage).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from household_builders import ACTOR, BEFORE_REFERRAL, DAY, REFERRED, accepted, refused, rich, with_intake

from ledger.aggregates import errors
from ledger.aggregates.vocabulary import InvolvementEndReason

# ---------------------------------------------------------------- involvement
GIVEN_END_REASONS = [
    "goal_reached", "handed_over", "household_stopped", "no_contact", "capacity", "volunteers_took_over", "other",
]


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
    assert ("expected one of: goal_reached, handed_over, household_stopped, no_contact, capacity, "
            "volunteers_took_over, other.") in str(exc)


def test_the_end_reasons_a_command_may_give_are_the_vocabulary_but_not_recorded() -> None:
    assert [r.value for r in InvolvementEndReason] == [*GIVEN_END_REASONS, "not_recorded"]


# ------------------------------------------------- volunteers took over
def test_only_a_professional_involvement_ends_because_volunteers_took_over() -> None:
    """``volunteers_took_over``: volunteers made a professional's help unnecessary; a volunteer cannot end so."""
    h = with_intake()
    h.start_involvement(actor=ACTOR, on=DAY, involvement_id="v1", kind="volunteer", organisation="humanitas",
                        discipline="buddy")
    refused(h, errors.InvalidInputError,
            lambda h: h.end_involvement(actor=ACTOR, on=DAY, involvement_id="v1", reason="volunteers_took_over"))


# ------------------------------------------------------- already involved
def _involve(on: date, *, already: bool) -> object:
    return lambda h: h.start_involvement(actor=ACTOR, on=on, involvement_id="a1", kind="professional",
                                         organisation="ggz-regio", discipline="mental_health_care",
                                         already_involved=already)


@pytest.mark.parametrize("on", [BEFORE_REFERRAL, REFERRED - timedelta(days=365 * 29), REFERRED])
def test_an_already_involved_agency_may_start_before_the_referral(on: date) -> None:
    """Marked already involved, an involvement may be dated on or before the referral day (30 years at most)."""
    h = with_intake()
    accepted(h, _involve(on, already=True))
    assert (h.involvements["a1"].started_on, h.involvements["a1"].already_involved) == (on, True)


def test_an_involvement_not_marked_already_involved_is_not_dated_before_the_referral() -> None:
    refused(with_intake(), errors.DateBeforeReferralError, _involve(BEFORE_REFERRAL, already=False))


@pytest.mark.parametrize("on", [REFERRED + timedelta(days=1), date(1990, 1, 1), REFERRED.replace(year=1994) - timedelta(days=1)])
def test_an_already_involved_agency_starts_neither_after_the_referral_nor_over_30_years_before(on: date) -> None:
    """Already involved means there at the referral: not after its day; further back than 30 years is a typo."""
    refused(with_intake(), errors.InvalidPeriodError, _involve(on, already=True))


def test_a_new_involvement_is_not_already_involved() -> None:
    h = with_intake()
    accepted(h, _involve(DAY, already=False))
    assert h.involvements["a1"].already_involved is False
