"""The evaluation report at a business date (as_of) as known at a ledger position (known_at), from facts.

Issue 14, items 1-2: a migrated history answers as of its own dates; a fact recorded late with an earlier date
counts only as known after it was recorded; reopen and erasure follow the business dates; the report from the
live bitemporal facts equals the figures :func:`compute` reads from the reference replay (events with
``position <= known_at`` and ``on <= as_of``, in position order); an empty basis says why.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from conftest import OPERATOR, FixedClock, Store
from ledger.aggregates import Actor, errors
from ledger.application import NewMember
from ledger.projections.knowledge import parse_known_at
from ledger.reports import evaluation_report
from ledger.reports.disclosure import finish
from ledger.reports.facts_as_of import facts_as_of
from ledger.reports.figures import compute
from ledger.reports.reference import reference_figures

EVALUATOR = Actor("u-eval", "gemeente-testdorp", "evaluator")
GEMEENTE = "gemeente-testdorp"
NOW = date(2026, 11, 2)  # the migration runs today; the pilot's business dates are 2012-2013
d = date


class Pilot:
    """Households recorded now with the business dates of their past (``on=``), as a migration does."""

    def __init__(self, ledger: Any) -> None:
        self.ledger, self.app = ledger, ledger.app
        self.ids: dict[str, Any] = {}
        self.version: dict[str, int] = {}

    def refer(self, key: str, on: date) -> None:
        self.ids[key], self.version[key] = self.app.refer_household(
            OPERATOR, sources=["wmo_desk"], members=[NewMember("adult", f"Persoon {key}")], on=on)

    def __call__(self, key: str, on: date, command: str, **kwargs: Any) -> Any:
        result = getattr(self.app, command)(OPERATOR, self.ids[key], expected_version=self.version[key], on=on,
                                            **kwargs)
        if isinstance(result, tuple):
            item, self.version[key] = result
            return item
        self.version[key] = result
        return None

    def position(self) -> int:
        return int(self.ledger.chain.head()[0])


def migrated(ledger: Any) -> Pilot:
    """Three pilot households, 2012-2013: P1 closed in 2013, P2 open, P3 referred in 2013."""
    p = Pilot(ledger)
    p.refer("P1", d(2012, 3, 1))
    p("P1", d(2012, 3, 12), "record_intake", domains_discussed=["finances"])
    p("P1", d(2012, 3, 12), "record_zrm_measurement", instrument="2013", moment="intake", scores={"finances": 2})
    p("P1", d(2012, 3, 14), "assign_case_director", user_id="u-dir1", organisation=GEMEENTE)
    goal = p("P1", d(2012, 4, 2), "set_plan_goal", life_domain="finances", description="Schulden")
    p("P1", d(2012, 4, 2), "add_plan_action", goal_id=goal, description="x", performer_kind="self",
      due_on=d(2012, 6, 1))
    p("P1", d(2012, 9, 3), "record_zrm_measurement", instrument="2013", moment="interim", scores={"finances": 4})
    p("P1", d(2013, 5, 31), "close_case", reason="goals_achieved")
    p.refer("P2", d(2012, 6, 4))
    p("P2", d(2012, 6, 11), "record_intake", domains_discussed=["housing"])
    p("P2", d(2012, 6, 11), "assign_case_director", user_id="u-dir1", organisation=GEMEENTE)
    p.refer("P3", d(2013, 2, 4))
    return p


@pytest.fixture
def now_clock() -> FixedClock:
    clock = FixedClock()
    clock.set(NOW)
    return clock


def report(ledger: Any, **kwargs: Any) -> dict[str, Any]:
    return evaluation_report(ledger, EVALUATOR, from_=d(2012, 1, 1), **kwargs)


def test_a_migrated_pilot_answers_as_of_its_own_dates(store: Store, now_clock: FixedClock) -> None:
    """Recorded in 2026 with 2012-2013 dates: as of 2013-01-31 the report holds the pilot's state on that day."""
    ledger = store.make_ledger(clock=now_clock, report_min_cell=1)
    migrated(ledger)
    r = report(ledger, as_of=d(2013, 1, 31))
    assert r["empty_basis"] is None
    assert r["as_of"] == "2013-01-31"
    assert r["basis"]["households"] == 2  # P3 was referred after the as-of date
    assert r["phases"] == {"referred": 2, "orientation_talk_held": 0, "orientation_with_household": 0,
                           "orientation_professionals_only": 0, "coordination_decided": 0, "intake_held": 2,
                           "plan_scheduled": 0, "plan_made": 1, "interim_evaluation_held": 0, "closed": 0,
                           "dropped_out": 0, "refused": 0}
    assert r["zrm"]["instruments"]["2013"]["domains"]["finances"]["up"] == 1
    assert r["plan_actions"]["total"]["late"] == 1  # due 2012-06-01, open on 2013-01-31 (not "today")
    assert r["caseloads"]["households"] == 2 and r["caseloads"]["on"] == "2013-01-31"
    later = report(ledger, as_of=d(2013, 6, 30))
    assert later["basis"]["households"] == 3 and later["phases"]["closed"] == 1
    assert later["caseloads"]["households"] == 1  # P1 closed, P3 has no director
    # the difference between the two dates is exactly the facts dated between them
    assert later["basis"]["events"] - r["basis"]["events"] == 2  # P1's closure, P3's referral


