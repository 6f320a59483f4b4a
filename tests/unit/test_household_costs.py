"""Costs: baseline and intervention periods, whole-cent amounts.

The household aggregate's rules, one domain error at a time (no storage).
"""

from __future__ import annotations

from datetime import date

import pytest
from household_builders import BEFORE_REFERRAL, DAY, REFERRED, accepted, cost, refused, with_intake

from ledger.aggregates import errors


# ---------------------------------------------------------------------- costs
@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2022, 2, 28), date(2022, 12, 31)),  # starts more than two years before referral
        (date(2023, 1, 1), date(2024, 3, 2)),  # ends after referral
        (date(2024, 3, 2), date(2024, 4, 1)),  # lies entirely after referral
    ],
)
def test_baseline_cost_lies_within_two_years_before_referral(start: date, end: date) -> None:
    """A baseline cost period outside the two years before referral is refused."""
    refused(with_intake(), errors.InvalidPeriodError, cost("baseline", start, end))


def test_baseline_cost_of_the_full_two_years_is_accepted() -> None:
    """A baseline cost may cover exactly the two years up to the referral."""
    h = with_intake()
    accepted(h, cost("baseline", date(2022, 3, 1), REFERRED))
    assert h.costs["k2"].period_start == date(2022, 3, 1)


def test_baseline_two_years_before_a_leap_day_referral_starts_on_28_february() -> None:
    """For a referral on 29 February the baseline window starts on 28 February two years earlier."""
    h = with_intake(on=date(2024, 2, 29))
    refused(h, errors.InvalidPeriodError, cost("baseline", date(2022, 2, 27), date(2023, 1, 1)))
    accepted(h, cost("baseline", date(2022, 2, 28), date(2023, 1, 1)))


def test_intervention_cost_lies_on_or_after_referral() -> None:
    """An intervention cost starting before referral is refused; one starting on the referral day is kept."""
    h = with_intake()
    refused(h, errors.InvalidPeriodError, cost("intervention", BEFORE_REFERRAL, DAY))
    accepted(h, cost("intervention", REFERRED, DAY))


def test_a_cost_period_cannot_end_before_it_starts() -> None:
    """A cost period runs forwards."""
    refused(with_intake(), errors.InvalidPeriodError, cost("intervention", DAY, REFERRED))


@pytest.mark.parametrize("amount", ["-0.01", "1.001", "abc", "NaN", "Infinity", ""])
def test_cost_amount_is_whole_cents_of_zero_or_more(amount: str) -> None:
    """A cost amount is a finite, non-negative number of euros in whole cents."""
    refused(with_intake(), errors.InvalidInputError, cost("intervention", REFERRED, DAY, amount))


def test_an_absurdly_large_cost_amount_is_invalid_input() -> None:
    """An amount too large to hold in whole cents is refused as input, not a crash."""
    refused(with_intake(), errors.InvalidInputError, cost("intervention", REFERRED, DAY, "1e30"))
    refused(with_intake(), errors.InvalidInputError, cost("intervention", REFERRED, DAY, "10000000.01"))
