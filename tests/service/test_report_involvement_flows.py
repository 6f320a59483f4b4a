"""Issue 15's involvement figures at two times, on SQLite and PostgreSQL: newly engaged and left (by reason),
distinct organisations, agencies already involved at the referral, volunteers who made professional help
unnecessary. As of a date before and after an end; as known before an end recorded late; live == replay.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from conftest import FixedClock, Store
from ledger.reports.disclosure import finish
from ledger.reports.facts_as_of import facts_as_of
from ledger.reports.figures import compute
from ledger.reports.reference import reference_figures
from test_report_two_times import NOW, Pilot, report

d = date
GGZ = {"kind": "professional", "organisation": "ggz-regio", "discipline": "mental_health_care"}
DEBTS = {"kind": "professional", "organisation": "schuldhulp-zuid", "discipline": "debt_counselling"}
BUDDY = {"kind": "volunteer", "organisation": "humanitas", "discipline": "buddy"}


@pytest.fixture
def now_clock() -> FixedClock:
    clock = FixedClock()
    clock.set(NOW)
    return clock


def pilot(ledger: Any) -> tuple[Pilot, str]:
    """H1, referred 2012-03-01 with GGZ there since 2011; a debt counsellor and a buddy come after the intake."""
    p = Pilot(ledger)
    p.refer("H1", d(2012, 3, 1))
    ggz = p("H1", d(2011, 6, 1), "start_involvement", already_involved=True, **GGZ)
    p("H1", d(2012, 3, 12), "record_intake", domains_discussed=["finances"])
    p("H1", d(2012, 3, 14), "assign_case_director", user_id="u-dir1", organisation="gemeente-testdorp")
    p("H1", d(2012, 4, 1), "start_involvement", **BUDDY)
    p("H1", d(2012, 5, 1), "start_involvement", **DEBTS)
    return p, ggz


def involvement(ledger: Any, **kwargs: Any) -> dict[str, Any]:
    return report(ledger, **kwargs)["involvement"]


def test_flows_as_of_before_and_after_an_end_because_volunteers_took_over(store: Store, now_clock: FixedClock) -> None:
    ledger = store.make_ledger(clock=now_clock, report_min_cell=1)
    p, ggz = pilot(ledger)
    p("H1", d(2012, 9, 1), "end_involvement", involvement_id=ggz, reason="volunteers_took_over")
    before = involvement(ledger, as_of=d(2012, 6, 30))
    pro, vol = before["professionals"], before["volunteers"]
    assert (pro["at_start"], pro["engaged"], pro["left"], pro["already_involved"]) == (1, 1, 0, 1)
    assert (vol["at_start"], vol["engaged"], vol["left"]) == (0, 1, 0)
    assert before["organisations"] == {"at_start": 1, "at_report_date": 3, "ever": 3}
    assert (before["households_with_already_involved"], before["households_volunteers_took_over"]) == (1, 0)
    after = involvement(ledger, as_of=d(2012, 12, 31))
    pro = after["professionals"]
    assert (pro["at_start"], pro["engaged"], pro["left"], pro["at_report_date"]) == (1, 1, 1, 1)
    assert pro["at_start"] + pro["engaged"] - pro["left"] == pro["at_report_date"]
    assert pro["left_by_reason"]["volunteers_took_over"] == 1 and sum(pro["left_by_reason"].values()) == 1
    assert after["organisations"] == {"at_start": 1, "at_report_date": 2, "ever": 3}
    assert after["households_volunteers_took_over"] == 1


def test_an_end_recorded_late_counts_only_as_known_after_it(store: Store, now_clock: FixedClock) -> None:
    ledger = store.make_ledger(clock=now_clock, report_min_cell=1)
    p, ggz = pilot(ledger)
    known_before = p.position()
    now_clock.set(NOW + timedelta(days=1))
    p("H1", d(2012, 9, 1), "end_involvement", involvement_id=ggz, reason="volunteers_took_over")
    then = involvement(ledger, as_of=d(2012, 12, 31), known_at=known_before)
    now = involvement(ledger, as_of=d(2012, 12, 31))
    assert (then["professionals"]["left"], then["households_volunteers_took_over"]) == (0, 0)
    assert (now["professionals"]["left"], now["households_volunteers_took_over"]) == (1, 1)
    report(ledger)  # the views at the head
    for as_of in (d(2011, 12, 31), d(2012, 3, 1), d(2012, 6, 30), d(2012, 12, 31)):
        for known_at in (known_before, p.position()):
            with ledger.views.engine.connect() as conn:
                live = compute(conn, facts_as_of(as_of, known_at), None, as_of, as_of)
            live.pop("_last_position")
            assert finish(live) == reference_figures(ledger.app, as_of=as_of, known_at=known_at), (as_of, known_at)
