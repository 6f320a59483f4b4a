"""The report's funnel as the pilots counted it (issue 15; DOMAIN.md, "How a pilot counts").

referred -> orientation talks (with the household, or with the professionals only) -> coordination decided ->
integral intake -> plan meeting scheduled -> plan made -> first interim evaluation. A migrated pilot on SQLite and
PostgreSQL: coordination decided after orientation only, an intake only for the coordinated, each step in business
time (as_of) and in knowledge time (known_at), and the same figures from the reference replay.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from conftest import FixedClock, Store
from ledger.reports.reference import reference_figures
from test_report_two_times import NOW, Pilot, report

d = date
FUNNEL = ("referred", "orientation_talk_held", "orientation_with_household", "orientation_professionals_only",
          "coordination_decided", "intake_held", "plan_scheduled", "plan_made", "interim_evaluation_held")


def funnel(r: dict[str, Any]) -> tuple[int, ...]:
    return tuple(r["phases"][k] for k in FUNNEL)


@pytest.fixture
def now_clock() -> FixedClock:
    clock = FixedClock()
    clock.set(NOW)
    return clock


def woerden(ledger: Any) -> Pilot:
    """Four households: A talked with the household, got coordination, an intake, a plan meeting and a plan;
    B talked with the professionals only and got no coordination (no intake); C talked both ways and got
    coordination and an intake, its plan meeting scheduled; D was only referred."""
    p = Pilot(ledger)
    for key in "ABCD":
        p.refer(key, d(2012, 9, 3))
    p("A", d(2012, 9, 10), "hold_orientation_talk", held_with="household")
    p("A", d(2012, 9, 17), "decide_coordination", outcome="broker_coordinates")
    p("A", d(2012, 9, 24), "record_intake", domains_discussed=["finances"])
    p("A", d(2012, 10, 1), "schedule_plan_meeting", scheduled_for=d(2012, 10, 15))
    p("A", d(2012, 10, 15), "set_plan_goal", life_domain="finances", description="Schulden")
    p("B", d(2012, 9, 12), "hold_orientation_talk", held_with="professionals", notes="Overleg met de school")
    p("B", d(2012, 9, 19), "decide_coordination", outcome="stays_with_partners")
    p("C", d(2012, 9, 11), "hold_orientation_talk", held_with="professionals")
    p("C", d(2012, 9, 14), "hold_orientation_talk", held_with="household")
    p("C", d(2012, 9, 20), "decide_coordination", outcome="broker_coordinates")
    p("C", d(2012, 10, 2), "record_intake", domains_discussed=["housing"])
    p("C", d(2012, 10, 20), "schedule_plan_meeting", scheduled_for=d(2012, 11, 5))
    return p


def test_the_funnel_counts_each_step_as_the_pilots_did(store: Store, now_clock: FixedClock) -> None:
    """Coordination decided for 3 of 4 (B after talking with the professionals only), intake for 2, both with a
    plan meeting scheduled, one plan made."""
    ledger = store.make_ledger(clock=now_clock, report_min_cell=1)
    woerden(ledger)
    r = report(ledger, as_of=d(2012, 12, 31))
    assert funnel(r) == (4, 3, 2, 1, 3, 2, 2, 1, 0)
    assert r["phases"]["coordination_decided"] == r["coordination"]["decided"]


def test_the_funnel_in_business_time(store: Store, now_clock: FixedClock) -> None:
    """As of a day before a talk the talk does not count; as of its day it does. A meeting counts from the day it
    was scheduled, not from the day it is for."""
    ledger = store.make_ledger(clock=now_clock, report_min_cell=1)
    woerden(ledger)
    assert funnel(report(ledger, as_of=d(2012, 9, 10)))[:4] == (4, 1, 1, 0)  # A's talk, on its day
    assert funnel(report(ledger, as_of=d(2012, 9, 11)))[:4] == (4, 2, 1, 1)  # C with the professionals (so far)
    assert funnel(report(ledger, as_of=d(2012, 9, 14)))[:4] == (4, 3, 2, 1)  # B; C now with the household too
    assert report(ledger, as_of=d(2012, 9, 30))["phases"]["plan_scheduled"] == 0
    assert report(ledger, as_of=d(2012, 10, 1))["phases"]["plan_scheduled"] == 1  # A: scheduled for 10-15
    assert report(ledger, as_of=d(2012, 10, 20))["phases"]["plan_scheduled"] == 2


def test_a_talk_recorded_late_counts_only_as_known_after_it(store: Store, now_clock: FixedClock) -> None:
    """D's talk, dated 2012-09-05 but recorded a day later: as known before it D had no talk, as known after it
    D has one, at the same business date; the reference replay agrees at both positions."""
    ledger = store.make_ledger(clock=now_clock, report_min_cell=1)
    p = woerden(ledger)
    before = p.position()
    now_clock.set(NOW + timedelta(days=1))
    p("D", d(2012, 9, 5), "hold_orientation_talk", held_with="household")
    after = p.position()
    as_of = d(2012, 12, 31)
    then, now = report(ledger, as_of=as_of, known_at=before), report(ledger, as_of=as_of, known_at=after)
    assert (then["phases"]["orientation_talk_held"], now["phases"]["orientation_talk_held"]) == (3, 4)
    assert (then["phases"]["orientation_with_household"], now["phases"]["orientation_with_household"]) == (2, 3)
    for known in (before, after):
        want = reference_figures(ledger.app, as_of=as_of, known_at=known)
        assert report(ledger, as_of=as_of, known_at=known)["phases"] == want["phases"]
    assert report(ledger, as_of=d(2012, 9, 4))["phases"]["orientation_talk_held"] == 0  # before every talk


def test_small_funnel_cells_are_withheld_with_their_complement(store: Store, now_clock: FixedClock) -> None:
    """With a minimum cell of 2, the single household that talked with the professionals only is withheld, and
    the households with a talk and those with a talk with the household (which sum to them) cannot both be shown:
    the difference would give it away."""
    ledger = store.make_ledger(clock=now_clock, report_min_cell=2)
    woerden(ledger)
    phases = report(ledger, as_of=d(2012, 12, 31), min_cell=2)["phases"]
    assert phases["orientation_professionals_only"] == "<2", phases
    assert "x" in (phases["orientation_talk_held"], phases["orientation_with_household"]), phases
