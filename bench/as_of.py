"""One household's plan as of (today, head) against its current read, at two ledger sizes in one run.

* **as_of_N**: ``ReadSide.plan_as_of(actor, hid, as_of=today)``: decided and recorded, then only
  the household's events selected (one query) and folded into private in-memory views.
* **current_N**: ``ReadSide.plan(actor, hid)``: decided and recorded, then one query of the live view.
* **replay_N** (one run, no target): the whole-ledger replay the as-of views used before
  (``Ledger.as_of(moment).plan``), for scale.

N is the base store's demo households and a small store's (100; quick 3, SQLite only: a second
PostgreSQL database is not set up here). Reads alternate household by household; the checks
compare medians: as-of <= 2x current at each size, and the as-of read at the base size within 2x
of the small store's (independent of ledger size).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from ledger.bootstrap import Ledger, build

from .backends import Backend
from .context import Context
from .harness import BenchResult, Check, Series
from .workload import OPERATOR, generate_base

__all__ = ["run"]

SMALL = 100
QUICK_SMALL = 3
READS = 60


def _measure(ledger: Ledger, n: int, reads: int) -> tuple[Series, Series, Series]:
    ledger.views.catch_up()
    side, today = ledger.read_side, ledger.app.today()
    ids = [h.household_id for h in ledger.app.list_households(OPERATOR) if not h.erased]
    sample = [ids[i * len(ids) // min(reads, len(ids))] for i in range(min(reads, len(ids)))]
    as_of = Series(f"as_of_{n}", f"plan_as_of(as_of=today): one household's events folded ({n} households)",
                   "latency", "ms")
    current = Series(f"current_{n}", f"plan(): the live view ({n} households)", "latency", "ms")
    replay = Series(f"replay_{n}", f"Ledger.as_of(now).plan: the whole ledger replayed ({n} households)", "latency", "ms")
    for hid in sample[:3]:  # warm up: statement caches, the blind mapper
        side.plan(OPERATOR, hid, today=today)
        side.plan_as_of(OPERATOR, hid, as_of=today)
    for round_ in range(2):
        for hid in sample:
            t0 = time.perf_counter()
            live = side.plan(OPERATOR, hid, today=today)
            t1 = time.perf_counter()
            then = side.plan_as_of(OPERATOR, hid, as_of=today)
            t2 = time.perf_counter()
            current.values.append((t1 - t0) * 1000)
            as_of.values.append((t2 - t1) * 1000)
            if round_ == 0:
                assert live is not None and then["version"] == live["version"], hid
    t0 = time.perf_counter()
    ledger.as_of(datetime.now(UTC)).plan(OPERATOR, sample[0], today=today)
    replay.values.append((time.perf_counter() - t0) * 1000)
    return as_of, current, replay


def run(ctx: Context) -> BenchResult:
    began = time.perf_counter()
    quick = ctx.sizes.households <= 10
    big_n = ctx.sizes.households
    reads = 5 if quick else READS
    result = BenchResult("as_of_plan", ctx.backend.name,
                         "p50 latency of one household's plan as of (today, head) vs its current read, at two sizes")
    big = _measure(ctx.ledger, big_n, reads)
    result.series.extend(big)
    result.checks.append(Check.compare(big[0], big[1], 0.5, f"as-of <= 2x current at {big_n}"))
    if ctx.backend.is_postgres:
        result.notes.append("The small store is measured on SQLite only (no second PostgreSQL database here).")
    else:
        small_n = QUICK_SMALL if quick else SMALL
        root = ctx.backend.work_dir / "as-of-small"
        root.mkdir(parents=True, exist_ok=True)
        small_backend = Backend("sqlite", root / "data", root)
        try:
            generate_base(small_backend, small_n, seed=11)
            with build(small_backend.settings()) as small_ledger:
                small = _measure(small_ledger, small_n, reads)
        finally:
            small_backend.close()
        result.series.extend(small)
        result.checks.append(Check.compare(small[0], small[1], 0.5, f"as-of <= 2x current at {small_n}"))
        result.checks.append(Check.compare(big[0], small[0], 0.5,
                                           f"as-of at {big_n} within 2x of as-of at {small_n} (size-independent)"))
        result.size["small_households"] = small_n
    result.size.update(households=big_n, reads=2 * reads)
    result.seconds = time.perf_counter() - began
    return result
