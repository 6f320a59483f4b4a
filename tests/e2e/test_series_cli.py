"""`LedgerClient.evaluation_series` and `ledger report series` over real HTTP (issue 14 item 3).

The service runs at the default minimum cell (5): one household is too few, so every point is
withheld, and the series still answers (one access record, one digest); beyond the maximum of
points the CLI says so in one line.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from test_client_cli import client, ledger, ok, one_error_line, referral

from ledger.client import InvalidRequest


def test_the_client_and_the_cli_ask_a_series(api: Any, tmp_path: Path) -> None:
    referral(client(api, "director"))
    evaluator = client(api, "evaluator")
    today = api.store.make_ledger().app.today()
    start = (today.replace(day=1) - timedelta(days=1)).replace(day=1) - timedelta(days=62)
    series = evaluator.evaluation_series(from_=start)
    assert series["min_cell"] == 5 and len(series["points"]) >= 2
    assert all(p["withheld"] == "cohort-too-small" and p["figures"] is None for p in series["points"])
    page = evaluator.evaluation_series_document("html", from_=start, lang="en")
    assert "Trends over time" in page and "Proefhuis" not in page
    try:
        evaluator.evaluation_series(from_="2000-01-01")
        raise AssertionError("no refusal")
    except InvalidRequest as e:
        assert "at most 36" in str(e)

    out = ok(ledger(api, "evaluator", "report", "series", "--from", start.isoformat()))
    assert "Evaluation series" in out and "withheld" in out
    html = tmp_path / "trends.html"
    assert "written to" in ok(ledger(api, "evaluator", "report", "series", "--from", start.isoformat(),
                                     "--html", str(html)))
    assert "<svg" in html.read_text(encoding="utf-8") or "Verloop" in html.read_text(encoding="utf-8")
    sheet = tmp_path / "trends.csv"
    ok(ledger(api, "evaluator", "report", "series", "--from", start.isoformat(), "--every", "month",
              "--csv", str(sheet)))
    assert sheet.read_text(encoding="utf-8").startswith("peildatum,cijfer,waarde,omschrijving")
    assert "36" in one_error_line(ledger(api, "evaluator", "report", "series", "--from", "2000-01-01"))
