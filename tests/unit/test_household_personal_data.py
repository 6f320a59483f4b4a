"""Personal data never surfaces: error messages, refusals and reprs.

The household aggregate's rules, one domain error at a time (no storage).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest
from household_builders import (
    ACTION_TEXT,
    ACTOR,
    ADDRESS,
    CANCEL_REASON,
    CLOSED_ON,
    CONTACT_NAME,
    COST_TEXT,
    DAY,
    DIRECTOR,
    DROP_OUT_REASON,
    ESC_REASON,
    ESC_RESOLUTION,
    GOAL_TEXT,
    HANDOVER_NOTES,
    INVALID_BSN,
    LATER,
    NAME,
    OTHER_DIRECTOR,
    PLAN_WORK_BEFORE_INTAKE,
    REFERRED,
    REOPEN_REASON,
    REPLACE_REASON,
    SECRETS,
    SUMMARY,
    VALID_BSN,
    add_action,
    cost,
    erased,
    members,
    referred,
    rich,
    with_intake,
)

from ledger.aggregates import Household, Member, Personal, errors


def test_error_messages_repeat_only_code_like_input() -> None:
    """A name typed into a code field is not echoed back; a mistyped code is."""
    with pytest.raises(errors.InvalidInputError) as named:
        Household.refer(household_id=uuid4(), actor=ACTOR, on=REFERRED, sources=["Jan de Buurman"],
                        members=[Member("m1", "adult", Personal(NAME))])
    assert "Buurman" not in str(named.value) and "(the value given)" in str(named.value)
    with pytest.raises(errors.InvalidInputError) as coded:
        Household.refer(household_id=uuid4(), actor=ACTOR, on=REFERRED, sources=["wmo_dsk"],
                        members=[Member("m1", "adult", Personal(NAME))])
    assert "'wmo_dsk'" in str(coded.value)


# ------------------------------------------------------- personal data leaks
LEAKY_PATHS: dict[str, tuple[Callable[[], Any], str]] = {
    "invalid bsn with name": (
        lambda: Household.refer(household_id=uuid4(), actor=ACTOR, on=REFERRED, sources=["police"],
                                members=members(bsn=INVALID_BSN)), NAME),
    "unknown source with address": (
        lambda: Household.refer(household_id=uuid4(), actor=ACTOR, on=REFERRED, sources=["neighbour"],
                                members=members(), address=Personal(ADDRESS)), ADDRESS),
    "goal before intake": (
        lambda: PLAN_WORK_BEFORE_INTAKE["plan goal"](referred()), GOAL_TEXT),
    "unknown performer kind": (
        lambda: add_action(rich(), "a2", performer_kind="grandmother"), ACTION_TEXT),
    "unknown escalation level": (
        lambda: rich().raise_escalation(actor=ACTOR, on=DAY, escalation_id="e2", level="mayor",
                                        reason=Personal(ESC_REASON)), ESC_REASON),
    "bad cost amount": (
        lambda: cost("intervention", REFERRED, DAY, "-5")(with_intake()), COST_TEXT),
    "second intake": (
        lambda: with_intake().hold_intake(actor=ACTOR, on=DAY, domains_discussed=["finances"],
                                          summary=Personal(SUMMARY)), SUMMARY),
    "unknown involvement kind": (
        lambda: rich().start_involvement(actor=ACTOR, on=DAY, involvement_id="i2", kind="family",
                                         organisation="ggd", discipline="x", contact_name=Personal(CONTACT_NAME)),
        CONTACT_NAME),
    "replace with same director": (
        lambda: rich().replace_case_director(actor=ACTOR, on=DAY, director=DIRECTOR,
                                             reason=Personal(REPLACE_REASON)), REPLACE_REASON),
    "reopen an erased household": (
        lambda: erased().reopen(actor=ACTOR, on=LATER, reason=Personal(REOPEN_REASON)), REOPEN_REASON),
}


@pytest.mark.parametrize(("command", "secret"), LEAKY_PATHS.values(), ids=LEAKY_PATHS.keys())
def test_domain_errors_never_contain_personal_values(command: Callable[[], Any], secret: str) -> None:
    """A refusal's message names codes, ids and dates, never a personal value passed in."""
    with pytest.raises(errors.HouseholdError) as info:
        command()
    exc = info.value
    for text in (str(exc), repr(exc), *map(str, exc.args)):
        assert secret not in text
        assert VALID_BSN not in text and NAME not in text


# ----------------------------------------------------------------------- repr
def test_repr_of_household_members_and_events_never_shows_personal_values() -> None:
    """Household, Member and event reprs mask every personal value."""
    h = rich()
    h.replace_case_director(actor=ACTOR, on=DAY, director=OTHER_DIRECTOR, reason=Personal(REPLACE_REASON))
    h.resolve_escalation(actor=ACTOR, on=DAY, escalation_id="e1", resolution=Personal(ESC_RESOLUTION))
    h.cancel_plan_action(actor=ACTOR, on=DAY, action_id="a1", reason=Personal(CANCEL_REASON))
    h.hand_over(actor=ACTOR, on=DAY, to_organisation="veilig-thuis", notes=Personal(HANDOVER_NOTES))
    h.record_drop_out(actor=ACTOR, on=DAY, kind="drop_out", reason=Personal(DROP_OUT_REASON))
    h.close(actor=ACTOR, on=CLOSED_ON, reason="dropped_out")
    h.reopen(actor=ACTOR, on=LATER, reason=Personal(REOPEN_REASON))
    events = h.collect_events()

    texts = {
        "household": repr(h),
        "household str": str(h),
        "member": repr(h.members["m1"]),
        "member str": str(h.members["m1"]),
        "members": repr(h.members),
        **{f"event {type(e).__name__} #{i}": repr(e) for i, e in enumerate(events)},
    }
    leaks = {where: s for where, text in texts.items() for s in SECRETS if s in text}
    assert leaks == {}
    assert "Personal(***)" in texts["member"]
    assert len(events) == h.version
