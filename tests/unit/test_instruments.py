"""Measurement instruments as data (issue 15): each instrument's scale and domains, one canonical list of life domains.

The aggregate's rules for a measurement (no storage), the registry's declarations, the
evaluation's per-instrument counting rule, plan goals in every canonical life domain, and
how goals and measurements stored by release 68bd1b4 read (tests/stored_payloads_r15.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any
from uuid import uuid4

import pytest
import stored_payloads_r15 as r15
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, Mapper, StoredEvent, UUIDAsHex
from household_builders import ACTOR, DAY, GOAL_TEXT, accepted, refused, with_intake

from ledger.aggregates import Household, Personal, errors
from ledger.aggregates.instruments import INSTRUMENTS, ZRM_INSTRUMENTS
from ledger.aggregates.retention import recorded_categories
from ledger.aggregates.vocabulary import LIFE_DOMAIN_CATEGORY, DataCategory, LifeDomain
from ledger.aggregates.zrm import INSTRUMENTS as ZRM_ONLY
from ledger.aggregates.zrm import MAX_SCORE, MIN_SCORE
from ledger.privacy.sealing import register_transcodings
from ledger.reports.figures import _zrm

SCALES = {"2013": (1, 5), "2017": (1, 5), "ladder": (1, 6), "satisfaction_5": (1, 5), "satisfaction_10": (1, 10),
          "life_score": (0, 10)}
ONE_DOMAIN = {"ladder": "participation", "satisfaction_5": "satisfaction", "satisfaction_10": "satisfaction",
              "life_score": "life_score"}


def record(instrument: str, scores: dict[str, Any], measurement_id: str = "z1") -> Callable[[Household], Any]:
    return lambda h: h.record_measurement(actor=ACTOR, on=DAY, measurement_id=measurement_id, instrument=instrument,
                                          moment="intake", scores=scores)


def a_domain(instrument: str) -> str:
    return ONE_DOMAIN.get(instrument, "finances")


# ------------------------------------------------------------------ the registry
def test_every_instrument_declares_its_scale_domains_labels_and_direction() -> None:
    """Six instruments; each a scale, Dutch and English labels per domain, and higher is better for all."""
    assert {code: (i.min_score, i.max_score) for code, i in INSTRUMENTS.items()} == SCALES
    for i in INSTRUMENTS.values():
        assert i.domains and i.nl and i.en and i.higher_is_better
        for code in i.order():
            d = i.domain(code)
            assert d.nl and d.en and (d.life_domain is None or d.life_domain in LifeDomain)
        assert len(i.code) <= 16  # the views store it in 16 characters


def test_the_zrm_names_stay_importable_and_hold_only_the_zrm() -> None:
    """``ledger.aggregates.zrm`` still offers INSTRUMENTS (the two ZRM versions) and the 1-5 scale."""
    assert set(ZRM_ONLY) == set(ZRM_INSTRUMENTS) == {"2013", "2017"}
    assert (MIN_SCORE, MAX_SCORE) == (1, 5)
    assert set(INSTRUMENTS["2017"].supplements) == {"parenting"}


def test_each_instrument_domain_maps_onto_the_canonical_life_domains() -> None:
    """ZRM 2013 daytime activities and 2017 time use are one life domain; ADL likewise; satisfaction is none."""
    life = {code: {d: i.domain(d).life_domain for d in i.order()} for code, i in INSTRUMENTS.items()}
    assert life["2013"]["daytime_activities"] is life["2017"]["time_use"] is LifeDomain.DAYTIME_ACTIVITIES
    assert life["2013"]["adl"] is life["2017"]["basic_adl"] is life["2017"]["instrumental_adl"] is LifeDomain.ADL
    assert life["2013"]["social_participation"] is LifeDomain.SOCIAL_PARTICIPATION
    assert life["ladder"]["participation"] is LifeDomain.SOCIAL_PARTICIPATION
    assert life["satisfaction_10"]["satisfaction"] is None and life["life_score"]["life_score"] is None
    assert set(LifeDomain) - {LifeDomain.UNSPECIFIED} <= {v for m in life.values() for v in m.values()}


# ------------------------------------------------------------- recording rules
@pytest.mark.parametrize("instrument", SCALES)
def test_scores_on_the_bounds_of_each_scale_are_recorded(instrument: str) -> None:
    """The lowest and the highest score of an instrument's own scale are both valid."""
    low, high = SCALES[instrument]
    h = with_intake()
    accepted(h, record(instrument, {a_domain(instrument): low}, "z1"))
    accepted(h, record(instrument, {a_domain(instrument): high}, "z2"))
    assert h.zrm["z1"].instrument == instrument and h.zrm["z2"].scores == {a_domain(instrument): high}


