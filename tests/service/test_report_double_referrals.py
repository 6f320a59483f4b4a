"""Double referrals in the evaluation report (issue 15), on real SQLite and PostgreSQL.

A referral added to a known household counts under its source and makes the household one referred more
than once (and, with another source, by more than one source), from its business date on and as known
from its ledger position on; the live facts equal the reference replay.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from conftest import OPERATOR, FixedClock, Store
from ledger.aggregates import Actor
from ledger.application import NewMember
from ledger.reports import evaluation_report
from ledger.reports.reference import reference_figures

EVALUATOR = Actor("u-eval", "gemeente-testdorp", "evaluator")
NOW = date(2026, 11, 2)
d = date


@pytest.fixture
def now_clock() -> FixedClock:
    clock = FixedClock()
    clock.set(NOW)
    return clock


def pilot(ledger: Any) -> dict[str, tuple[Any, int]]:
    """Three households of 2012: P1 referred again by the school attendance officer (2012-05-07), P2 twice by
    the Wmo desk, P3 once."""
    out = {}
    for key, on in (("P1", d(2012, 3, 1)), ("P2", d(2012, 3, 5)), ("P3", d(2012, 4, 2))):
        out[key] = ledger.app.refer_household(OPERATOR, sources=["wmo_desk"], on=on,
                                              members=[NewMember("adult", f"Persoon {key}")])
    hid, v = out["P1"]
    out["P1"] = hid, ledger.app.add_referral(OPERATOR, hid, expected_version=v, sources=["school_attendance_officer"],
                                             on=d(2012, 5, 7))
    hid, v = out["P2"]
    out["P2"] = hid, ledger.app.add_referral(OPERATOR, hid, expected_version=v, sources=["wmo_desk"], on=d(2012, 6, 1))
    return out


def referrals(ledger: Any, **kwargs: Any) -> dict[str, Any]:
    r = evaluation_report(ledger, EVALUATOR, from_=d(2012, 1, 1), **kwargs)
    return r["referrals"]


def test_added_referrals_count_by_source_and_as_double_referrals(store: Store, now_clock: FixedClock) -> None:
    ledger = store.make_ledger(clock=now_clock, report_min_cell=1)
    pilot(ledger)
    ref = referrals(ledger, as_of=d(2012, 12, 31))
    assert ref["households"] == 3 and ref["referrals"] == 5
    assert (ref["referred_once"], ref["referred_more_than_once"]) == (1, 2)
    assert ref["by_source"]["wmo_desk"] == 3 and ref["by_source"]["school_attendance_officer"] == 1
    assert ref["multiple_sources"] == 1  # P1: the Wmo desk, later the attendance officer; P2 the same source twice
    assert ref["source_combinations"] == {"school_attendance_officer+wmo_desk": 1}


def test_a_referral_added_after_the_as_of_date_does_not_count(store: Store, now_clock: FixedClock) -> None:
    ledger = store.make_ledger(clock=now_clock, report_min_cell=1)
    pilot(ledger)
    ref = referrals(ledger, as_of=d(2012, 5, 31))  # P2's second referral is dated 2012-06-01
    assert (ref["referrals"], ref["referred_more_than_once"], ref["multiple_sources"]) == (4, 1, 1)
    ref = referrals(ledger, as_of=d(2012, 4, 30))  # neither added referral yet
    assert (ref["referrals"], ref["referred_more_than_once"], ref["by_source"]["school_attendance_officer"]) == (3, 0, 0)


def test_a_referral_recorded_after_known_at_does_not_count(store: Store, now_clock: FixedClock) -> None:
    """Dated in 2012 but recorded later: the report as known before it leaves it out."""
    ledger = store.make_ledger(clock=now_clock, report_min_cell=1)
    households = pilot(ledger)
    before = int(ledger.chain.head()[0])
    now_clock.set(NOW + timedelta(days=1))
    hid, v = households["P3"]
    ledger.app.add_referral(OPERATOR, hid, expected_version=v, sources=["police"], on=d(2012, 7, 2))
    then = referrals(ledger, as_of=d(2012, 12, 31), known_at=before)
    now = referrals(ledger, as_of=d(2012, 12, 31))
    assert (then["referrals"], then["referred_more_than_once"], then["by_source"]["police"]) == (5, 2, 0)
    assert (now["referrals"], now["referred_more_than_once"], now["by_source"]["police"]) == (6, 3, 1)
    head = int(ledger.chain.head()[0])
    for as_of, known_at in ((d(2012, 12, 31), before), (d(2012, 5, 31), head), (d(2012, 12, 31), head)):
        want = reference_figures(ledger.app, as_of=as_of, known_at=known_at, from_=d(2012, 1, 1))["referrals"]
        assert referrals(ledger, as_of=as_of, known_at=known_at) == want