def test_a_late_arriving_fact_counts_only_as_known_after_it_was_recorded(store: Store,
                                                                       now_clock: FixedClock) -> None:
    """P3's intake (dated 2013-02-11) recorded a day later: known_at before it leaves it out, by position or time."""
    ledger = store.make_ledger(clock=now_clock, report_min_cell=1)
    p = migrated(ledger)
    before = p.position()
    before_time = now_clock.now
    now_clock.set(NOW + timedelta(days=1))
    p("P3", d(2013, 2, 11), "record_intake", domains_discussed=["finances"])
    as_of = d(2013, 3, 31)
    known_then = report(ledger, as_of=as_of, known_at=before)
    known_now = report(ledger, as_of=as_of)
    assert known_then["phases"]["intake_held"] == 2 and known_now["phases"]["intake_held"] == 3
    assert known_then["known_at"]["position"] <= before < known_now["known_at"]["position"]
    assert known_then["known_at"]["at"] == before_time.isoformat()
    by_time = report(ledger, as_of=as_of, known_at=before_time + timedelta(hours=1))
    assert by_time["phases"] == known_then["phases"] and by_time["known_at"]["at"] == known_then["known_at"]["at"]
    assert by_time["known_at"]["position"] <= before  # the last household event recorded by then
    with pytest.raises(errors.InvalidInputError):
        report(ledger, as_of=as_of, known_at=known_now["ledger"]["position"] + 10)


def test_close_reopen_close_follows_the_business_dates(store: Store, now_clock: FixedClock) -> None:
    """Closed 2013-05-31, reopened 2013-07-01, closed again 2013-09-30: each as-of date sees its own state."""
    ledger = store.make_ledger(clock=now_clock, report_min_cell=1)
    p = migrated(ledger)
    p("P1", d(2013, 7, 1), "reopen_case")
    p("P1", d(2013, 9, 30), "close_case", reason="goals_achieved")
    closed = {day: report(ledger, as_of=day)["phases"]["closed"]
              for day in (d(2013, 6, 15), d(2013, 8, 1), d(2013, 10, 1))}
    assert closed == {d(2013, 6, 15): 1, d(2013, 8, 1): 0, d(2013, 10, 1): 1}


def test_a_second_coordination_decision_leaves_the_first_as_known_before_it(store: Store,
                                                                          now_clock: FixedClock) -> None:
    """Coordination may be decided again (found by the property test): as known before the second decision, the
    first one counts, with its own outcome and date; as known after it, the second (its business date deciding)."""
    ledger = store.make_ledger(clock=now_clock, report_min_cell=1)
    p = migrated(ledger)
    p("P2", d(2012, 6, 20), "decide_coordination", outcome="broker_coordinates")
    first = p.position()
    now_clock.set(NOW + timedelta(days=1))
    p("P2", d(2013, 3, 1), "decide_coordination", outcome="volunteers_deployed")
    as_of = d(2013, 6, 30)
    then, now = report(ledger, as_of=as_of, known_at=first), report(ledger, as_of=as_of)
    assert then["coordination"]["decided"] == 1 and then["coordination"]["by_outcome"]["broker_coordinates"] == 1
    assert now["coordination"]["decided"] == 1 and now["coordination"]["by_outcome"]["broker_coordinates"] == 0
    assert now["coordination"]["by_outcome"]["volunteers_deployed"] == 1
    before_second = report(ledger, as_of=d(2013, 2, 1))  # as known now, dated before the second decision
    assert before_second["coordination"]["by_outcome"]["broker_coordinates"] == 1
    for day, known in ((as_of, first), (as_of, None), (d(2013, 2, 1), None)):
        got = report(ledger, as_of=day, known_at=known)
        want = reference_figures(ledger.app, as_of=day, known_at=known or ledger.chain.digest().position)
        assert got["coordination"] == want["coordination"]


def test_erasure_counts_from_its_own_date(store: Store, now_clock: FixedClock) -> None:
    """Erased on 2013-12-02: as of 2013-11-30 the household is not erased yet, as of 2013-12-31 it is."""
    ledger = store.make_ledger(clock=now_clock, report_min_cell=1)
    p = migrated(ledger)
    p("P2", d(2013, 12, 1), "close_case", reason="household_declined")
    p("P2", d(2013, 12, 2), "erase_household", reason="data_subject_request")
    assert report(ledger, as_of=d(2013, 11, 30))["basis"]["erased_households"] == 0
    assert report(ledger, as_of=d(2013, 12, 31))["basis"]["erased_households"] == 1


