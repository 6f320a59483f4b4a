"""The evaluation report per instrument (issue 15), on SQLite and PostgreSQL through the application.

Two households measured with the participation ladder, client satisfaction 1-10 and the life score
(besides the ZRM): per instrument and domain the first intake measurement against the latest interim
or final one after it, on the instrument's own scale; never compared across instruments; the same
figures from the live facts and from the reference replay; Dutch and English labels in HTML and CSV.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from conftest import OPERATOR, FixedClock, Store
from ledger.aggregates import Actor
from ledger.application import NewMember
from ledger.reports import evaluation_report, reference_figures, render_csv, render_html

EVALUATOR = Actor("u-eval", "gemeente-testdorp", "evaluator")
DAY = date(2026, 3, 2)


def test_the_other_instruments_are_counted_per_instrument_and_domain(store: Store, clock: FixedClock) -> None:
    ledger = store.make_ledger(clock=clock, report_min_cell=1)
    app, ids, versions = ledger.app, {}, {}

    def run(key: str, day: date, command: str, **kwargs: Any) -> None:
        clock.set(day)
        _, versions[key] = getattr(app, command)(OPERATOR, ids[key], expected_version=versions[key], **kwargs)

    for key, day in (("A", date(2026, 1, 5)), ("B", date(2026, 1, 6))):
        clock.set(day)
        ids[key], versions[key] = app.refer_household(OPERATOR, sources=["wmo_desk"],
                                                      members=[NewMember("adult", f"Persoon {key}")])
        clock.set(day)
        versions[key] = app.record_intake(OPERATOR, ids[key], expected_version=versions[key],
                                          domains_discussed=["finances"])
    d = date
    run("A", d(2026, 1, 7), "record_measurement", instrument="ladder", moment="intake", scores={"participation": 2})
    run("A", d(2026, 1, 7), "record_measurement", instrument="satisfaction_10", moment="intake",
        scores={"satisfaction": 6})
    run("A", d(2026, 1, 7), "record_measurement", instrument="life_score", moment="intake", scores={"life_score": 0})
    run("A", d(2026, 1, 7), "record_zrm_measurement", instrument="2013", moment="intake",
        scores={"daytime_activities": 2})
    run("A", d(2026, 1, 8), "set_plan_goal", life_domain="daytime_activities", description="Dagbesteding vinden")
    run("A", d(2026, 2, 10), "record_measurement", instrument="ladder", moment="interim", scores={"participation": 4})
    run("A", d(2026, 2, 10), "record_measurement", instrument="satisfaction_10", moment="final",
        scores={"satisfaction": 6})
    run("A", d(2026, 2, 10), "record_measurement", instrument="life_score", moment="interim", scores={"life_score": 7})
    # a later measurement in the other ZRM version, same life domain: never compared with the 2013 baseline
    run("A", d(2026, 2, 10), "record_zrm_measurement", instrument="2017", moment="interim", scores={"time_use": 4})
    run("B", d(2026, 1, 9), "record_measurement", instrument="ladder", moment="intake", scores={"participation": 5})
    run("B", d(2026, 1, 9), "set_plan_goal", life_domain="adl", description="Zelf koken")
    run("B", d(2026, 2, 11), "record_measurement", instrument="ladder", moment="final", scores={"participation": 3})
    # satisfaction 1-5 with no intake: no baseline, nothing counted
    run("B", d(2026, 2, 11), "record_measurement", instrument="satisfaction_5", moment="final",
        scores={"satisfaction": 5})
    clock.set(DAY, hour=16)

    report = evaluation_report(ledger, EVALUATOR)
    z = report["zrm"]["instruments"]
    assert list(z) == ["2013", "ladder", "satisfaction_10", "life_score"]
    ladder = z["ladder"]["domains"]["participation"]
    assert z["ladder"]["households"] == 2
    assert {k: ladder[k] for k in ("intake_measured", "compared", "up", "same", "down")} == {
        "intake_measured": 2, "compared": 2, "up": 1, "same": 0, "down": 1}
    assert ladder["intake_scores"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1, "6": 0}
    assert ladder["latest_scores"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 0, "6": 0}
    assert "intake_at_most_3" not in ladder
    sat = z["satisfaction_10"]["domains"]["satisfaction"]
    assert (sat["compared"], sat["same"], list(sat["intake_scores"])) == (1, 1, [str(s) for s in range(1, 11)])
    life = z["life_score"]["domains"]["life_score"]
    assert (life["up"], life["intake_scores"]["0"], life["latest_scores"]["7"]) == (1, 1, 1)
    zrm = z["2013"]["domains"]["daytime_activities"]
    assert (zrm["intake_measured"], zrm["compared"], zrm["intake_at_most_3"]) == (1, 0, 1)
    assert report["zrm"]["households_with_two_instruments"] == 1  # A: both ZRM versions

    # the reference replay gives the same figures
    head = int(report["ledger"]["position"])
    want = reference_figures(app, as_of=DAY, known_at=head)
    assert report["zrm"] == want["zrm"]

    sheet = render_csv(report, "en").splitlines()
    assert "zrm,instruments.ladder.domains.participation.up,1,Participation ladder · Participation · up" in sheet
    assert 'zrm,instruments.life_score.domains.life_score.intake_scores.0,1,"Life score (0-10) · Life score · ' \
           'baseline, all · score 0"' in sheet
    dutch = render_csv(report, "nl")
    assert "Participatieladder · Participatie" in dutch and "Cliënttevredenheid (1-10) · Tevredenheid" in dutch
    page = render_html(report, "nl")
    assert "Participatieladder" in page and "Schaal 0 tot en met 10" in page and "Levensscore" in page
    assert "Participation ladder" in render_html(report, "en")

    # disclosure control treats every instrument's counts as the ZRM's: small cells withheld, none the only unknown
    small = evaluation_report(ledger, EVALUATOR, min_cell=2)
    ladder = small["zrm"]["instruments"]["ladder"]["domains"]["participation"]
    assert (ladder["up"], ladder["down"], ladder["same"]) == ("<2", "<2", 0)
    assert ladder["latest_scores"]["3"] == "<2" and ladder["latest_scores"]["1"] == 0
    cells = [v for key, v in ladder.items() if not isinstance(v, dict)]
    cells += [v for key, v in ladder.items() if isinstance(v, dict) for v in v.values()]
    assert all(v == 0 or v in ("<2", "x") or v >= 2 for v in cells)  # no 1 shown anywhere
    assert small["zrm"]["instruments"]["life_score"]["domains"]["life_score"]["intake_scores"]["0"] == "<2"
