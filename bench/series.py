"""``python -m bench.series [--households N] [--points 24] [--seed 7] [--out FILE]``: a series against one report.

Issue 14's target: a 24-point monthly evaluation series (``ledger.reports.series``) within 3x one
evaluation report, on the same store, measured side by side in one run. The store is a fresh SQLite
ledger with the demo municipality whose history spans the whole series (so no point is cheap for
being empty). The report is as of the series' last date (median of ``--repeat`` runs); the series
is one request of ``--points`` month ends. Both run at the deployment's minimum cell (5).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from ledger.aggregates import Actor
from ledger.bootstrap import build
from ledger.config import Settings
from ledger.demo import demo_wiring, generate
from ledger.demo.clock import demo_clock
from ledger.reports import evaluation_report, evaluation_series
from ledger.reports.disclosure import month_end_before

from .workload import OPERATOR, ORGANISATION

CONSULTANT = Actor(user_id="bench-consultant", organisation=ORGANISATION, role="consultant")


def _months_back(day: date, months: int) -> date:
    """The first day of the month ``months`` before ``day``'s."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def run(households: int, points: int, seed: int, repeat: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-series-") as root:
        settings = Settings(data_dir=Path(root), organisation=ORGANISATION, log_level="warning")
        _, new_id, new_household_id = demo_wiring(seed)
        start = date.today() - timedelta(days=31 * (points + 2))
        clock = demo_clock(start - timedelta(days=3))
        with build(settings, clock=clock, new_id=new_id, new_household_id=new_household_id) as ledger:
            t0 = time.perf_counter()
            demo = generate(ledger, households=households, seed=seed, operator=OPERATOR, clock=clock, start=start)
            filled = time.perf_counter() - t0
            today = ledger.app.today()
            last = month_end_before(today, today)
            first = _months_back(last, points - 1)
            report_s = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                evaluation_report(ledger, CONSULTANT, as_of=last)
                report_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            series = evaluation_series(ledger, CONSULTANT, from_=first, to=last)
            series_s = time.perf_counter() - t0
    report = statistics.median(report_s)
    shown = sum(1 for p in series["points"] if p["figures"] is not None)
    return {
        "households": demo.households, "events": demo.events, "fill_s": round(filled, 1),
        "points": len(series["points"]), "points_shown": shown,
        "report_s": round(report, 3), "series_s": round(series_s, 3), "ratio": round(series_s / report, 2),
        "target_ratio": 3.0,
        "seam": "ledger.reports.series._figures_at: the report's fact queries per date (facts_as_of + compute)",
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.series")
    parser.add_argument("--households", type=int, default=200)
    parser.add_argument("--points", type=int, default=24)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="report runs (the median counts)")
    parser.add_argument("--out", type=Path, help="write the result as JSON")
    args = parser.parse_args()
    result = run(args.households, args.points, args.seed, args.repeat)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    print(f"series of {result['points']} points: {result['series_s']} s; one report: {result['report_s']} s; "
          f"ratio {result['ratio']}x (target <= 3x)", file=sys.stderr)


if __name__ == "__main__":
    main()
