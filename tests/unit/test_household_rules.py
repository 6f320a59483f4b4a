"""The household aggregate's rules, one domain error at a time (no storage involved)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest

from ledger.aggregates import (
    INSTRUMENTS,
    Actor,
    Household,
    Member,
    NetworkContact,
    Personal,
    StaffRef,
    errors,
    is_valid_bsn,
    map_personal,
)
from ledger.aggregates.vocabulary import InvolvementEndReason

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
        "hold_intake": lambda h: h.hold_intake(actor=ACTOR, on=on, domains_discussed=["finances"]),
        "decide_coordination": lambda h: h.decide_coordination(actor=ACTOR, on=on, outcome="not_needed"),
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


# ------------------------------------------------------------- case director
def test_a_second_case_director_cannot_be_assigned() -> None:
    """Assigning a case director while one is assigned is refused; the first stays."""
    h = with_intake()
    h.assign_case_director(actor=ACTOR, on=DAY, director=DIRECTOR)
    refused(h, errors.CaseDirectorAlreadyAssignedError,
            lambda h: h.assign_case_director(actor=ACTOR, on=DAY, director=OTHER_DIRECTOR))
    assert h.case_director is not None and h.case_director.director == DIRECTOR


def test_replacing_needs_an_assigned_case_director() -> None:
    """Replacing the case director when none is assigned is refused."""
    h = with_intake()
    refused(h, errors.NoCaseDirectorError,
            lambda h: h.replace_case_director(actor=ACTOR, on=DAY, director=DIRECTOR))
    assert h.case_director is None


def test_replacing_the_case_director_by_the_same_person_is_refused() -> None:
    """A replacement must be a different person from the current case director."""
    h = with_intake()
    h.assign_case_director(actor=ACTOR, on=DAY, director=DIRECTOR)
    refused(h, errors.SameCaseDirectorError,
            lambda h: h.replace_case_director(actor=ACTOR, on=DAY, director=StaffRef("u-200", "gemeente-x")))


def test_replacing_the_case_director_leaves_exactly_the_new_one() -> None:
    """After a replacement the new person is the one case director, since the replacement date."""
    h = with_intake()
    h.assign_case_director(actor=ACTOR, on=DAY, director=DIRECTOR)
    accepted(h, lambda h: h.replace_case_director(
        actor=ACTOR, on=LATER, director=OTHER_DIRECTOR, reason=Personal(REPLACE_REASON)))
    assert h.case_director is not None
    assert h.case_director.director == OTHER_DIRECTOR
    assert h.case_director.since == LATER


def test_handover_needs_a_case_director_and_releases_them() -> None:
    """Only a case with a case director can be handed over; afterwards it has none."""
    h = with_intake()
    refused(h, errors.NoCaseDirectorError, lambda h: h.hand_over(actor=ACTOR, on=DAY, to_organisation="veilig-thuis"))
    h.assign_case_director(actor=ACTOR, on=DAY, director=DIRECTOR)
    accepted(h, lambda h: h.hand_over(actor=ACTOR, on=DAY, to_organisation="veilig-thuis"))
    assert h.case_director is None
    accepted(h, lambda h: h.assign_case_director(actor=ACTOR, on=DAY, director=OTHER_DIRECTOR))


# -------------------------------------------------------------------- intake
PLAN_WORK_BEFORE_INTAKE: dict[str, Callable[[Household], Any]] = {
    "plan goal": lambda h: h.set_plan_goal(
        actor=ACTOR, on=DAY, goal_id="g1", life_domain="finances", description=Personal(GOAL_TEXT)),
    "plan action": lambda h: add_action(h, "a1"),
    "zrm measurement": lambda h: h.measure_zrm(
        actor=ACTOR, on=DAY, measurement_id="z1", instrument="2017", moment="intake", scores={"finances": 2}),
    "evaluation": lambda h: h.hold_evaluation(actor=ACTOR, on=DAY, evaluation_id="v1", conclusion="continue"),
    "coordination decision": lambda h: h.decide_coordination(actor=ACTOR, on=DAY, outcome="not_needed"),
}


@pytest.mark.parametrize("command", PLAN_WORK_BEFORE_INTAKE.values(), ids=PLAN_WORK_BEFORE_INTAKE.keys())
def test_plan_work_needs_an_integral_intake_first(command: Callable[[Household], Any]) -> None:
    """Goals, actions, ZRM measurements, evaluations and coordination wait for the intake."""
    refused(referred(), errors.IntakeRequiredError, command)


@pytest.mark.parametrize("name", PLAN_WORK_BEFORE_INTAKE)
def test_plan_work_is_accepted_after_the_intake(name: str) -> None:
    """The same plan work is recorded once the intake has been held."""
    h = with_intake()
    if name != "plan goal":
        h.set_plan_goal(actor=ACTOR, on=DAY, goal_id="g1", life_domain="finances", description=Personal(GOAL_TEXT))
    accepted(h, PLAN_WORK_BEFORE_INTAKE[name])


def test_the_integral_intake_is_held_once() -> None:
    """A second intake is refused."""
    refused(with_intake(), errors.IntakeAlreadyHeldError,
            lambda h: h.hold_intake(actor=ACTOR, on=DAY, domains_discussed=["housing"]))


# ----------------------------------------------------------------------- ZRM
def measure(instrument: str, scores: dict[str, Any]) -> Callable[[Household], Any]:
    return lambda h: h.measure_zrm(
        actor=ACTOR, on=DAY, measurement_id="z1", instrument=instrument, moment="intake", scores=scores)


@pytest.mark.parametrize("score", [0, 6, -1, True, False, "3", 3.0, None])
def test_zrm_score_outside_one_to_five_is_refused(score: Any) -> None:
    """A ZRM score is a whole number from 1 to 5 (not a bool, not a string)."""
    refused(with_intake(), errors.ZrmScoreOutOfRangeError, measure("2017", {"finances": 2, "housing": score}))


@pytest.mark.parametrize("score", [1, 2, 3, 4, 5])
def test_zrm_scores_one_to_five_are_recorded(score: int) -> None:
    """Every score from 1 to 5 is recorded as given."""
    h = with_intake()
    accepted(h, measure("2013", {"finances": score}))
    assert h.zrm["z1"].scores == {"finances": score}


@pytest.mark.parametrize(
    ("instrument", "domain"),
    [
        ("2013", "time_use"),
        ("2013", "work_and_education"),
        ("2013", "basic_adl"),
        ("2013", "parenting"),
        ("2017", "daytime_activities"),
        ("2017", "adl"),
        ("2017", "identity"),
        ("2017", ""),
    ],
)
def test_zrm_domain_the_instrument_lacks_is_refused(instrument: str, domain: str) -> None:
    """A score is only valid for a life domain the named instrument version has."""
    refused(with_intake(), errors.UnknownZrmDomainError, measure(instrument, {"finances": 3, domain: 3}))


def test_parenting_supplement_is_accepted_for_2017() -> None:
    """The 2017 matrix accepts its parenting supplement alongside core domains."""
    h = with_intake()
    accepted(h, measure("2017", {"time_use": 2, "parenting": 4}))
    assert h.zrm["z1"].scores == {"time_use": 2, "parenting": 4}
    assert h.zrm["z1"].instrument == "2017"


@pytest.mark.parametrize("instrument", ["2020", "2017-household", "", "zrm"])
def test_unknown_zrm_instrument_is_refused(instrument: str) -> None:
    """A measurement names a known instrument version."""
    refused(with_intake(), errors.UnknownZrmDomainError, measure(instrument, {"finances": 3}))


def test_zrm_instruments_have_eleven_and_thirteen_core_domains() -> None:
    """ZRM 2013 has 11 core domains, ZRM 2017 has 13 plus the parenting supplement."""
    assert len(INSTRUMENTS["2013"].domains) == 11
    assert len(INSTRUMENTS["2017"].domains) == 13
    assert dict(INSTRUMENTS["2013"].supplements) == {}
    assert set(INSTRUMENTS["2017"].supplements) == {"parenting"}


@pytest.mark.parametrize("instrument", ["2013", "2017"])
def test_a_full_matrix_of_each_instrument_is_recorded(instrument: str) -> None:
    """Scoring every core domain of an instrument is one valid measurement."""
    h = with_intake()
    scores = {domain: 1 + i % 5 for i, domain in enumerate(INSTRUMENTS[instrument].domains)}
    accepted(h, measure(instrument, scores))
    assert h.zrm["z1"].scores == scores


def test_zrm_measurement_scores_at_least_one_domain() -> None:
    """An empty measurement is refused."""
    refused(with_intake(), errors.InvalidInputError, measure("2017", {}))


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


# -------------------------------------------------------------------- consent
CONSENT_NOT_IN_FORCE: dict[str, Callable[[Household], Any]] = {
    "already withdrawn": lambda h: (grant(h, "cx"), h.withdraw_consent(actor=ACTOR, on=DAY, consent_id="cx")),
    "expired": lambda h: grant(h, "cx", valid_from=DAY, valid_until=DAY + timedelta(days=10)),
    "not yet valid": lambda h: grant(h, "cx", valid_from=LATER + timedelta(days=30)),
}


@pytest.mark.parametrize("setup", CONSENT_NOT_IN_FORCE.values(), ids=CONSENT_NOT_IN_FORCE.keys())
def test_withdrawing_a_consent_not_in_force_is_refused(setup: Callable[[Household], Any]) -> None:
    """Only a consent in force on the day can be withdrawn."""
    h = with_intake()
    setup(h)
    refused(h, errors.ConsentNotInForceError, lambda h: h.withdraw_consent(actor=ACTOR, on=LATER, consent_id="cx"))


def test_withdrawing_a_consent_in_force_records_the_day() -> None:
    """A consent in force is withdrawn and is no longer in force from that day."""
    h = with_intake()
    grant(h, "cx")
    accepted(h, lambda h: h.withdraw_consent(actor=ACTOR, on=LATER, consent_id="cx"))
    assert h.consents["cx"].withdrawn_on == LATER
    assert h.consents_in_force(LATER) == []


def test_a_legal_basis_cannot_be_withdrawn() -> None:
    """A recorded legal basis is not a member's consent and cannot be withdrawn."""
    h = rich()
    refused(h, errors.NotRelevantError, lambda h: h.withdraw_consent(actor=ACTOR, on=LATER, consent_id="c2"))
    assert h.consents["c2"].in_force_on(LATER)


