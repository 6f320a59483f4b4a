"""Issue 12, item 8: an evaluator cannot single out a household, at the service's default minimum.

A small municipality in which one household, the *target* (referred on 3 February 2026),
has a baseline of its own. An evaluator who knows when the target was referred tries
every request the API lets them make around that day (``from``/``to``/``asOf`` one day
apart, as-of dates a month apart, a lower and a higher ``minCell``) and subtracts any
two answers, as the penetration test did. Nothing about the target may come out: no two
cohorts differ by fewer than the minimum of households, no two ZRM score distributions
differ by fewer, no two cost totals differ by its amount. Two layouts: six households in
January and six in February (the target among them); and five in January, the target
alone in February and four in March (so February is a month of one referral).
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from conftest import OPERATOR, Api, FixedClock, Store
from ledger.aggregates import Actor, errors
from ledger.application import NewMember
from ledger.reports import evaluation_report
from ledger.reports.disclosure import CohortTooSmallError

EVALUATOR = Actor("u-eval", "gemeente-testdorp", "evaluator")  # the municipality's own (issue 12, item 7)
MIN = 5  # the service's default minimum cell size
TARGET_DAY = date(2026, 2, 3)
TARGET_BASELINE = 24000  # euros over the two years before referral: 12,000 a year


def refer_with_figures(ledger: Any, clock: FixedClock, day: date, *, baseline: int, score: int) -> None:
    """A referral with an intake, a ZRM 2017 intake score for finances and both kinds of cost, all on ``day``."""
    app = ledger.app
    clock.set(day)
    hid, v = app.refer_household(OPERATOR, sources=["wmo_desk"], members=[NewMember("adult", "Persoon Test")])
    v = app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["finances"])
    _, v = app.record_zrm_measurement(OPERATOR, hid, expected_version=v, instrument="2017", moment="intake",
                                      scores={"finances": score})
    _, v = app.record_cost(OPERATOR, hid, expected_version=v, kind="baseline", stream="income_support",
                           amount_eur=f"{baseline}.00", period_start=day - timedelta(days=700),
                           period_end=day - timedelta(days=1))
    app.record_cost(OPERATOR, hid, expected_version=v, kind="intervention", stream="care", amount_eur="100.00",
                    period_start=day, period_end=day)


LAYOUTS = {
    "six_and_six": [date(2026, 1, 5 + i) for i in range(6)] + [TARGET_DAY] + [date(2026, 2, 4 + i) for i in range(5)],
    "target_alone_in_its_month": [date(2026, 1, 5 + i) for i in range(5)] + [TARGET_DAY]
                                 + [date(2026, 3, 2 + i) for i in range(4)],
}
TODAY = date(2026, 4, 10)


def municipality(store: Store, clock: FixedClock, layout: str = "six_and_six", **settings: Any) -> Any:
    ledger = store.make_ledger(clock=clock, **settings)
    for day in LAYOUTS[layout]:
        refer_with_figures(ledger, clock, day, baseline=TARGET_BASELINE if day == TARGET_DAY else 10000, score=3)
    clock.set(TODAY)
    return ledger


def requests() -> list[dict[str, Any]]:
    """Every request an evaluator could make around the target's referral day."""
    froms = [None, TARGET_DAY, TARGET_DAY + timedelta(days=1)]
    tos = [None, TARGET_DAY - timedelta(days=1), TARGET_DAY]
    as_ofs = [None, TARGET_DAY - timedelta(days=1), TARGET_DAY, date(2026, 2, 28), date(2026, 3, 31)]
    return [{"from_": f, "to": t, "as_of": a, "min_cell": m}
            for f, t, a, m in itertools.product(froms, tos, as_ofs, (None, 6))]


