"""Issue 14 item 3: the evaluation report's headline figures at a series of dates, in one request.

Each point must be exactly what the report as of its date shows (the same cells, the same
disclosure marks), the whole series one access record and one digest; a point whose cohort is
too small is withheld, not the series; more than the maximum of points is refused before
anything is read. The municipalities are the report tests' own (test_evaluation_report.py: exact
tables at a minimum of 1; test_report_disclosure.py: the differencing attack at the default 5).
"""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from test_evaluation_report import D1, D2, GEMEENTE, Town, build_until_d1, build_until_d2
from test_report_disclosure import LAYOUTS, MIN, TODAY, municipality, refer_with_figures

from conftest import Api, FixedClock, Store
from ledger.aggregates import Actor, errors
from ledger.privacy.access import AccessDeniedError
from ledger.reports import evaluation_report, evaluation_series, render_html, render_series_csv, render_series_html
from ledger.reports.series import MAX_POINTS, TooManyPointsError, headline, points

EVALUATOR = Actor("u-eval", "gemeente-testdorp", "evaluator")
PRIVACY = Actor("u-po", GEMEENTE, "privacy_officer")


def reads(ledger: Any, action: str) -> int:
    return sum(1 for a in ledger.app.access_log(PRIVACY) if a.action == action)


def same_as_the_report(ledger: Any, point: dict[str, Any], **params: Any) -> None:
    report = evaluation_report(ledger, EVALUATOR, as_of=date.fromisoformat(point["as_of"]), **params)
    assert report["as_of"] == point["as_of"]
    assert point["period"] == report["period"]
    assert point["figures"] == headline(report), point["as_of"]
    assert point["last_included_position"] == report["ledger"]["last_included_position"]


def test_the_dates_are_month_quarter_and_year_ends() -> None:
    assert points(date(2026, 1, 15), date(2026, 4, 30)) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31),
                                                            date(2026, 4, 30)]
    assert points(date(2026, 1, 15), date(2026, 4, 29)) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    assert points(date(2025, 2, 1), date(2026, 12, 31), "quarter") == [
        date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31), date(2026, 3, 31),
        date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)]
    assert points(date(2024, 12, 31), date(2026, 1, 1), "year") == [date(2024, 12, 31), date(2025, 12, 31)]
    assert points(date(2026, 2, 1), date(2026, 2, 27)) == []


def test_each_point_is_the_report_as_of_its_date_one_read_one_digest(store: Store, clock: FixedClock) -> None:
    """The exact municipality (minimum 1): every point's headline, period and basis equal the report's."""
    ledger = store.make_ledger(clock=clock, report_min_cell=1)
    town = Town(ledger, clock)
    items = build_until_d1(town)
    clock.set(D1, hour=16)
    known_d1 = ledger.chain.head()[0]
    build_until_d2(town, items)
    clock.set(D2, hour=16)

    series = evaluation_series(ledger, EVALUATOR, from_=date(2025, 12, 1))
    assert [p["as_of"] for p in series["points"]] == ["2025-12-31", "2026-01-31", "2026-02-28", "2026-03-31",
                                                      "2026-04-30"]
    assert (series["from"], series["to"], series["every"], series["min_cell"]) == ("2025-12-31", "2026-04-30",
                                                                                  "month", 1)
    position, head = ledger.chain.head()  # the series' own access record is the last event before the digest
    assert (series["ledger"]["position"], series["ledger"]["head"]) == (position, head.hex())
    assert series["known_at"]["position"] == position
    # "at": when the last household event up to that position was recorded, as the report resolves it
    assert series["known_at"] == evaluation_report(ledger, EVALUATOR, as_of=D2, known_at=position)["known_at"]
    assert reads(ledger, "read_evaluation_series") == 1 and reads(ledger, "read_evaluation_report") == 1  # the line above
    assert all(p["withheld"] is None for p in series["points"])
    for point in series["points"]:
        same_as_the_report(ledger, point)
    feb = series["points"][2]["figures"]
    assert feb["households"] == 4 and feb["phases"]["closed"] == 1  # H5, H1, H2, H3 (closed 02-10)
    assert series["points"][-1]["figures"]["households"] == 5
    assert series["points"][-1]["figures"]["zrm"]["2017"]["finances"] == {"compared": 1, "up": 1, "same": 0,
                                                                          "down": 0}

    # knowledge time: as known on D1, nothing recorded later counts, whatever the business date
    then = evaluation_series(ledger, EVALUATOR, from_=date(2026, 2, 1), known_at=known_d1)
    assert then["known_at"] == evaluation_report(ledger, EVALUATOR, as_of=D2, known_at=known_d1)["known_at"]
    assert then["known_at"]["position"] == known_d1
    assert then["requested"]["known_at"] == known_d1
    for p in then["points"]:
        assert p["last_included_position"] <= known_d1
        assert p["figures"]["households"] == 4  # H4 (referred 03-02) was recorded after D1
    assert reads(ledger, "read_evaluation_series") == 2

    with pytest.raises(AccessDeniedError):
        evaluation_series(ledger, Actor("u-ggz", "ggz-regio", "professional"), from_=date(2026, 1, 1))


