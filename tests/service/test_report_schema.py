"""The evaluation report is exactly what its published schema describes, withheld cells included (issue 13 item 4)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from conftest import OPERATOR, FixedClock, Store
from ledger.aggregates import Actor
from ledger.api.schemas import EvaluationReportOut
from ledger.application import NewMember
from ledger.reports import evaluation_report

EVALUATOR = Actor("u-eval", "gemeente-testdorp", "evaluator")


def _municipality(store: Store, clock: FixedClock) -> object:
    """Twelve households over two months; a few with a plan action, an involvement and costs (small cells)."""
    ledger = store.make_ledger(clock=clock)
    app = ledger.app
    for i in range(12):
        day = date(2026, 1, 5 + i) if i < 6 else date(2026, 2, 2 + i)
        clock.set(day)
        hid, v = app.refer_household(OPERATOR, sources=["wmo_desk", "police"] if i % 4 == 0 else ["wmo_desk"],
                                     members=[NewMember("adult", "Persoon Test"), NewMember("child", "Kind Test")])
        v = app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["finances"])
        _, v = app.record_zrm_measurement(OPERATOR, hid, expected_version=v, instrument="2017", moment="intake",
                                          scores={"finances": 1 + i % 5})
        if i % 3 == 0:
            _, v = app.record_cost(OPERATOR, hid, expected_version=v, kind="baseline", stream="income_support",
                                   amount_eur="10000.00", period_start=day - timedelta(days=700),
                                   period_end=day - timedelta(days=1))
            _, v = app.record_cost(OPERATOR, hid, expected_version=v, kind="intervention", stream="care",
                                   amount_eur="100.00", period_start=day, period_end=day)
    clock.set(date(2026, 4, 10))
    return ledger


@pytest.mark.parametrize("min_cell", [None, 6])
def test_the_report_is_exactly_its_published_schema(store: Store, clock: FixedClock, min_cell: int | None) -> None:
    """Every key documented, none added, withheld cells ("<N", "x") allowed; a round trip gives the same JSON."""
    report = json.loads(json.dumps(evaluation_report(_municipality(store, clock), EVALUATOR, min_cell=min_cell)))
    assert "<" in json.dumps(report)  # small cells are withheld, so the schema meets the marks too
    assert EvaluationReportOut.model_validate(report).model_dump(mode="json", by_alias=True) == report
