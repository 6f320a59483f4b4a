"""The report's own network (issue 15): contacts at the intake against on the report date, by the two times.

Three households are referred and have their intake through the application: A and B with a network
(the eco-map), C without. A's network is recorded again on its day (more supportive contacts), B's
late: recorded weeks after the day it describes (no one left). The report (minimum cell 1: internal
analysis) counts the networks as of a day before and after each record, and as known before the late
one was recorded; the replay of exactly those events gives the same figures.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from conftest import OPERATOR, FixedClock, Store
from ledger.aggregates import Actor
from ledger.application import NewMember
from ledger.reports import evaluation_report, reference_figures, render_csv, render_html

EVALUATOR = Actor("u-eval", "gemeente-testdorp", "evaluator")
START = date(2026, 1, 1)
A_RECORDED, B_ON, B_RECORDED = date(2026, 2, 1), date(2026, 2, 15), date(2026, 3, 10)


def with_intake(ledger: Any, clock: FixedClock, day: date, network: list[dict[str, Any]]) -> tuple[Any, int]:
    clock.set(day)
    hid, v = ledger.app.refer_household(OPERATOR, sources=["social_work"], members=[NewMember("adult", "Persoon")],
                                        on=day)
    return hid, ledger.app.record_intake(OPERATOR, hid, expected_version=v, on=day, domains_discussed=["finances"],
                                         network=network)


def network(ledger: Any, as_of: date, known_at: int | None = None) -> dict[str, Any]:
    return evaluation_report(ledger, EVALUATOR, from_=START, as_of=as_of, known_at=known_at)["network"]


def side(contacts: int, supportive: int, households: int) -> dict[str, Any]:
    return {"contacts": contacts, "supportive": supportive, "contacts_per_household": round(contacts / households, 2),
            "supportive_per_household": round(supportive / households, 2)}


def test_the_network_at_intake_and_on_the_report_date_by_business_date_and_knowledge(store: Store,
                                                                                    clock: FixedClock) -> None:
    ledger = store.make_ledger(clock=clock, report_min_cell=1)
    a, v_a = with_intake(ledger, clock, date(2026, 1, 10), [{"relation": "grandmother"},
                                                              {"relation": "neighbour", "supportive": False}])
    b, v_b = with_intake(ledger, clock, date(2026, 1, 12), [{"relation": "friend", "name": "Vriendin Verzonnen"}])
    with_intake(ledger, clock, date(2026, 1, 14), [])  # C: no network at intake, not counted
    clock.set(A_RECORDED)
    ledger.app.record_network(OPERATOR, a, expected_version=v_a, on=A_RECORDED, contacts=[
        {"relation": "grandmother"}, {"relation": "neighbour"}, {"relation": "friend"}])
    before_late = ledger.app.recorder.max_notification_id()
    clock.set(B_RECORDED)  # a late-arriving fact: B's network as it was on B_ON, recorded on B_RECORDED
    ledger.app.record_network(OPERATOR, b, expected_version=v_b, on=B_ON, contacts=[])
    clock.set(date(2026, 3, 31), hour=16)

    at_intake = side(3, 2, 2)
    assert network(ledger, date(2026, 1, 31)) == {
        "households": 2, "recorded_again": 0, "at_intake": at_intake, "at_report_date": at_intake,
        "supportive_rose": 0, "supportive_same": 2, "supportive_fell": 0}
    assert network(ledger, date(2026, 2, 10)) == {  # A's record counts from its day, B's not yet
        "households": 2, "recorded_again": 1, "at_intake": at_intake, "at_report_date": side(4, 4, 2),
        "supportive_rose": 1, "supportive_same": 1, "supportive_fell": 0}
    now = evaluation_report(ledger, EVALUATOR, from_=START, as_of=date(2026, 3, 31))
    assert now["network"] == {
        "households": 2, "recorded_again": 2, "at_intake": at_intake, "at_report_date": side(3, 3, 2),
        "supportive_rose": 1, "supportive_same": 0, "supportive_fell": 1}
    # as known before B's record was recorded: on B_ON and after, B still has the intake's network
    assert network(ledger, date(2026, 3, 31), known_at=before_late) == network(ledger, date(2026, 2, 10))

    # the reference replay of exactly the events that count gives the same
    head = ledger.app.recorder.max_notification_id()
    for as_of, position in ((date(2026, 1, 31), head), (date(2026, 2, 10), head), (B_ON, before_late),
                            (B_ON, head), (date(2026, 3, 31), head)):
        ref = reference_figures(ledger.app, as_of=as_of, known_at=position, from_=START)
        live = evaluation_report(ledger, EVALUATOR, from_=START, as_of=as_of, known_at=position)
        assert ref["network"] == live["network"], (as_of, position)

    csv_en, csv_nl, html_nl = render_csv(now, "en"), render_csv(now, "nl"), render_html(now, "nl")
    assert "network,supportive_fell,1,fewer supportive contacts" in csv_en
    assert "network,at_report_date.supportive,3,on report date · supportive contacts" in csv_en
    assert "network,at_intake.contacts_per_household,1.5,bij de intake · contacten per huishouden" in csv_nl
    assert "Eigen kracht: het eigen netwerk" in html_nl and "minder steunende contacten" in html_nl
    assert "Verzonnen" not in csv_en + html_nl  # names stay sealed: the report counts contacts only


def test_small_network_cells_are_withheld_with_their_complement(store: Store, clock: FixedClock) -> None:
    """rose + same + fell = households: one small part is never left alone to be worked out from the others."""
    ledger = store.make_ledger(clock=clock, report_min_cell=1)
    households = [with_intake(ledger, clock, date(2026, 1, 5 + i), [{"relation": "friend"}]) for i in range(4)]
    clock.set(A_RECORDED)
    hid, v = households[0]
    ledger.app.record_network(OPERATOR, hid, expected_version=v, on=A_RECORDED, contacts=[])
    clock.set(date(2026, 3, 2))
    shown = evaluation_report(ledger, EVALUATOR, from_=START, as_of=date(2026, 2, 28), min_cell=2)["network"]
    parts = [shown[k] for k in ("supportive_rose", "supportive_same", "supportive_fell")]
    assert shown["households"] == 4 and shown["supportive_fell"] == "<2"
    assert sum(1 for p in parts if p in ("<2", "x")) != 1, shown
