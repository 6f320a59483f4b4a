"""Issue 15: orientation talks before the coordination decision, and the scheduled plan meeting.

The pilots (Woerden 2012-2013) decided coordination after orientation talks with the household or
with the professionals only, and held the integral intake only for the households that got
coordination. The household aggregate's rules, one at a time (no storage).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from household_builders import ACTOR, BEFORE_REFERRAL, DAY, GOAL_TEXT, accepted, referred, refused, with_intake

from ledger.aggregates import Household, Personal, errors


def talk(h: Household, talk_id: str = "o1", held_with: str = "household") -> None:
    h.hold_orientation_talk(actor=ACTOR, on=DAY, talk_id=talk_id, held_with=held_with,
                            notes=Personal("Gesprek met mevrouw Verzonnen"))


def decide(h: Household) -> None:
    h.decide_coordination(actor=ACTOR, on=DAY, outcome="broker_coordinates")


def test_coordination_needs_an_orientation_talk_or_the_intake() -> None:
    """Without a talk and without an intake, the coordination decision is refused with its own code."""
    error = refused(referred(), errors.OrientationOrIntakeRequiredError, decide)
    assert getattr(error, "code", None) == "orientation-or-intake-required"


@pytest.mark.parametrize("held_with", ["household", "professionals"])
def test_one_orientation_talk_is_enough_to_decide_coordination(held_with: str) -> None:
    """A talk with the household, or with the professionals only, lets coordination be decided before any intake."""
    h = referred()
    talk(h, held_with=held_with)
    accepted(h, decide)
    assert h.intake is None and h.coordination is not None


def test_the_intake_alone_still_lets_coordination_be_decided() -> None:
    """The intake-then-decision order of earlier ledgers stays valid."""
    accepted(with_intake(), decide)


def test_the_intake_may_be_held_after_the_coordination_decision() -> None:
    """Integral intake only for the coordinated: it follows the decision."""
    h = referred()
    talk(h)
    decide(h)
    accepted(h, lambda h: h.hold_intake(actor=ACTOR, on=DAY + timedelta(days=3), domains_discussed=["finances"]))


def test_an_orientation_talk_does_not_replace_the_intake_for_plan_work() -> None:
    """A plan goal still needs the integral intake, talks or not."""
    h = referred()
    talk(h)
    decide(h)
    refused(h, errors.IntakeRequiredError, lambda h: h.set_plan_goal(
        actor=ACTOR, on=DAY, goal_id="g1", life_domain="finances", description=Personal(GOAL_TEXT)))


def test_orientation_talks_record_with_whom_and_keep_notes_sealed() -> None:
    """Each talk keeps its id, date and code; its notes are Personal (sealed when stored)."""
    h = referred()
    talk(h, "o1", "household")
    talk(h, "o2", "professionals")
    talks = h.orientation_talks or {}
    assert [(t.talk_id, t.on, t.held_with) for t in talks.values()] == [
        ("o1", DAY, "household"), ("o2", DAY, "professionals")]
    assert isinstance(talks["o1"].notes, Personal)


@pytest.mark.parametrize("held_with", ["", "neighbour", "Household"])
def test_an_orientation_talk_is_with_the_household_or_the_professionals(held_with: str) -> None:
    """Any other code is refused."""
    refused(referred(), errors.InvalidInputError, lambda h: talk(h, held_with=held_with))


def test_an_orientation_talk_id_is_used_once_and_not_dated_before_the_referral() -> None:
    h = referred()
    talk(h, "o1")
    refused(h, errors.InvalidInputError, lambda h: talk(h, "o1"))
    refused(h, errors.DateBeforeReferralError, lambda h: h.hold_orientation_talk(
        actor=ACTOR, on=BEFORE_REFERRAL, talk_id="o2", held_with="household"))


# ------------------------------------------------------------- plan meeting
def test_a_plan_meeting_needs_the_integral_intake() -> None:
    """Talks and a coordination decision are not enough: the plan is made after the intake."""
    h = referred()
    talk(h)
    decide(h)
    refused(h, errors.IntakeRequiredError, lambda h: h.schedule_plan_meeting(
        actor=ACTOR, on=DAY, meeting_id="m1", scheduled_for=DAY))


def test_a_plan_meeting_is_scheduled_for_a_day_on_or_after_it_was_scheduled() -> None:
    h = with_intake()
    refused(h, errors.InvalidPeriodError, lambda h: h.schedule_plan_meeting(
        actor=ACTOR, on=DAY, meeting_id="m1", scheduled_for=DAY - timedelta(days=1)))
    accepted(h, lambda h: h.schedule_plan_meeting(
        actor=ACTOR, on=DAY, meeting_id="m1", scheduled_for=DAY + timedelta(days=14)))
    meeting = (h.plan_meetings or {})["m1"]
    assert (meeting.on, meeting.scheduled_for) == (DAY, DAY + timedelta(days=14))
    refused(h, errors.InvalidInputError, lambda h: h.schedule_plan_meeting(
        actor=ACTOR, on=DAY, meeting_id="m1", scheduled_for=DAY))
