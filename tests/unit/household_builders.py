"""Households for the aggregate's rule tests (tests/unit/test_household_*.py): fixtures, builders, checks.

Personal values are distinctive strings that must never surface in a repr or an error.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest

from ledger.aggregates import Actor, Household, Member, NetworkContact, Personal, StaffRef

# ------------------------------------------------------------------ fixtures
ACTOR = Actor("u-100", "gemeente-x", "case_worker")
DIRECTOR = StaffRef("u-200", "gemeente-x")
OTHER_DIRECTOR = StaffRef("u-300", "wijkteam-noord")

REFERRED = date(2024, 3, 1)
DAY = date(2024, 3, 15)
CLOSED_ON = date(2024, 6, 1)
LATER = date(2024, 7, 1)
BEFORE_REFERRAL = REFERRED - timedelta(days=1)

VALID_BSN = "999990019"
INVALID_BSN = "123456789"

# Personal values: distinctive strings that must never surface in a repr or an error.
NAME = "Marieke Geheimzinnig"
CHILD_NAME = "Pietje Verborgen"
BIRTH_DATE = "1981-07-13"
PHONE = "0612398745"
EMAIL = "marieke@voorbeeld.test"
ADDRESS = "Verstopstraat 17, Utrecht"
REFERRAL_REASON = "Huurachterstand bij Verstopstraat"
NETWORK_NAME = "Oma Bep Onzichtbaar"
SUMMARY = "Intakeverslag over schulden van Marieke"
RATIONALE = "Motivering coordinatie vertrouwelijk"
GOAL_TEXT = "Schuldenvrij worden voor de zomer"
GOAL_REVISED = "Schuldenvrij worden voor kerst"
ACTION_TEXT = "Aanmelden bij schuldhulpverlening Zuid"
CANCEL_REASON = "Annuleringsreden vertrouwelijk"
CONTACT_NAME = "Henk Hulpverlener"
EVAL_NOTES = "Evaluatie-aantekening vertrouwelijk"
ESC_REASON = "Escalatie wegens dreigende uithuiszetting"
ESC_RESOLUTION = "Opgelost met woningcorporatie"
COST_TEXT = "Bewindvoering kosten vertrouwelijk"
HANDOVER_NOTES = "Overdrachtsnotitie vertrouwelijk"
DROP_OUT_REASON = "Uitvalreden vertrouwelijk"
REOPEN_REASON = "Heropening wegens terugval"
REPLACE_REASON = "Vervanging wegens ziekte regisseur"

SECRETS = (
    NAME, CHILD_NAME, VALID_BSN, BIRTH_DATE, PHONE, EMAIL, ADDRESS, REFERRAL_REASON, NETWORK_NAME,
    SUMMARY, RATIONALE, GOAL_TEXT, GOAL_REVISED, ACTION_TEXT, CANCEL_REASON, CONTACT_NAME, EVAL_NOTES,
    ESC_REASON, ESC_RESOLUTION, COST_TEXT, HANDOVER_NOTES, DROP_OUT_REASON, REOPEN_REASON, REPLACE_REASON,
)

ZRM_2017_SCORES = {"finances": 2, "housing": 3, "parenting": 4}


def members(bsn: str | None = VALID_BSN, name: str = NAME) -> list[Member]:
    return [
        Member(
            "m1", "adult", Personal(name), Personal(bsn) if bsn is not None else None,
            Personal(BIRTH_DATE), Personal(PHONE), Personal(EMAIL),
        ),
        Member("m2", "child", Personal(CHILD_NAME)),
    ]


def referred(on: date = REFERRED) -> Household:
    return Household.refer(
        household_id=uuid4(), actor=ACTOR, on=on, sources=["social_work", "police"], members=members(),
        address=Personal(ADDRESS), reason=Personal(REFERRAL_REASON),
    )


def with_intake(on: date = REFERRED) -> Household:
    h = referred(on)
    h.hold_intake(
        actor=ACTOR, on=on, domains_discussed=["finances", "housing"],
        network=[NetworkContact("grandmother", Personal(NETWORK_NAME))], agencies_involved=["ggd"],
        summary=Personal(SUMMARY),
    )
    return h


def grant(h: Household, consent_id: str = "c1", *, valid_from: date = DAY, valid_until: date | None = None,
          on: date = DAY) -> None:
    h.grant_consent(
        actor=ACTOR, on=on, consent_id=consent_id, basis="consent", member_id="m1", organisations=["ggd"],
        data_categories=["finances"], purpose="coordination", valid_from=valid_from, valid_until=valid_until,
    )


def add_action(h: Household, action_id: str = "a1", *, performer_kind: str = "professional",
               organisation: str | None = "schuldhulp-zuid", goal_id: str = "g1") -> None:
    h.add_plan_action(
        actor=ACTOR, on=DAY, action_id=action_id, goal_id=goal_id, description=Personal(ACTION_TEXT),
        performer_kind=performer_kind, organisation=organisation,
    )


def rich() -> Household:
    """A household with one of everything, all open."""
    h = with_intake()
    h.decide_coordination(actor=ACTOR, on=DAY, outcome="volunteers_deployed", rationale=Personal(RATIONALE))
    h.assign_case_director(actor=ACTOR, on=DAY, director=DIRECTOR)
    grant(h, "c1")
    h.grant_consent(
        actor=ACTOR, on=DAY, consent_id="c2", basis="public_task", member_id=None, organisations=["gemeente"],
        data_categories=["housing"], purpose="service_delivery", valid_from=DAY,
        legal_reference="wmo_2015_5_1_1",
    )
    h.measure_zrm(actor=ACTOR, on=DAY, measurement_id="z1", instrument="2017", moment="intake",
                  scores=dict(ZRM_2017_SCORES), member_id="m1")
    h.set_plan_goal(actor=ACTOR, on=DAY, goal_id="g1", life_domain="finances", description=Personal(GOAL_TEXT))
    add_action(h, "a1")
    h.start_involvement(
        actor=ACTOR, on=DAY, involvement_id="i1", kind="professional", organisation="ggd",
        discipline="social_work", worker_id="w-1", contact_name=Personal(CONTACT_NAME),
    )
    h.raise_escalation(actor=ACTOR, on=DAY, escalation_id="e1", level="work_table", reason=Personal(ESC_REASON))
    h.record_cost(
        actor=ACTOR, on=DAY, cost_id="k1", kind="intervention", stream="care", amount_eur="1250.00",
        period_start=REFERRED, period_end=DAY, description=Personal(COST_TEXT),
    )
    h.hold_evaluation(actor=ACTOR, on=DAY, evaluation_id="v1", conclusion="continue", notes=Personal(EVAL_NOTES))
    return h


def closed() -> Household:
    h = rich()
    h.close(actor=ACTOR, on=CLOSED_ON, reason="goals_achieved")
    return h


def erased() -> Household:
    h = closed()
    h.erase(actor=ACTOR, on=LATER, reason="data_subject_request")
    return h


Errors = type[Exception] | tuple[type[Exception], ...]


def refused(h: Household, error: Errors, command: Callable[[Household], Any]) -> Exception:
    """Run ``command``; it must raise ``error`` and leave the household exactly as it was."""
    before = copy.deepcopy(h)
    with pytest.raises(error) as info:
        command(h)
    assert h == before
    assert h.version == before.version
    return info.value


def accepted(h: Household, command: Callable[[Household], Any]) -> None:
    """Run ``command``; it must record exactly one event."""
    version = h.version
    command(h)
    assert h.version == version + 1


# The commands that change a household, each on the rich household's items.
def _commands(on: date) -> dict[str, Callable[[Household], Any]]:
    return {
        "add_referral": lambda h: h.add_referral(actor=ACTOR, on=on, sources=["school_attendance_officer"]),
        "hold_intake": lambda h: h.hold_intake(actor=ACTOR, on=on, domains_discussed=["finances"]),
        "decide_coordination": lambda h: h.decide_coordination(actor=ACTOR, on=on, outcome="not_needed"),
        "hold_orientation_talk": lambda h: h.hold_orientation_talk(
            actor=ACTOR, on=on, talk_id="o9", held_with="household"),
        "schedule_plan_meeting": lambda h: h.schedule_plan_meeting(
            actor=ACTOR, on=on, meeting_id="m9", scheduled_for=on),
        "assign_case_director": lambda h: h.assign_case_director(actor=ACTOR, on=on, director=OTHER_DIRECTOR),
        "replace_case_director": lambda h: h.replace_case_director(actor=ACTOR, on=on, director=OTHER_DIRECTOR),
        "grant_consent": lambda h: grant(h, "c9", valid_from=on, on=on),
        "measure_zrm": lambda h: h.measure_zrm(
            actor=ACTOR, on=on, measurement_id="z9", instrument="2013", moment="interim", scores={"finances": 3}),
        "set_plan_goal": lambda h: h.set_plan_goal(
            actor=ACTOR, on=on, goal_id="g9", life_domain="housing", description=Personal(GOAL_TEXT)),
        "revise_plan_goal": lambda h: h.revise_plan_goal(
            actor=ACTOR, on=on, goal_id="g1", description=Personal(GOAL_REVISED)),
        "add_plan_action": lambda h: h.add_plan_action(
            actor=ACTOR, on=on, action_id="a9", goal_id="g1", description=Personal(ACTION_TEXT),
            performer_kind="self"),
        "complete_plan_action": lambda h: h.complete_plan_action(actor=ACTOR, on=on, action_id="a1"),
        "cancel_plan_action": lambda h: h.cancel_plan_action(actor=ACTOR, on=on, action_id="a1"),
        "start_involvement": lambda h: h.start_involvement(
            actor=ACTOR, on=on, involvement_id="i9", kind="volunteer", organisation="humanitas",
            discipline="buddy"),
        "end_involvement": lambda h: h.end_involvement(actor=ACTOR, on=on, involvement_id="i1", reason="goal_reached"),
        "hold_evaluation": lambda h: h.hold_evaluation(
            actor=ACTOR, on=on, evaluation_id="v9", conclusion="close", final=True),
        "raise_escalation": lambda h: h.raise_escalation(
            actor=ACTOR, on=on, escalation_id="e9", level="civil_service_steering_group",
            reason=Personal(ESC_REASON)),
        "resolve_escalation": lambda h: h.resolve_escalation(actor=ACTOR, on=on, escalation_id="e1"),
        "record_cost": lambda h: h.record_cost(
            actor=ACTOR, on=on, cost_id="k9", kind="intervention", stream="income_support", amount_eur="10.00",
            period_start=REFERRED, period_end=on),
        "hand_over": lambda h: h.hand_over(actor=ACTOR, on=on, to_organisation="veilig-thuis"),
        "record_drop_out": lambda h: h.record_drop_out(actor=ACTOR, on=on, kind="refusal"),
        "close": lambda h: h.close(actor=ACTOR, on=on, reason="other"),
        "reopen": lambda h: h.reopen(actor=ACTOR, on=on),
        "withdraw_consent": lambda h: h.withdraw_consent(actor=ACTOR, on=on, consent_id="c1"),
        "place_retention_hold": lambda h: h.place_retention_hold(
            actor=ACTOR, on=on, hold_id="r9", law="jeugdwet_7_3_8", until=on + timedelta(days=365)),
        "erase": lambda h: h.erase(actor=ACTOR, on=on, reason="retention_expired"),
    }


ALLOWED_ON_CLOSED = ("reopen", "withdraw_consent", "place_retention_hold", "erase")
REFUSED_ON_CLOSED = tuple(name for name in _commands(LATER) if name not in ALLOWED_ON_CLOSED)


# Plan work that needs the integral intake first.
PLAN_WORK_BEFORE_INTAKE: dict[str, Callable[[Household], Any]] = {
    "plan goal": lambda h: h.set_plan_goal(
        actor=ACTOR, on=DAY, goal_id="g1", life_domain="finances", description=Personal(GOAL_TEXT)),
    "plan action": lambda h: add_action(h, "a1"),
    "zrm measurement": lambda h: h.measure_zrm(
        actor=ACTOR, on=DAY, measurement_id="z1", instrument="2017", moment="intake", scores={"finances": 2}),
    "evaluation": lambda h: h.hold_evaluation(actor=ACTOR, on=DAY, evaluation_id="v1", conclusion="continue"),
    "plan meeting": lambda h: h.schedule_plan_meeting(actor=ACTOR, on=DAY, meeting_id="m1", scheduled_for=DAY),
}


def cost(kind: str, start: date, end: date, amount: str = "100.00") -> Callable[[Household], Any]:
    return lambda h: h.record_cost(
        actor=ACTOR, on=DAY, cost_id="k2", kind=kind, stream="income_support", amount_eur=amount,
        period_start=start, period_end=end, description=Personal(COST_TEXT))
