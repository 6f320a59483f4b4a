"""``python -m bench.report_scale --households 400 1600 [6400] [--backend sqlite|postgres] [--out FILE]``.

Issue 14's report target, measured side by side in one run, per size:

* **report**: one evaluation report (``ledger.reports.evaluation_report``) as of the last month
  end, at the deployment's minimum cell (5), the default period (every referral up to the as-of
  date, widened to blocks); the median of ``--repeat`` runs (after one warm-up run).
* **plain**: one plain SQL aggregate over the same fact rows on the same store (the views'
  engine): three ``GROUP BY`` statements on one connection, timed together (:data:`PLAIN_SQL`
  is their text): referrals of the report's period by composition, their plan actions by life
  domain, their ZRM scores by domain (count and mean). No masks for (asOf, knownAt): the
  "plain" reference is the database's aggregate over the rows, nothing more.

Reported: report/plain (target <= 5x) and, between consecutive sizes, how the report's time
grows against the number of facts in the period (the cohort's rows in every fact table;
target: no faster than the facts). The store is a fresh demo municipality (``ledger.demo``)
whose history spans about two years, filled through the ledger's commands.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ledger.bootstrap import Ledger, build
from ledger.config import Settings
from ledger.demo import demo_wiring, generate
from ledger.demo.clock import demo_clock
from ledger.projections import evaluation_facts as ef
from ledger.reports import evaluation_report
from ledger.reports.disclosure import month_end_before

from .backends import PostgresServer
from .series import CONSULTANT
from .workload import OPERATOR, ORGANISATION

__all__ = ["PLAIN_SQL", "main", "run"]

HISTORY_DAYS = 31 * 26  # about two years of referrals, as bench/series.py
MIN_CELL = 5
FACT_TABLES = (ef.fact_referrals, ef.fact_plan_goals, ef.fact_plan_actions, ef.fact_zrm, ef.fact_involvements,
               ef.fact_costs, ef.fact_evaluations, ef.fact_escalations, ef.fact_referral_changes,
               ef.fact_goal_revisions, ef.fact_events)


def _cohort(from_: date | None, to: date) -> sa.Select[Any]:
    r = ef.fact_referrals
    q = sa.select(r.c.household_id).where(r.c.referred_on <= to)
    return q.where(r.c.referred_on >= from_) if from_ is not None else q


def _plain(from_: date | None, to: date) -> list[sa.Select[Any]]:
    r, a, z = ef.fact_referrals, ef.fact_plan_actions, ef.fact_zrm
    cohort = _cohort(from_, to)
    by_composition = sa.select(r.c.composition, sa.func.count()).where(r.c.referred_on <= to)
    if from_ is not None:
        by_composition = by_composition.where(r.c.referred_on >= from_)
    return [
        by_composition.group_by(r.c.composition),
        sa.select(a.c.life_domain, sa.func.count()).where(a.c.household_id.in_(cohort)).group_by(a.c.life_domain),
        sa.select(z.c.domain, sa.func.count(), sa.func.avg(z.c.score)).where(z.c.household_id.in_(cohort))
        .group_by(z.c.domain),
    ]


PLAIN_SQL = [str(s.compile(compile_kwargs={"literal_binds": True})).replace("\n", " ")
             for s in _plain(date(2024, 1, 1), date(2025, 12, 31))]


def _facts_in_period(engine: sa.Engine, from_: date | None, to: date) -> dict[str, int]:
    cohort = _cohort(from_, to)
    with engine.connect() as conn:
        return {t.name.removeprefix("view_fact_"): conn.execute(
            sa.select(sa.func.count()).select_from(t).where(t.c.household_id.in_(cohort))).scalar_one()
            for t in FACT_TABLES}


def _time_plain(engine: sa.Engine, statements: list[sa.Select[Any]]) -> float:
    t0 = time.perf_counter()
    with engine.connect() as conn:
        for s in statements:
            conn.execute(s).all()
    return time.perf_counter() - t0


def _measure(ledger: Ledger, repeat: int) -> dict[str, Any]:
    ledger.views.catch_up()
    today = ledger.app.today()
    last = month_end_before(today, today)
    engine = ledger.views.engine
    warm = evaluation_report(ledger, CONSULTANT, as_of=last, min_cell=MIN_CELL)  # warm-up; gives the period
    period = warm["period"]
    from_ = date.fromisoformat(period["from"]) if period["from"] else None
    to = date.fromisoformat(period["to"])
    statements = _plain(from_, to)
    _time_plain(engine, statements)  # warm-up
    report_s: list[float] = []
    plain_s: list[float] = []
    for _ in range(repeat):  # alternating, so both see the same machine
        t0 = time.perf_counter()
        evaluation_report(ledger, CONSULTANT, as_of=last, min_cell=MIN_CELL)
        report_s.append(time.perf_counter() - t0)
        plain_s.append(_time_plain(engine, statements))
    facts = _facts_in_period(engine, from_, to)
    report, plain = statistics.median(report_s), statistics.median(plain_s)
    return {
        "as_of": warm["as_of"], "period": period, "cohort_households": warm["basis"]["households"],
        "facts_in_period": sum(facts.values()), "facts_by_table": facts,
        "report_s": round(report, 4), "report_runs_s": [round(v, 4) for v in report_s],
        "plain_s": round(plain, 5), "plain_runs_s": [round(v, 5) for v in plain_s],
        "ratio": round(report / plain, 1), "target_ratio": 5.0, "ratio_met": report / plain <= 5.0,
    }


def run_size(households: int, backend: str, seed: int, repeat: int, server: PostgresServer | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-report-scale-") as root:
        url = server.database(f"report_scale_{households}") if server is not None else None
        settings = Settings(data_dir=Path(root), database_url=url, organisation=ORGANISATION, log_level="warning",
                            report_min_cell=MIN_CELL)
        _, new_id, new_household_id = demo_wiring(seed)
        start = date.today() - timedelta(days=HISTORY_DAYS)
        clock = demo_clock(start - timedelta(days=3))
        with build(settings, clock=clock, new_id=new_id, new_household_id=new_household_id) as ledger:
            t0 = time.perf_counter()
            demo = generate(ledger, households=households, seed=seed, operator=OPERATOR, clock=clock, start=start)
            filled = time.perf_counter() - t0
            measured = _measure(ledger, repeat)
    return {"households": demo.households, "events": demo.events, "fill_s": round(filled, 1),
            "fill_households_per_s": round(demo.households / filled, 1), **measured}


def _growth(sizes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for a, b in zip(sizes, sizes[1:], strict=False):
        facts = b["facts_in_period"] / a["facts_in_period"]
        report = b["report_s"] / a["report_s"]
        out.append({"from": a["households"], "to": b["households"], "facts_x": round(facts, 2),
                    "report_x": round(report, 2), "plain_x": round(b["plain_s"] / a["plain_s"], 2),
                    "no_faster_than_facts": report <= facts * 1.1})  # 10%: noise on a shared machine
    return out


def run(households: list[int], backend: str, seed: int, repeat: int) -> dict[str, Any]:
    server = PostgresServer(Path(tempfile.mkdtemp(prefix="bench-report-scale-pg-"))) if backend == "postgres" else None
    try:
        sizes = [run_size(n, backend, seed, repeat, server) for n in households]
        version = server.version() if server is not None else None
    finally:
        if server is not None:
            server.stop()
    return {
        "bench": "report_scale", "backend": backend, "postgres_version": version, "seed": seed, "repeat": repeat,
        "min_cell": MIN_CELL, "python": platform.python_version(), "machine": platform.machine(),
        "plain_sql": PLAIN_SQL, "sizes": sizes, "growth": _growth(sizes),
        "growth_rule": "report_x <= 1.1 * facts_x (facts: the cohort's rows in every fact table)",
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.report_scale")
    parser.add_argument("--households", type=int, nargs="+", default=[400, 1600])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="report runs (the median counts)")
    parser.add_argument("--out", type=Path, help="write the result as JSON")
    args = parser.parse_args()
    result = run(args.households, args.backend, args.seed, args.repeat)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    for s in result["sizes"]:
        print(f"{s['households']} households ({s['facts_in_period']} facts in the period): report {s['report_s']} s, "
              f"plain {s['plain_s']} s, ratio {s['ratio']}x (target <= 5x)", file=sys.stderr)
    for g in result["growth"]:
        print(f"{g['from']} -> {g['to']}: facts x{g['facts_x']}, report x{g['report_x']}", file=sys.stderr)


if __name__ == "__main__":
    main()
