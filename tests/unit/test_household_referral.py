"""A referral's members and dates: the BSN check, member roles, no date before the referral.

The household aggregate's rules, one domain error at a time (no storage).
"""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import uuid4

import pytest
from household_builders import (
    ACTOR,
    BEFORE_REFERRAL,
    DIRECTOR,
    INVALID_BSN,
    NAME,
    REFERRED,
    VALID_BSN,
    _commands,
    grant,
    members,
    referred,
    refused,
)

from ledger.aggregates import Household, Member, Personal, errors, is_valid_bsn


# ------------------------------------------------------------------------ BSN
def test_a_valid_test_bsn_is_accepted() -> None:
    """The test BSN 999990019 passes the elfproef and is kept with the member."""
    h = referred()
    assert is_valid_bsn(VALID_BSN)
    assert h.members["m1"].bsn == Personal(VALID_BSN)


def test_a_bsn_failing_the_elfproef_is_refused_without_echoing_it() -> None:
    """An invalid BSN is refused and the message shows neither the BSN nor the member's name."""
    with pytest.raises(errors.InvalidBsnError) as info:
        Household.refer(household_id=uuid4(), actor=ACTOR, on=REFERRED, sources=["police"],
                        members=members(bsn=INVALID_BSN))
    message = str(info.value)
    assert INVALID_BSN not in message and NAME not in message
    assert re.search(r"\d{9}", message) is None
    assert INVALID_BSN not in repr(info.value)


@pytest.mark.parametrize("bsn", ["123456789", "000000000", "99999001", "9999900190", "99999001a", "999 99 0019", ""])
def test_elfproef_refuses_malformed_numbers(bsn: str) -> None:
    """A BSN is nine digits passing the elfproef; anything else is refused."""
    assert not is_valid_bsn(bsn)
    with pytest.raises(errors.InvalidBsnError):
        Household.refer(household_id=uuid4(), actor=ACTOR, on=REFERRED, sources=["police"], members=members(bsn=bsn))


def test_an_unknown_member_role_is_invalid_input() -> None:
    """A member role outside the vocabulary is refused as a domain input error."""
    with pytest.raises(errors.InvalidInputError):
        Household.refer(household_id=uuid4(), actor=ACTOR, on=REFERRED, sources=["police"],
                        members=[Member("m1", "parent", Personal(NAME))])


# ---------------------------------------------------------------------- dates
@pytest.mark.parametrize(
    "name",
    ["hold_intake", "decide_coordination", "assign_case_director", "grant_consent", "measure_zrm", "set_plan_goal",
     "start_involvement", "raise_escalation", "record_cost", "hand_over", "record_drop_out", "close",
     "withdraw_consent", "place_retention_hold"],
)
def test_dates_before_the_referral_are_refused(name: str) -> None:
    """Nothing happens to a household before it was referred."""
    h = referred()
    if name != "hold_intake":
        h.hold_intake(actor=ACTOR, on=REFERRED, domains_discussed=["finances"])
        h.assign_case_director(actor=ACTOR, on=REFERRED, director=DIRECTOR)
        grant(h, "c1", valid_from=BEFORE_REFERRAL - timedelta(days=5), on=REFERRED)
    if name == "assign_case_director":
        h.hand_over(actor=ACTOR, on=REFERRED, to_organisation="veilig-thuis")
    refused(h, errors.DateBeforeReferralError, _commands(BEFORE_REFERRAL)[name])


def test_erasure_dated_before_the_referral_is_refused() -> None:
    """Erasure too cannot be dated before the referral (it would also predate the closure)."""
    h = referred()
    h.close(actor=ACTOR, on=REFERRED, reason="other")
    refused(h, (errors.DateBeforeReferralError, errors.InvalidPeriodError),
            lambda h: h.erase(actor=ACTOR, on=BEFORE_REFERRAL, reason="data_subject_request"))