@pytest.mark.parametrize("instrument", SCALES)
@pytest.mark.parametrize("off", [-1, +1])
def test_a_score_just_outside_the_scale_is_refused(instrument: str, off: int) -> None:
    """One below the minimum or above the maximum of the instrument's scale is refused (422)."""
    low, high = SCALES[instrument]
    refused(with_intake(), errors.ZrmScoreOutOfRangeError,
            record(instrument, {a_domain(instrument): low - 1 if off < 0 else high + 1}))


@pytest.mark.parametrize("score", [True, "7", 7.0, None])
def test_a_score_is_a_whole_number(score: Any) -> None:
    refused(with_intake(), errors.ZrmScoreOutOfRangeError, record("satisfaction_10", {"satisfaction": score}))


@pytest.mark.parametrize(("instrument", "domain"), [
    ("ladder", "finances"), ("satisfaction_5", "participation"), ("life_score", "satisfaction"),
    ("2013", "time_use"), ("2017", "adl"), ("2013", "parenting"), ("ladder", "nonsense"),
])
def test_a_domain_the_instrument_lacks_is_refused(instrument: str, domain: str) -> None:
    """A score is valid only for a domain its own instrument has."""
    refused(with_intake(), errors.UnknownZrmDomainError, record(instrument, {domain: 3}))


@pytest.mark.parametrize("instrument", ["", "zrm", "satisfaction", "ladder-2", "2020"])
def test_an_unknown_instrument_is_refused(instrument: str) -> None:
    refused(with_intake(), errors.UnknownZrmDomainError, record(instrument, {"finances": 3}))


@pytest.mark.parametrize("instrument", ["ladder", "satisfaction_5", "life_score"])
def test_the_zrm_command_takes_only_the_zrm(instrument: str) -> None:
    """``record_zrm_measurement`` keeps its promise: only ZRM 2013 or 2017; others go through ``record_measurement``."""
    refused(with_intake(), errors.UnknownZrmDomainError,
            lambda h: h.measure_zrm(actor=ACTOR, on=DAY, measurement_id="z1", instrument=instrument,
                                    moment="intake", scores={a_domain(instrument): 3}))


def test_a_measurement_needs_the_intake_first() -> None:
    from household_builders import referred
    refused(referred(), errors.IntakeRequiredError, record("ladder", {"participation": 2}))


# ---------------------------------------------------- the evaluation's counting
def row(household: str, instrument: str, domain: str, moment: str, score: int, day: int, position: int) -> Any:
    return SimpleNamespace(household_id=household, instrument=instrument, domain=domain, member_id=None,
                           moment=moment, score=score, measured_on=date(2024, 1, day), position=position)


def test_measurements_are_never_compared_across_instruments_or_versions() -> None:
    """An intake in one instrument and a later measurement in another make no comparison, even in one life domain."""
    rows = [
        row("h1", "2013", "daytime_activities", "intake", 2, 1, 1),
        row("h1", "2017", "time_use", "interim", 4, 2, 2),  # same life domain, other version: not compared
        row("h2", "satisfaction_5", "satisfaction", "intake", 2, 1, 3),
        row("h2", "satisfaction_10", "satisfaction", "final", 9, 3, 4),  # same domain code, other scale
    ]
    z = _zrm(rows)
    for instrument, domain in (("2013", "daytime_activities"), ("2017", "time_use"),
                               ("satisfaction_5", "satisfaction")):
        d = z["instruments"].get(instrument, {"domains": {}})["domains"].get(domain)
        assert d is None or d["compared"] == 0
    assert "satisfaction_10" not in z["instruments"]  # no intake in it: nothing to compare against
    assert z["households_with_two_instruments"] == 1  # h1: both ZRM versions; h2's two scales are no ZRM


@pytest.mark.parametrize(("first", "later", "step"), [(1, 6, "up"), (4, 4, "same"), (5, 2, "down")])
def test_a_change_is_counted_by_the_instrument_direction_on_its_own_scale(first: int, later: int, step: str) -> None:
    """Participation ladder 1-6: a higher step later is up; the distribution runs over the instrument's scale."""
    z = _zrm([row("h1", "ladder", "participation", "intake", first, 1, 1),
              row("h1", "ladder", "participation", "interim", later, 2, 2)])
    d = z["instruments"]["ladder"]["domains"]["participation"]
    assert {k: d[k] for k in ("compared", "up", "same", "down")} == {
        "compared": 1, **{k: int(k == step) for k in ("up", "same", "down")}}
    assert list(d["latest_scores"]) == ["1", "2", "3", "4", "5", "6"] and "intake_at_most_3" not in d


