"""Loading a 50-event household, without and with a snapshot, against a plain fetch-and-fold.

The households are bench households of exactly 50 events (:mod:`bench.workload`). One
set is written by the ledger as it runs (a snapshot every 50 events, so a snapshot at
version 50 and no later events); the other by a second ledger over the same store
with snapshots off, so loading it replays all 50 events.

* **ledger**: ``CaseLedger.repository.get(household_id)``, what every command and read
  starts with, *cold*: the household is evicted from the repository's cache first, so
  it is the latest snapshot (if any), the events after it, each unsealed with the
  household's data key (cached, as in the service) and applied to the aggregate.
* **ledger_cached** (no target): the same call again, now served from the cache (one
  query for later events, and a copy of the household).
* **fetch_fold**: the same 50 event rows selected with the database's own driver and
  folded into one dict with orjson (``state.update(orjson.loads(row))``).

Loads alternate between ledger and reference, household by household; each load is
timed on its own and the ratio compares the medians (p50).
"""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

import orjson

from ledger.bootstrap import build

from .context import Context
from .harness import BenchResult, Check, Series

__all__ = ["run"]


def run(ctx: Context) -> list[BenchResult]:
    b, sizes = ctx.backend, ctx.sizes
    began = time.perf_counter()
    with_snapshot = [ctx.work.create(ctx.ledger, 50).household_id for _ in range(sizes.load_households)]
    with build(b.settings(snapshot_interval=10**9)) as unsnapshotted:
        without = [ctx.work.create(unsnapshotted, 50).household_id for _ in range(sizes.load_households)]
    setup = (time.perf_counter() - began) / 2  # shared by the two results

    conn = b.connect()
    fetch = b.sql(f"SELECT originator_version, state FROM {b.events_table} WHERE originator_id = %s "
                  "ORDER BY originator_version")

    def fetch_fold(hid: UUID) -> dict[str, Any]:
        state: dict[str, Any] = {}
        rows = conn.execute(fetch, (b.oid(hid),)).fetchall()
        for version, payload in rows:
            state.update(orjson.loads(payload))
            state["version"] = version
        return state

    snapshots = ctx.ledger.app.snapshots
    assert snapshots is not None
    repository = ctx.ledger.app.repository
    get = repository.get

    def evict(hid: UUID) -> None:  # a cold load: the household is not in the repository's cache
        if repository.cache is not None and hid in repository.cache.cache:
            repository.cache.get(hid, evict=True)

    results = []
    for name, households, snapshotted in (("load_no_snapshot", without, False), ("load_snapshot", with_snapshot, True)):
        measured = time.perf_counter()
        stored = [len(snapshots.recorder.select_events(h)) for h in households]
        assert all(stored) if snapshotted else not any(stored), (name, stored)
        ledger_s = Series("ledger", "CaseLedger.repository.get: " + (
            "snapshot at version 50, no later events" if snapshotted else "replay of 50 events, no snapshot"),
            "latency", "ms")
        plain_s = Series("fetch_fold", "select the 50 event rows, fold with orjson", "latency", "ms")
        cached_s = Series("ledger_cached", "CaseLedger.repository.get of a household in its cache: one query for "
                          "later events, and a copy (what a command gets when the household was used recently)",
                          "latency", "ms")
        for h in households:  # warm up: statement caches, data keys
            get(h)
            fetch_fold(h)
        with ctx.profiles.section(f"{name}-{b.name}"):
            for i in range(sizes.load_ops):
                hid = households[i % len(households)]
                evict(hid)
                t0 = time.perf_counter()
                household = get(hid)
                t1 = time.perf_counter()
                ledger_s.values.append((t1 - t0) * 1000)
                assert household.version == 50
                t0 = time.perf_counter()
                state = fetch_fold(hid)
                plain_s.values.append((time.perf_counter() - t0) * 1000)
                assert state["version"] == 50
                t0 = time.perf_counter()
                household = get(hid)
                cached_s.values.append((time.perf_counter() - t0) * 1000)
                assert household.version == 50
        result = BenchResult(name, b.name, "p50 latency of loading one 50-event household "
                             + ("(snapshot at 50)" if snapshotted else "(no snapshot)"))
        result.series = [ledger_s, plain_s, cached_s]
        result.checks = [Check.compare(ledger_s, plain_s, None if snapshotted else 0.5,
                                       "-" if snapshotted else "p50 <= 2x (>= 0.5x)"),
                         Check.compare(cached_s, plain_s, None, "-")]
        result.size = {"households": len(households), "events": 50, "loads": sizes.load_ops}
        result.seconds = setup + time.perf_counter() - measured
        results.append(result)
    return results
