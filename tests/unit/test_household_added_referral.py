"""A later referral of a known household (``add_referral``, ``ReferralAdded``): the rules, one at a time.

Closed, erased and before-the-referral refusals are covered for every command in
test_household_closure.py and test_household_referral.py (``add_referral`` is in ``_commands``).
"""

from __future__ import annotations

import pytest
from household_builders import ACTOR, BEFORE_REFERRAL, DAY, LATER, accepted, closed, referred, refused

from ledger.aggregates import Personal, errors
from ledger.aggregates.vocabulary import ReferralSource

REASON = "Tweede aanmelding vertrouwelijk"


def test_an_added_referral_adds_its_sources_after_the_first_referrals() -> None:
    """The household's referral sources are the first referral's, then each added referral's, once each."""
    h = referred()
    accepted(h, lambda h: h.add_referral(actor=ACTOR, on=DAY, sources=["wmo_desk", "police"]))
    assert h.referral_sources == (ReferralSource.SOCIAL_WORK, ReferralSource.POLICE, ReferralSource.WMO_DESK)
    assert h.referral_count == 2
    assert h.added_referrals[0].on == DAY
    assert h.referral.sources == (ReferralSource.SOCIAL_WORK, ReferralSource.POLICE)  # the first stays as it was


def test_the_same_source_may_refer_again() -> None:
    """A second referral by the same source is recorded (a double referral), the sources unchanged."""
    h = referred()
    accepted(h, lambda h: h.add_referral(actor=ACTOR, on=DAY, sources=["social_work"]))
    assert h.referral_count == 2
    assert h.referral_sources == (ReferralSource.SOCIAL_WORK, ReferralSource.POLICE)


def test_an_added_referral_needs_a_source() -> None:
    refused(referred(), errors.InvalidInputError, lambda h: h.add_referral(actor=ACTOR, on=DAY, sources=[]))


def test_an_unknown_source_is_refused() -> None:
    refused(referred(), errors.InvalidInputError,
            lambda h: h.add_referral(actor=ACTOR, on=DAY, sources=["the neighbour Bep"]))


def test_an_added_referral_may_not_lie_before_the_first() -> None:
    refused(referred(), errors.DateBeforeReferralError,
            lambda h: h.add_referral(actor=ACTOR, on=BEFORE_REFERRAL, sources=["police"]))


def test_a_closed_case_is_reopened_before_it_is_referred_again() -> None:
    """A closed case refuses with the 'reopen first' error; after reopening the referral is added."""
    h = closed()
    error = refused(h, errors.CaseClosedError, lambda h: h.add_referral(actor=ACTOR, on=LATER, sources=["police"]))
    assert "reopen" in str(error)
    h.reopen(actor=ACTOR, on=LATER)
    accepted(h, lambda h: h.add_referral(actor=ACTOR, on=LATER, sources=["police"]))


def test_the_reason_is_sealed_personal_data_and_is_scrubbed_at_erasure() -> None:
    h = referred()
    h.add_referral(actor=ACTOR, on=DAY, sources=["police"], reason=Personal(REASON))
    assert REASON not in repr(h.added_referrals)
    h.close(actor=ACTOR, on=LATER, reason="other")
    h.erase(actor=ACTOR, on=LATER, reason="retention_expired")
    assert h.added_referrals[0].reason is None or h.added_referrals[0].reason.value is None


@pytest.mark.parametrize("sources", [["police", "police"], ["police"]])
def test_repeated_sources_in_one_referral_count_once(sources: list[str]) -> None:
    h = referred()
    h.add_referral(actor=ACTOR, on=DAY, sources=sources)
    assert h.added_referrals[0].sources == (ReferralSource.POLICE,)