def test_the_life_score_scale_starts_at_zero() -> None:
    z = _zrm([row("h1", "life_score", "life_score", "intake", 0, 1, 1)])
    d = z["instruments"]["life_score"]["domains"]["life_score"]
    assert list(d["intake_scores"]) == [str(s) for s in range(11)] and d["intake_scores"]["0"] == 1


def test_instruments_are_listed_in_the_registry_order() -> None:
    rows = [row("h1", code, a_domain(code), "intake", 3, 1, n) for n, code in enumerate(reversed(SCALES))]
    assert list(_zrm(rows)["instruments"]) == list(SCALES)


# ------------------------------------------------------------------ plan goals
@pytest.mark.parametrize("domain", [d.value for d in LifeDomain if d is not LifeDomain.UNSPECIFIED])
def test_a_goal_can_be_set_in_every_canonical_life_domain(domain: str) -> None:
    """Daytime activities, social participation and ADL included (before, only data-category codes)."""
    h = with_intake()
    accepted(h, lambda h: h.set_plan_goal(actor=ACTOR, on=DAY, goal_id="g1", life_domain=domain,
                                          description=Personal(GOAL_TEXT)))
    assert h.goals["g1"].life_domain is LifeDomain(domain)
    accepted(h, lambda h: h.revise_plan_goal(actor=ACTOR, on=DAY, goal_id="g1", target_date=date(2024, 12, 1)))
    assert h.goals["g1"].life_domain is LifeDomain(domain)


@pytest.mark.parametrize("domain", ["unspecified", "plan", "identity", "zrm", "costs", "time_use", "nonsense"])
def test_a_goal_outside_the_canonical_life_domains_is_refused(domain: str) -> None:
    """Codes that are no life domain (data categories such as plan or identity, instrument codes) are refused."""
    refused(with_intake(), errors.InvalidInputError,
            lambda h: h.set_plan_goal(actor=ACTOR, on=DAY, goal_id="g1", life_domain=domain,
                                      description=Personal(GOAL_TEXT)))


@pytest.mark.parametrize(("domain", "category"), [
    ("adl", DataCategory.PHYSICAL_HEALTH), ("daytime_activities", DataCategory.WORK_AND_EDUCATION),
    ("social_participation", DataCategory.SOCIAL_NETWORK), ("mental_health", DataCategory.MENTAL_HEALTH),
])
def test_a_goal_in_a_new_life_domain_holds_data_of_its_category(domain: str, category: DataCategory) -> None:
    """Retention and the privacy officer see the goal's category: an ADL goal is health data, never none."""
    h = with_intake()
    h.set_plan_goal(actor=ACTOR, on=DAY, goal_id="g1", life_domain=domain, description=Personal(GOAL_TEXT))
    assert category in recorded_categories(h)
    assert LIFE_DOMAIN_CATEGORY[LifeDomain(domain)] is category


def test_every_life_domain_has_a_data_category() -> None:
    assert set(LIFE_DOMAIN_CATEGORY) == set(LifeDomain)
    shared = {d for d in LifeDomain if d.value in {c.value for c in DataCategory}}
    assert all(LIFE_DOMAIN_CATEGORY[d].value == d.value for d in shared)


# -------------------------------------------------- what release 68bd1b4 stored
def decoded(name: str, version: int, payload: bytes) -> Any:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    register_transcodings(transcoder)
    return Mapper(transcoder=transcoder).to_domain_event(StoredEvent(
        originator_id=uuid4(), originator_version=version, topic=r15.TOPIC.format(name), state=payload))


def test_an_old_goal_in_a_life_domain_category_reads_as_that_life_domain() -> None:
    goal = decoded("PlanGoalSet", 5, r15.PLAN_GOAL_SET_IN_A_LIFE_DOMAIN).goal
    assert goal.life_domain is LifeDomain.MENTAL_HEALTH


def test_an_old_goal_in_a_category_that_is_no_life_domain_reads_as_unspecified() -> None:
    """A goal stored with ``plan`` (a data category, no life domain) replays, as ``unspecified``."""
    assert decoded("PlanGoalSet", 4, r15.PLAN_GOAL_SET_IN_A_CATEGORY).goal.life_domain is LifeDomain.UNSPECIFIED
    revised = decoded("PlanGoalRevised", 6, r15.PLAN_GOAL_REVISED_IN_A_CATEGORY).goal
    assert revised.life_domain is LifeDomain.UNSPECIFIED and revised.revisions == 1


def test_an_old_zrm_measurement_reads_unchanged() -> None:
    """``ZrmMeasured`` keeps its shape (and class version): the instrument field only gained codes."""
    m = decoded("ZrmMeasured", 3, r15.ZRM_MEASURED_2013).measurement
    assert (m.instrument, m.scores) == ("2013", {"daytime_activities": 2, "adl": 4})
    assert getattr(Household.ZrmMeasured, "class_version", 1) == 1