def leaks(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """What subtracting report ``b`` from report ``a`` tells about fewer than the minimum of households."""
    found = []
    na, nb = a["basis"]["households"], b["basis"]["households"]
    if isinstance(na, int) and isinstance(nb, int) and 0 < abs(na - nb) < MIN:
        found.append(f"cohorts differ by {abs(na - nb)} households")
    sa, sb = (r["zrm"]["instruments"].get("2017", {}).get("domains", {}).get("finances", {}).get("intake_scores")
              for r in (a, b))
    if sa and sb and all(isinstance(v, int) for v in [*sa.values(), *sb.values()]):
        moved = sum(abs(sa[k] - sb[k]) for k in sa)
        if 0 < moved < MIN:
            found.append(f"ZRM intake scores of {moved} households")
    ca, cb = (r["costs"]["total_per_year"]["baseline_per_year"] for r in (a, b))
    if isinstance(ca, float) and isinstance(cb, float) and abs(abs(ca - cb) - TARGET_BASELINE / 2) < 0.01:
        found.append("the target's baseline cost")
    return found


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_no_two_reports_an_evaluator_can_get_single_out_a_household(store: Store, clock: FixedClock,
                                                                    layout: str) -> None:
    """Differencing any two reports (periods and as-of dates one day or a month apart, another minCell) reveals
    nothing of fewer than the minimum of households: the regression test of the penetration test's attack."""
    ledger = municipality(store, clock, layout)
    answers = []
    for params in requests():
        try:
            answers.append((params, evaluation_report(ledger, EVALUATOR, **params)))
        except errors.HouseholdError:
            continue  # refused: nothing to subtract
    assert len(answers) > 20 and len({json.dumps(a["period"]) for _, a in answers}) > 1  # material to work with
    for (pa, a), (pb, b) in itertools.combinations(answers, 2):
        assert not leaks(a, b), (pa, pb, leaks(a, b))
    for _, report in answers:
        assert report["min_cell"] >= MIN  # a request never lowers the service's minimum


@pytest.mark.parametrize("requested, applied", [(None, MIN), (1, MIN), (2, MIN), (7, 7)])
def test_the_request_may_only_raise_the_minimum(store: Store, clock: FixedClock, requested: int | None,
                                                applied: int) -> None:
    """minCell below the deployment's minimum is ignored; above it, it applies."""
    ledger = municipality(store, clock)
    report = evaluation_report(ledger, EVALUATOR, min_cell=requested)
    assert report["min_cell"] == applied
    assert report["requested"]["min_cell"] == requested


def test_a_period_with_fewer_households_than_the_minimum_asked_for_is_refused(store: Store,
                                                                              clock: FixedClock) -> None:
    """February's block holds 6 households: enough at the default, too few for minCell=7 (422, not a bare table)."""
    ledger = municipality(store, clock)
    assert evaluation_report(ledger, EVALUATOR, from_=TARGET_DAY, min_cell=6)["basis"]["households"] == 6
    with pytest.raises(CohortTooSmallError, match="fewer households than the minimum cell size asked for"):
        evaluation_report(ledger, EVALUATOR, from_=TARGET_DAY, min_cell=7)


def test_the_service_applies_the_default_minimum_to_everyone(api: Api) -> None:
    """Over HTTP at the default (5): too few households is a 422 problem whatever minCell says; with enough, small
    cells read <5, their complements x, and the as-of date is the end of the last month that is over."""
    evaluator = httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens['evaluator']}"},
                             timeout=30)
    director = httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens['director']}"},
                            timeout=30)
    assert director.post("/v1/households", json={"sources": ["wmo_desk"], "members": [
        {"role": "adult", "name": "Noor Klein"}]}).status_code == 201
    for path, params in (("", {}), ("", {"minCell": 1}), (".csv", {"minCell": 1}), (".html", {})):
        refused = evaluator.get(f"/v1/reports/evaluation{path}", params=params)
        assert refused.status_code == 422 and refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["type"].endswith("/cohort-too-small") and "5" in refused.json()["detail"]
        assert "Noor" not in refused.text

    # six households referred two months ago (written as another process would), one also by the police
    today = api.store.make_ledger().app.today()
    last_month_end = today.replace(day=1) - timedelta(days=1)
    first = (last_month_end.replace(day=1) - timedelta(days=1)).replace(day=1)  # the month before last
    clock = FixedClock(datetime(first.year, first.month, 2, 9, tzinfo=UTC))
    past = api.store.make_ledger(clock=clock)
    for i in range(6):
        clock.set(first + timedelta(days=i + 1))
        past.app.refer_household(OPERATOR, sources=["wmo_desk", "police"] if i == 0 else ["wmo_desk"],
                                 members=[NewMember("adult", "Persoon Test")])

    for params in ({}, {"minCell": 1}):
        report = evaluator.get("/v1/reports/evaluation", params=params).json()
        assert report["min_cell"] == 5
        assert report["as_of"] == last_month_end.isoformat()
        assert report["period"]["from"] == first.isoformat()
        assert report["referrals"]["households"] == 6  # today's referral comes after the as-of date
        assert report["referrals"]["by_source"]["police"] == "<5"
        assert report["referrals"]["by_source"]["wmo_desk"] == "x"  # else 6 + 1 - 6 gives the police one away
        assert report["referrals"]["multiple_sources"] == "<5"
    served = evaluator.get("/v1/reports/evaluation.csv", params={"lang": "en"})
    assert served.status_code == 200 and served.headers["cache-control"] == "no-store"
    sheet = served.text.splitlines()
    assert "referrals,by_source.police,<5,by source · Police" in sheet
    assert "referrals,by_source.wmo_desk,x,by source · Wmo desk" in sheet
    assert "report,min_cell,5,minimum cell size" in sheet