def test_every_point_comes_through_the_one_seam_with_one_digest(store: Store, clock: FixedClock,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Every point through series._figures_at (the report's fact queries): once per date, all at one known position;
    one digest taken."""
    from ledger.reports import series as series_module

    ledger = municipality(store, clock)
    calls: list[tuple[date, int]] = []
    digests: list[int] = []
    reference, take = series_module._figures_at, ledger.chain.digest

    def seam(source: Any, day: date, known_at: int) -> dict[str, Any]:
        calls.append((day, known_at))
        return reference(source, day, known_at)

    def digest() -> Any:
        d = take()
        digests.append(d.position)
        return d

    monkeypatch.setattr(series_module, "_figures_at", seam)
    monkeypatch.setattr(ledger.chain, "digest", digest)
    answer = evaluation_series(ledger, EVALUATOR, from_=date(2026, 1, 1))
    assert [d.isoformat() for d, _ in calls] == [p["as_of"] for p in answer["points"]] == [
        "2026-01-31", "2026-02-28", "2026-03-31"]
    assert {k for _, k in calls} == {answer["known_at"]["position"]} and digests == [answer["ledger"]["position"]]


@pytest.mark.parametrize("clock_goes_back", [False, True])
def test_each_point_equals_the_report_whatever_the_recording_order(store: Store, clock: FixedClock,
                                                                   clock_goes_back: bool) -> None:
    """A household recorded last with an earlier business date (a late-arriving referral) counts at every point
    from its own date on, exactly as the report as of that date counts it."""
    clock.set(date(2025, 12, 1))  # the staff registered before the first referral: recording times in order
    ledger = municipality(store, clock)
    if clock_goes_back:
        refer_with_figures(ledger, clock, date(2026, 1, 20), baseline=10000, score=2)  # recorded after February's
    clock.set(TODAY)
    answer = evaluation_series(ledger, EVALUATOR, from_=date(2026, 1, 1))
    for point in answer["points"]:
        same_as_the_report(ledger, point)
    assert answer["points"][-1]["figures"]["households"] == 12 + clock_goes_back


def test_more_points_than_the_maximum_are_refused_before_anything_is_read(store: Store, clock: FixedClock) -> None:
    ledger = municipality(store, clock)
    start = date(2026, 3, 31) - timedelta(days=31 * MAX_POINTS)
    with pytest.raises(TooManyPointsError, match=f"at most {MAX_POINTS}"):
        evaluation_series(ledger, EVALUATOR, from_=start)
    assert TooManyPointsError.code == "too-many-points" and issubclass(TooManyPointsError, errors.InvalidInputError)
    with pytest.raises(errors.InvalidPeriodError, match="future"):
        evaluation_series(ledger, EVALUATOR, from_=date(2026, 1, 1), to=TODAY + timedelta(days=1))
    with pytest.raises(errors.InvalidPeriodError, match="No month end"):  # April is not over on TODAY
        evaluation_series(ledger, EVALUATOR, from_=date(2026, 4, 1))
    with pytest.raises(errors.InvalidInputError):
        evaluation_series(ledger, EVALUATOR, from_=date(2026, 1, 1), every="week")
    assert reads(ledger, "read_evaluation_series") == 0
    years = evaluation_series(ledger, EVALUATOR, from_=start, every="year")  # coarser: fine
    assert [p["as_of"] for p in years["points"]] == [f"{y}-12-31" for y in range(start.year, 2026)]
    assert all(p["withheld"] == "cohort-too-small" and p["figures"] is None for p in years["points"])


def _cohort_leaks(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """What subtracting one point's headline from another tells about fewer than the minimum of households."""
    found = []
    for path in (("households",), ("phases", "referred"), ("phases", "intake_held")):
        va, vb = a, b
        for key in path:
            va, vb = va[key], vb[key]
        if isinstance(va, int) and isinstance(vb, int) and 0 < abs(va - vb) < MIN:
            found.append(f"{'.'.join(path)} differ by {abs(va - vb)}")
    return found


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_disclosure_control_per_point_as_a_report(store: Store, clock: FixedClock, layout: str) -> None:
    """At the default minimum each point shows what the report as of its date shows; no two points differ by a
    small cohort; a point whose cohort is too small is withheld, the rest of the series stands."""
    ledger = municipality(store, clock, layout)
    series = evaluation_series(ledger, EVALUATOR, from_=date(2025, 11, 1))
    assert series["min_cell"] == MIN and series["to"] == "2026-03-31"  # April is not over
    by_date = {p["as_of"]: p for p in series["points"]}
    assert by_date["2025-11-30"]["withheld"] == by_date["2025-12-31"]["withheld"] == "cohort-too-small"
    shown = [p for p in series["points"] if p["figures"] is not None]
    assert len(shown) == 3
    for point in shown:
        same_as_the_report(ledger, point)
    for a, b in itertools.combinations(shown, 2):
        assert not _cohort_leaks(a["figures"], b["figures"]), (a["as_of"], b["as_of"])

    # a raised minimum the first block cannot meet withholds that point, not the series
    raised = evaluation_series(ledger, EVALUATOR, from_=date(2026, 1, 1), min_cell=7)
    gone = [p["as_of"] for p in raised["points"] if p["withheld"]]
    assert gone and len(gone) < len(raised["points"])
    for point in raised["points"]:
        if point["figures"] is not None:
            same_as_the_report(ledger, point, min_cell=7)
        else:
            with pytest.raises(errors.HouseholdError):
                evaluation_report(ledger, EVALUATOR, as_of=date.fromisoformat(point["as_of"]), min_cell=7)


def test_the_trend_charts_carry_the_numbers_and_no_personal_data(store: Store, clock: FixedClock) -> None:
    ledger = store.make_ledger(clock=clock, report_min_cell=1)
    town = Town(ledger, clock)
    build_until_d2(town, build_until_d1(town))
    clock.set(D2, hour=16)
    series = evaluation_series(ledger, EVALUATOR, from_=date(2025, 12, 1))
    report = evaluation_report(ledger, EVALUATOR, as_of=date(2026, 4, 30))
    for lang, heading in (("nl", "Verloop over de tijd"), ("en", "Trends over time")):
        page = render_series_html(series, lang)
        assert heading in page and page.count("<svg") >= 6 and page.count("<desc") >= 6 and "<polyline" in page
        assert "<script" not in page and "src=" not in page and "url(" not in page
        assert series["ledger"]["head"] in page and "2026-04" in page
        both = render_html(report, lang, series=series)
        assert heading in both and both.count("<svg") > render_html(report, lang).count("<svg")
    assert "Gezinsplan gemaakt" in render_series_html(series) and "Household plan made" in render_series_html(
        series, "en")
    sheet = render_series_csv(series, "en").splitlines()
    assert sheet[0] == "as_of,figure,value,label"
    assert "2026-04-30,households,5,households" in sheet
    for text in (json.dumps(series), render_series_html(series), render_series_csv(series)):
        for key, hid in town.ids.items():
            assert str(hid) not in text, key
        assert "u-dir1" not in text and "Persoon" not in text


@pytest.fixture
def internal_api(monkeypatch: pytest.MonkeyPatch, store: Store, request: pytest.FixtureRequest) -> Api:
    monkeypatch.setenv("LEDGER_REPORT_MIN_CELL", "1")
    return request.getfixturevalue("api")


def test_the_service_serves_the_series_over_http(internal_api: Api) -> None:
    """GET /v1/reports/evaluation/series: JSON, HTML and CSV to evaluators and consultants; 400 beyond the maximum."""
    api = internal_api
    director = httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens['director']}"},
                            timeout=60)
    created = director.post("/v1/households", json={"sources": ["wmo_desk"], "members": [
        {"role": "adult", "name": "Noor Reeks"}]})
    assert created.status_code == 201, created.text
    hid = created.json()["household_id"]
    evaluator = httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens['evaluator']}"},
                             timeout=60)
    today = api.store.make_ledger().app.today()
    start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # last month: its end and, maybe, today's
    r = evaluator.get("/v1/reports/evaluation/series", params={"from": start.isoformat()})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json"), r.text
    series = r.json()
    assert series["points"][0]["as_of"] == (today.replace(day=1) - timedelta(days=1)).isoformat()
    assert series["ledger"]["position"] >= created.json()["position"]
    page = evaluator.get("/v1/reports/evaluation/series.html", params={"from": start.isoformat(), "lang": "en"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Trends over time" in page.text and "<desc" in page.text
    sheet = director.get("/v1/reports/evaluation/series.csv", params={"from": start.isoformat()})
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    for text in (r.text, page.text, sheet.text):
        assert hid not in text and "Noor" not in text
    too_many = evaluator.get("/v1/reports/evaluation/series", params={"from": "2000-01-01"})
    assert too_many.status_code == 400 and too_many.json()["type"].endswith("/too-many-points")
    assert "36" in too_many.json()["detail"]
    missing = evaluator.get("/v1/reports/evaluation/series")
    assert missing.status_code == 400
    refused = httpx.get(f"{api.url}/v1/reports/evaluation/series", params={"from": start.isoformat()},
                        headers={"Authorization": f"Bearer {api.tokens['ggz']}"})
    assert refused.status_code == 403
