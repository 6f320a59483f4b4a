"""The integral intake and ZRM measurements: plan work waits for the intake; scores on the instrument's domains.

The household aggregate's rules, one domain error at a time (no storage).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from household_builders import ACTOR, DAY, GOAL_TEXT, PLAN_WORK_BEFORE_INTAKE, accepted, referred, refused, with_intake

from ledger.aggregates import INSTRUMENTS, Household, NetworkContact, Personal, errors


# -------------------------------------------------------------------- intake
@pytest.mark.parametrize("command", PLAN_WORK_BEFORE_INTAKE.values(), ids=PLAN_WORK_BEFORE_INTAKE.keys())
def test_plan_work_needs_an_integral_intake_first(command: Callable[[Household], Any]) -> None:
    """Goals, actions, ZRM measurements, evaluations and the plan meeting wait for the intake."""
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


# ------------------------------------------------------- the network now (issue 15)
def _network(on: Any = DAY, *contacts: NetworkContact) -> Callable[[Household], Any]:
    return lambda h: h.record_network(actor=ACTOR, on=on, contacts=list(contacts))


def test_the_network_is_recorded_again_after_the_intake_and_the_intakes_stays() -> None:
    """NetworkRecorded holds the network as it is on its day; the intake's eco-map is not rewritten."""
    h = with_intake()
    accepted(h, _network(DAY, NetworkContact("friend", None, False), NetworkContact("grandmother", Personal("G"))))
    assert h.network is not None and h.network.on == DAY
    assert [(c.relation, c.supportive) for c in h.network.contacts] == [("friend", False), ("grandmother", True)]
    assert [c.relation for c in h.intake.network] == ["grandmother"]


def test_an_empty_network_is_recorded_as_empty() -> None:
    h = with_intake()
    accepted(h, _network(DAY))
    assert h.network is not None and h.network.contacts == ()


def test_the_network_is_recorded_again_only_after_an_intake() -> None:
    refused(referred(), errors.IntakeRequiredError, _network(DAY, NetworkContact("friend")))


def test_the_network_is_not_recorded_before_the_intakes_day() -> None:
    h = referred()
    h.hold_intake(actor=ACTOR, on=DAY, domains_discussed=["housing"])
    refused(h, errors.InvalidPeriodError, _network(DAY - timedelta(days=1), NetworkContact("friend")))


@pytest.mark.parametrize("relation", ["buurvrouw", "", "FRIEND"])
def test_a_network_contact_has_a_known_relation(relation: str) -> None:
    """The value object checks the code when it is made: nothing is recorded."""
    refused(with_intake(), errors.InvalidInputError,
            lambda h: h.record_network(actor=ACTOR, on=DAY, contacts=[NetworkContact(relation)]))  # type: ignore[arg-type]  # the code is checked at run time


def test_a_network_holds_at_most_50_contacts() -> None:
    refused(with_intake(), errors.InvalidInputError, _network(DAY, *[NetworkContact("friend")] * 51))