def test_an_empty_basis_says_why(store: Store, now_clock: FixedClock) -> None:
    """Nothing dated by the as-of date, or nothing recorded by knownAt: the report says which."""
    ledger = store.make_ledger(clock=now_clock, report_min_cell=1)
    migrated(ledger)
    assert evaluation_report(ledger, EVALUATOR, as_of=d(2011, 12, 31))["empty_basis"] == "no events on or before the as-of date"
    assert report(ledger, as_of=d(2013, 12, 31), known_at=0)["empty_basis"] == "none recorded by knownAt"


def test_facts_equal_the_reference_replay(store: Store, now_clock: FixedClock) -> None:
    """compute over the live facts masked to (as_of, known_at) equals compute over the replay of those events."""
    ledger = store.make_ledger(clock=now_clock, report_min_cell=1)
    p = migrated(ledger)
    middle = p.position()
    now_clock.set(NOW + timedelta(days=1))
    p("P3", d(2013, 2, 11), "record_intake", domains_discussed=["finances"])
    p("P1", d(2013, 7, 1), "reopen_case")
    p("P2", d(2012, 7, 2), "start_involvement", kind="professional", organisation="ggz-regio",
      discipline="mental_health_care")
    p("P2", d(2013, 12, 1), "close_case", reason="household_declined")
    p("P2", d(2013, 12, 2), "erase_household", reason="data_subject_request")
    report(ledger)  # brings the views to the head
    head = p.position()
    runner = ledger.views
    for as_of in (d(2012, 6, 30), d(2013, 3, 31), d(2013, 8, 1), d(2014, 1, 1)):
        for known_at in (middle, head):
            with runner.engine.connect() as conn:
                live = compute(conn, facts_as_of(as_of, known_at), None, as_of, as_of)
            live.pop("_last_position")
            live = finish(live)
            reference = reference_figures(ledger.app, as_of=as_of, known_at=known_at)
            assert live == reference, (as_of, known_at)
            # and the report itself (stamps aside) says the same
            r = report(ledger, as_of=as_of, known_at=known_at)
            assert {k: r[k] for k in reference} == reference, (as_of, known_at)


def test_knownat_parses_a_position_or_a_moment_with_offset() -> None:
    """Digits are a position; RFC 3339 with an offset a moment; anything else is refused."""
    assert parse_known_at("42") == 42
    assert parse_known_at("2013-05-01T00:00:00Z") == datetime(2013, 5, 1, tzinfo=UTC)
    for bad in ("2013-05-01T00:00:00", "yesterday", "-3"):
        with pytest.raises(errors.InvalidInputError):
            parse_known_at(bad)


def test_a_reopen_during_aftercare_moves_its_end_only_as_known_after_it(store: Store, now_clock: FixedClock) -> None:
    """Aftercare to 2013-06-30, reopened on 2013-06-15: as known before the reopen, on 2013-07-15 P4 is closed."""
    ledger = store.make_ledger(clock=now_clock, report_min_cell=1)
    p = migrated(ledger)
    p.refer("P4", d(2013, 1, 7))
    p("P4", d(2013, 1, 14), "record_intake", domains_discussed=["finances"])
    p("P4", d(2013, 1, 14), "assign_case_director", user_id="u-dir2", organisation=GEMEENTE)
    p("P4", d(2013, 5, 31), "close_case", reason="goals_achieved", aftercare_until=d(2013, 6, 30))
    before_reopen = p.position()
    p("P4", d(2013, 6, 15), "reopen_case")
    head = report(ledger)["known_at"]["position"]  # the views at the head
    cases = {(d(2013, 6, 10), head): 2, (d(2013, 7, 15), before_reopen): 1, (d(2013, 7, 15), head): 2,
             (d(2013, 6, 20), before_reopen): 2}  # P2 always; P4 in aftercare, closed after it, or reopened
    for (as_of, known_at), expected in cases.items():
        r = report(ledger, as_of=as_of, known_at=known_at)
        reference = reference_figures(ledger.app, as_of=as_of, known_at=known_at)
        assert (r["caseloads"]["households"], reference["caseloads"]["households"]) == (expected, expected), (
            as_of, known_at)


def test_an_action_dated_before_its_goal_replays_as_of_a_day_between(store: Store, now_clock: FixedClock) -> None:
    """A goal set on 2012-07-02 with an action backdated to 2012-06-20: as of 2012-06-25 the replay equals the facts."""
    ledger = store.make_ledger(clock=now_clock, report_min_cell=1)
    p = migrated(ledger)
    goal = p("P2", d(2012, 7, 2), "set_plan_goal", life_domain="housing", description="Wonen")
    p("P2", d(2012, 6, 20), "add_plan_action", goal_id=goal, description="x", performer_kind="self")
    head = report(ledger)["known_at"]["position"]
    as_of = d(2012, 6, 25)
    reference = reference_figures(ledger.app, as_of=as_of, known_at=head)
    live = report(ledger, as_of=as_of)
    assert live["plan_actions"]["total"]["added"] == reference["plan_actions"]["total"]["added"] == 2
    assert live["phases"]["plan_made"] == reference["phases"]["plan_made"] == 1  # P1's; P2's goal comes later
