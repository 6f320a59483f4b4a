"""Closure, reopening, retention holds and erasure.

The household aggregate's rules, one domain error at a time (no storage).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from household_builders import (
    ACTOR,
    ALLOWED_ON_CLOSED,
    CANCEL_REASON,
    CLOSED_ON,
    DAY,
    DROP_OUT_REASON,
    ESC_RESOLUTION,
    GOAL_REVISED,
    HANDOVER_NOTES,
    LATER,
    REFERRED,
    REFUSED_ON_CLOSED,
    REOPEN_REASON,
    SECRETS,
    ZRM_2017_SCORES,
    _commands,
    accepted,
    add_action,
    closed,
    erased,
    refused,
    rich,
)

from ledger.aggregates import Personal, errors, map_personal


# --------------------------------------------------------------- closed case
@pytest.mark.parametrize("name", REFUSED_ON_CLOSED)
def test_closed_case_refuses_changes(name: str) -> None:
    """A closed case refuses every change other than reopening, withdrawal, retention hold and erasure."""
    refused(closed(), errors.CaseClosedError, _commands(LATER)[name])


@pytest.mark.parametrize("name", ALLOWED_ON_CLOSED)
def test_closed_case_accepts_reopening_withdrawal_retention_hold_and_erasure(name: str) -> None:
    """Reopening, consent withdrawal, a retention hold and erasure are recorded on a closed case."""
    h = closed()
    accepted(h, _commands(LATER)[name])


def test_reopening_needs_a_closed_case() -> None:
    """An open case cannot be reopened."""
    refused(rich(), errors.CaseNotClosedError, lambda h: h.reopen(actor=ACTOR, on=LATER))


def test_reopening_cannot_predate_the_closure() -> None:
    """A case is reopened on or after the day it was closed."""
    refused(closed(), errors.InvalidPeriodError,
            lambda h: h.reopen(actor=ACTOR, on=CLOSED_ON - timedelta(days=1)))


def test_reopened_case_accepts_changes_again() -> None:
    """After reopening, the plan carries on: actions can be completed again."""
    h = closed()
    h.reopen(actor=ACTOR, on=LATER, reason=Personal(REOPEN_REASON))
    assert not h.is_closed
    accepted(h, lambda h: h.complete_plan_action(actor=ACTOR, on=LATER, action_id="a1"))


# ----------------------------------------------------------- erasure, holds
def test_only_a_closed_case_can_be_erased() -> None:
    """Erasing an open case is refused."""
    refused(rich(), errors.CaseNotClosedError, lambda h: h.erase(actor=ACTOR, on=LATER, reason="data_subject_request"))


def test_erasure_is_refused_while_a_retention_hold_applies() -> None:
    """A retention hold in force on the erasure day blocks erasure; after it has ended erasure proceeds."""
    h = closed()
    h.place_retention_hold(actor=ACTOR, on=LATER, hold_id="r1", law="jeugdwet_7_3_8",
                           until=date(2030, 1, 1))
    refused(h, errors.RetentionHoldError,
            lambda h: h.erase(actor=ACTOR, on=date(2029, 12, 31), reason="data_subject_request"))
    accepted(h, lambda h: h.erase(actor=ACTOR, on=date(2030, 1, 2), reason="retention_expired"))
    assert h.is_erased


def test_retention_hold_error_does_not_name_the_household_member() -> None:
    """The retention-hold refusal names the end date, never a person."""
    h = closed()
    h.place_retention_hold(actor=ACTOR, on=LATER, hold_id="r1", law="jeugdwet_7_3_8", until=date(2030, 1, 1))
    exc = refused(h, errors.RetentionHoldError, lambda h: h.erase(actor=ACTOR, on=LATER, reason="retention_expired"))
    assert "2030-01-01" in str(exc)
    assert not any(secret in str(exc) for secret in SECRETS)


@pytest.mark.parametrize("name", list(_commands(LATER)))
def test_erased_household_refuses_everything(name: str) -> None:
    """An erased household refuses every command, reopening and erasure included."""
    refused(erased(), errors.HouseholdErasedError, _commands(LATER + timedelta(days=1))[name])


def test_erasure_cannot_predate_the_closure() -> None:
    """A case is erased on or after the day it was closed (as reopening is)."""
    h = closed()
    refused(h, errors.InvalidPeriodError,
            lambda h: h.erase(actor=ACTOR, on=CLOSED_ON - timedelta(days=1), reason="data_subject_request"))
    accepted(h, lambda h: h.erase(actor=ACTOR, on=CLOSED_ON, reason="data_subject_request"))


def _personal_values(obj: Any) -> list[Personal]:
    found: list[Personal] = []

    def take(p: Personal) -> Personal:
        found.append(p)
        return p

    map_personal(obj, take)
    return found


def test_erasure_scrubs_every_personal_value_but_keeps_scores_and_dates() -> None:
    """After erasure no personal value is left in the aggregate; ZRM scores, dates and amounts remain."""
    h = rich()
    h.revise_plan_goal(actor=ACTOR, on=DAY, goal_id="g1", description=Personal(GOAL_REVISED))
    add_action(h, "a2", performer_kind="self", organisation=None)
    h.cancel_plan_action(actor=ACTOR, on=DAY, action_id="a2", reason=Personal(CANCEL_REASON))
    h.resolve_escalation(actor=ACTOR, on=DAY, escalation_id="e1", resolution=Personal(ESC_RESOLUTION))
    h.hand_over(actor=ACTOR, on=DAY, to_organisation="veilig-thuis", notes=Personal(HANDOVER_NOTES))
    h.record_drop_out(actor=ACTOR, on=DAY, kind="drop_out", reason=Personal(DROP_OUT_REASON))
    h.close(actor=ACTOR, on=CLOSED_ON, reason="dropped_out")
    h.collect_events()  # as after a save: pending events are the store's business, not the state's
    before = [p for p in _personal_values(vars(h)) if not p.erased]

    h.erase(actor=ACTOR, on=LATER, reason="data_subject_request")
    h.collect_events()

    values = _personal_values(vars(h))
    assert len(values) == len(before) >= 18
    assert all(p.erased and p.value is None for p in values)
    text = repr(h)
    assert not [secret for secret in SECRETS if secret in text]
    assert h.zrm["z1"].scores == ZRM_2017_SCORES
    assert h.referral.on == REFERRED
    assert h.intake is not None and h.intake.held_on == REFERRED
    assert h.goals["g1"].set_on == DAY and h.goals["g1"].revisions == 1
    assert h.actions["a2"].cancelled_on == DAY
    assert h.costs["k1"].amount_eur == 1250
    assert h.closure is not None and h.closure.on == CLOSED_ON
    assert h.erasure is not None and h.erasure.on == LATER
    assert [m.member_id for m in h.referral.members] == ["m1", "m2"]