def test_a_legal_basis_other_than_consent_needs_a_reference() -> None:
    """A legal basis without a legal reference is refused."""
    refused(with_intake(), errors.InvalidInputError, lambda h: h.grant_consent(
        actor=ACTOR, on=DAY, consent_id="c3", basis="legal_obligation", member_id=None,
        organisations=["ggd"], data_categories=["finances"], purpose="coordination", valid_from=DAY))


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


# ---------------------------------------------------------------------- costs
def cost(kind: str, start: date, end: date, amount: str = "100.00") -> Callable[[Household], Any]:
    return lambda h: h.record_cost(
        actor=ACTOR, on=DAY, cost_id="k2", kind=kind, stream="income_support", amount_eur=amount,
        period_start=start, period_end=end, description=Personal(COST_TEXT))


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


def test_a_goal_cannot_be_revised_before_it_was_set() -> None:
    """A goal revision dated before the goal was set is refused."""
    h = with_intake()
    h.set_plan_goal(actor=ACTOR, on=DAY + timedelta(days=5), goal_id="g1", life_domain="finances",
                    description=Personal("Doel"))
    refused(h, errors.InvalidPeriodError, lambda x: x.revise_plan_goal(
        actor=ACTOR, on=DAY + timedelta(days=4), goal_id="g1", target_date=DAY + timedelta(days=90)))


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
