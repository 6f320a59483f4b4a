"""``python -m bench.scale``: the ledger at scale (issue 7).

Three measurements per backend, each against its reference in the same run:

* **import** (rows/s): ``ledger.bulk.import_file`` of N invented households (the demo's
  plan as JSON Lines) into a fresh store, validation pass included, against the
  database's own bulk path for *the same stored rows*: the rows the import wrote to the
  events table, read back and written into a twin table (``LIKE ... INCLUDING ALL``) in
  batches of 1,000, one transaction per batch: psycopg 3 ``cursor.copy`` on PostgreSQL,
  ``executemany`` on SQLite. Target: ledger >= 0.8x the reference. A fresh store per repeat.
* **access_queries** (ms per query, p50/p95): the privacy officer's API
  ``ReadSide.access_records(officer, household_id= | user_id= | day=, limit=100)`` at 1M
  and 10M access records: it records the officer's own read first (an ``AccessRecorded``
  saved in the ledger), waits for the views to hold everything written before, then
  queries the ``access_log`` view. Also the view query alone (``access_log.records``).
  The view tables are filled with synthetic rows in bulk (COPY / executemany), with
  positions from 10^12 up so they never meet the ledger's own positions; the event store
  holds only the real records the officer's reads write. Between two queries the runner
  catches up, untimed (as the service's follower does), so each query finds the view at
  the head. Target: p95 <= 50 ms at 10M.
* **memory** (peak RSS, MB): ``ledger audit verify`` and ``ledger projections rebuild``
  in a fresh child process (``bench.child``, ``VmHWM``) over stores of each size in
  ``--events``, written by the bulk import (its rate at that size is reported too).
  ``--rebuild-prefix N`` stops each rebuild after N events (peak RSS over a bounded
  prefix) where a full rebuild does not fit in the time.

Synthetic data only (``ledger.demo``'s invented municipality; invented ids for the
access records). ``--quick`` runs every part at toy sizes (CI: it only shows it runs).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from .backends import ROOT, Backend, PostgresServer
from .harness import BenchResult, Check, Series, dumps, machine_info, markdown_table, text_table

OFFSET = 10**12  # synthetic access records' positions start above any real position
HOUSEHOLDS_PER_CHUNK = 1000
QUERY_KINDS = ("household", "user", "day")


def _say(message: str) -> None:
    print(f"[scale {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _operator() -> Any:
    from ledger.aggregates import Actor

    return Actor(user_id="migration-01", organisation="gemeente-demodorp", role="operator")


# ===================================================================== input
def write_input(path: Path, households: int, seed: int) -> int:
    """The import file: ``households`` invented households (chunks of the demo plan), one JSON line each."""
    from ledger.bulk import plan_lines
    from ledger.demo import default_start

    start = default_start()
    end = date.today() - timedelta(days=1)
    written = 0
    with path.open("w", encoding="utf-8") as f:
        chunk = 0
        while written < households:
            n = min(HOUSEHOLDS_PER_CHUNK, households - written)
            for line in plan_lines(households=n, seed=seed * 100_000 + chunk, start=start, end=end):
                f.write(line)
            written += n
            chunk += 1
    return written


# ===================================================================== stores
class Stores:
    """Fresh stores for one backend: a data dir each, and on PostgreSQL a database each."""

    def __init__(self, kind: str, root: Path, pg: PostgresServer | None) -> None:
        self.kind, self.root, self.pg = kind, root, pg
        self.n = 0

    def fresh(self, label: str) -> Backend:
        self.n += 1
        name = f"{label}_{self.n}"
        work = self.root / self.kind / name
        work.mkdir(parents=True)
        url = self.pg.database(name) if self.pg is not None else None
        return Backend(self.kind, work / "data", work, url)

    def drop(self, backend: Backend) -> None:
        backend.close()
        if backend.is_postgres and self.pg is not None:
            import psycopg

            name = backend.database_url.rsplit("/", 1)[-1].split("?")[0]
            with psycopg.connect(self.pg._server.url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(backend.work_dir, ignore_errors=True)




def _import(backend: Backend, path: Path, profile_to: Path | None = None) -> tuple[Any, float, int, int]:
    """The ledger's import into ``backend``: the report, the seconds, the rows in the events table, and how
    many of those the start-up and the directory set-up wrote before the import."""
    from ledger.bootstrap import build
    from ledger.bulk import import_file, staff_named

    from ledger.demo import register_organisations

    with build(backend.settings()) as ledger:
        register_organisations(ledger, _operator())  # the input is the demo's: its organisations (not timed)
        with path.open(encoding="utf-8") as lines:  # the staff the file names are users (not timed)
            for user_id, (organisation, role) in staff_named(lines).items():
                if not ledger.users.is_organisation(organisation):
                    ledger.users.add_organisation(organisation, organisation, "partner", by=_operator())
                if not ledger.app.is_user(user_id):
                    ledger.users.add(display_name=f"Staff {user_id}", organisation=organisation, role=role,
                                     user_id=user_id)
        setup = ledger.app.recorder.max_notification_id() or 0  # start-up and the directory: not the import's
        profiler = None
        if profile_to is not None:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        t0 = time.perf_counter()
        report = import_file(ledger.app, path, _operator())
        seconds = time.perf_counter() - t0
        if profiler is not None:
            profiler.disable()
            from .context import write_profile

            write_profile(profiler, profile_to)
        rows = ledger.app.recorder.max_notification_id() or 0
    return report, seconds, rows, setup


def _stored_rows(backend: Backend) -> list[tuple[Any, ...]]:
    conn = backend.connect()
    rows = conn.execute(f"SELECT originator_id, originator_version, topic, state FROM {backend.events_table} "
                        f"ORDER BY {backend.position_column}").fetchall()
    return [tuple(r) for r in rows]


def _reference(backend: Backend, rows: list[tuple[Any, ...]], batch: int = 1000) -> float:
    """The same rows into a twin of the events table, ``batch`` rows per transaction; returns the seconds."""
    if backend.is_postgres:
        conn = backend.connect()
        conn.execute("DROP TABLE IF EXISTS bench_twin_events")
        conn.execute(f"CREATE TABLE bench_twin_events (LIKE {backend.events_table} INCLUDING ALL)")
        copy_sql = "COPY bench_twin_events (originator_id, originator_version, topic, state) FROM STDIN"
        t0 = time.perf_counter()
        for i in range(0, len(rows), batch):
            with conn.transaction(), conn.cursor() as cur, cur.copy(copy_sql) as copy:
                for row in rows[i:i + batch]:
                    copy.write_row(row)
        seconds = time.perf_counter() - t0
        conn.execute("DROP TABLE bench_twin_events")
        return seconds
    ddl = backend.connect().execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'stored_events'").fetchone()[0]
    twin = backend.work_dir / "twin.sqlite"
    twin.unlink(missing_ok=True)
    conn = backend.connect(twin)
    conn.execute(ddl)
    insert = "INSERT INTO stored_events (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)"
    t0 = time.perf_counter()
    for i in range(0, len(rows), batch):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(insert, rows[i:i + batch])
        conn.execute("COMMIT")
    return time.perf_counter() - t0


def bench_import(stores: Stores, input_path: Path, households: int, repeats: int,
                 profile_dir: Path | None) -> BenchResult:
    began = time.perf_counter()
    kind = stores.kind
    result = BenchResult("import", kind, f"rows/s: bulk import of {households} households vs the same rows "
                                         "in batches of 1,000 (one transaction each)")
    whole = Series("ledger", "ledger import FILE: validation pass + write pass (keys, events, access records, "
                             "snapshots, chain)", "rate", "rows/s")
    write = Series("ledger_write", "the write pass alone", "rate", "rows/s")
    ref_label = ("psycopg cursor.copy of the stored rows into a twin table" if kind == "postgres"
                 else "sqlite3 executemany of the stored rows into a twin table")
    ref = Series("copy" if kind == "postgres" else "executemany", ref_label, "rate", "rows/s")
    report = None
    rows_n = 0
    for i in range(repeats):
        backend = stores.fresh("import")
        try:
            report, seconds, rows_n, setup = _import(backend, input_path)
            rows = _stored_rows(backend)
            assert len(rows) == rows_n and rows_n - setup == report.events + report.access_records, (len(rows), rows_n)
            whole.values.append(rows_n / seconds)
            write.values.append(rows_n / report.write_seconds)
            ref.values.append(rows_n / _reference(backend, rows))
            _say(f"{kind} import {i + 1}/{repeats}: {rows_n} rows in {seconds:.1f} s "
                 f"(write pass {report.write_seconds:.1f} s); reference {ref.values[-1]:.0f} rows/s")
        finally:
            stores.drop(backend)
    if profile_dir is not None:
        backend = stores.fresh("import_profile")
        try:
            profile_dir.mkdir(parents=True, exist_ok=True)
            _import(backend, input_path, profile_dir / f"import-{kind}")
            result.notes.append(f"profile of one extra (untimed) import: {profile_dir}/import-{kind}.txt")
        finally:
            stores.drop(backend)
    result.series = [whole, write, ref]
    result.checks = [Check.compare(whole, ref, 0.8, ">= 0.8x"), Check.compare(write, ref, None)]
    assert report is not None
    result.size = {"households": report.households, "household_events": report.events,
                   "access_records": report.access_records, "rows": rows_n - setup, "batches": report.batches,
                   "repeats": repeats, "validate_seconds_last": round(report.validate_seconds, 2),
                   "write_seconds_last": round(report.write_seconds, 2)}
    result.notes.append("rows = rows in the events table (household events + one access record per household); "
                        "the ledger also writes data keys, snapshots and the hash chain, the reference does not")
    result.seconds = time.perf_counter() - began
    return result


# ===================================================================== access records
class AccessFill:
    """Synthetic access records with a realistic spread, appended to the access_log view's tables."""

    ACTIONS = (("read_household", 30), ("read_plan", 20), ("read_history", 5), ("read_involvement", 8),
               ("record_zrm_measurement", 4), ("add_plan_action", 6), ("complete_plan_action", 5),
               ("record_intake", 2), ("set_plan_goal", 3), ("start_involvement", 3), ("record_cost", 2),
               ("list_households", 8), ("read_caseloads", 3), ("close_case", 1))
    CATEGORIES = ("identity", "contact", "composition", "plan", "zrm", "involvement", "social_network",
                  "finances", "housing", "mental_health", "parenting", "costs")
    ROLES = ("consultant", "professional")

    def __init__(self, seed: int, households: int = 50_000, users: int = 2_000, organisations: int = 60,
                 days: int = 3 * 365) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        self.households = [f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-4{rng.getrandbits(12):03x}-"
                           f"8{rng.getrandbits(12):03x}-{rng.getrandbits(48):012x}" for _ in range(households)]
        self.users = [f"u-{i:04d}" for i in range(users)]
        self.orgs = [f"Organisatie {i:02d}" for i in range(organisations)]
        last = date.today() - timedelta(days=1)
        self.days = [last - timedelta(days=d) for d in range(days)][::-1]
        self.day_weights = [5 if d.weekday() < 5 else 1 for d in self.days]
        names, weights = zip(*self.ACTIONS, strict=True)
        self.action_names, self.action_weights = list(names), list(weights)
        self.written = 0

    def rows(self, n: int) -> Iterator[tuple[tuple[Any, ...], list[str]]]:
        """(record row, categories) for the next ``n`` records, in position order."""
        rng = self.rng
        days = rng.choices(self.days, weights=self.day_weights, k=n)
        days.sort()  # positions follow time, as in the ledger
        actions = rng.choices(self.action_names, weights=self.action_weights, k=n)
        n_h, n_u = len(self.households), len(self.users)
        for i in range(n):
            position = OFFSET + self.written + i + 1
            day = days[i]
            at = datetime(day.year, day.month, day.day, 7, tzinfo=UTC) + timedelta(seconds=rng.randrange(36_000))
            action = actions[i]
            household = None if action in ("list_households", "read_caseloads") else \
                self.households[int(n_h * rng.random() ** 1.6)]  # some households draw far more attention
            u = int(n_u * rng.random() ** 1.3)
            user = self.users[u]
            org = self.orgs[u % len(self.orgs)]
            roll = rng.random()
            emergency = household is not None and roll < 0.02
            outcome = "denied" if 0.02 <= roll < 0.035 else ("refused" if 0.035 <= roll < 0.04 else "allowed")
            cats = [] if household is None else rng.sample(self.CATEGORIES, rng.choice((1, 1, 2, 3)))
            record_id = f"00000000-0000-4000-8000-{self.written + i + 1:012x}"
            yield ((position, record_id, at, day, action, household, user, None, org, self.ROLES[u % 2],
                    "coordination", "emergency" if emergency else "involvement", outcome,
                    "synthetic record", emergency, None, None, None, None), cats)
        self.written += n


RECORD_COLUMNS = ("position", "record_id", "at", "day", "action", "household_id", "user_id", "on_behalf_of",
                  "organisation", "role", "purpose", "authorisation", "outcome", "reason", "emergency",
                  "subject_user_id", "review_verdict", "reviewed_by", "reviewed_at")


def _secondary_indexes() -> list[Any]:
    from ledger.projections.access_log import categories_table, records_table

    return [*records_table.indexes, *categories_table.indexes]


def fill_access(engine: Any, fill: AccessFill, n: int, chunk: int = 200_000) -> float:
    """Append ``n`` synthetic records to the view (secondary indexes dropped meanwhile, then rebuilt); seconds."""
    t0 = time.perf_counter()
    indexes = _secondary_indexes()
    with engine.begin() as conn:
        for ix in indexes:
            ix.drop(conn, checkfirst=True)
    raw = engine.raw_connection()
    try:
        done = 0
        while done < n:
            batch = list(fill.rows(min(chunk, n - done)))
            if engine.dialect.name == "postgresql":
                cur = raw.cursor()
                with cur.copy(f"COPY view_access_records ({', '.join(RECORD_COLUMNS)}) FROM STDIN") as copy:
                    for row, _ in batch:
                        copy.write_row(row)
                with cur.copy("COPY view_access_categories (position, category, household_id, at) FROM STDIN") as copy:
                    for row, cats in batch:
                        for c in cats:
                            copy.write_row((row[0], c, row[5], row[2]))
            else:
                cur = raw.cursor()
                cur.executemany(
                    f"INSERT INTO view_access_records ({', '.join(RECORD_COLUMNS)}) VALUES "
                    f"({', '.join('?' * len(RECORD_COLUMNS))})",
                    [(*r[:2], r[2].strftime("%Y-%m-%d %H:%M:%S.%f"), r[3].isoformat(), *r[4:]) for r, _ in batch])
                cur.executemany(
                    "INSERT INTO view_access_categories (position, category, household_id, at) VALUES (?, ?, ?, ?)",
                    [(r[0], c, r[5], r[2].strftime("%Y-%m-%d %H:%M:%S.%f")) for r, cats in batch for c in cats])
            raw.commit()
            done += len(batch)
    finally:
        raw.close()
    with engine.begin() as conn:
        for ix in indexes:
            ix.create(conn)
        conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - t0


PROPOSED_INDEXES = (  # what docs/performance.md proposes for ledger/projections/access_log.py (not applied there)
    ("ix_bench_access_household_position", "household_id, position"),
    ("ix_bench_access_user_position", "user_id, position"),
    ("ix_bench_access_day_position", "day, position"),
)


def _proposed_indexes(engine: Any, create: bool) -> None:
    with engine.begin() as conn:
        for name, columns in PROPOSED_INDEXES:
            conn.exec_driver_sql(f"CREATE INDEX {name} ON view_access_records ({columns})" if create
                                 else f"DROP INDEX IF EXISTS {name}")
        if create:
            conn.exec_driver_sql("ANALYZE")


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def _explain(engine: Any, kind: str, value: Any) -> str:
    """The view query's plan for one value (PostgreSQL: EXPLAIN ANALYZE, BUFFERS)."""
    from ledger.projections.access_log import records_table as r

    import sqlalchemy as sa

    column = {"household": r.c.household_id, "user": r.c.user_id, "day": r.c.day}[kind]
    q = sa.select(r).where(r.c.position > 0, column == value).order_by(r.c.position).limit(100)
    compiled = q.compile(engine, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    with engine.connect() as conn:
        return "\n".join(" | ".join(str(c) for c in row) for row in conn.exec_driver_sql(prefix + str(compiled)))


def bench_queries(stores: Stores, sizes: list[int], queries: int, seed: int,
                  proposed: bool = False) -> list[BenchResult]:
    from ledger.aggregates import Actor
    from ledger.bootstrap import build
    from ledger.projections import access_log, open_views
    from ledger.projections.read_side import ReadSide

    kind = stores.kind
    backend = stores.fresh("access")
    results = []
    try:
        with build(backend.settings()) as ledger:
            # the municipality's own privacy officer: every record (a partner's sees their own staff's only)
            officer = Actor(user_id="po-001", organisation=ledger.app.municipality, role="privacy_officer")
            runner = open_views(ledger)
            side = ReadSide(runner)
            fill = AccessFill(seed)
            rng = random.Random(seed + 1)
            for size in sorted(sizes):
                began = time.perf_counter()
                fill_seconds = fill_access(runner.engine, fill, size - fill.written)
                _say(f"{kind}: view holds {fill.written} synthetic access records (filled in {fill_seconds:.0f} s)")
                result = BenchResult(f"access_queries_{size // 1_000_000}M" if size >= 1_000_000 else
                                     f"access_queries_{size}", kind,
                                     f"ms per query at {size:,} access records: the privacy officer's "
                                     "ReadSide.access_records(limit=100)")
                p: dict[str, Any] = {}
                variants = [("", False), ("_proposed", True)] if proposed else [("", False)]
                for suffix, with_indexes in variants:
                    if with_indexes:
                        _proposed_indexes(runner.engine, create=True)
                    for what in QUERY_KINDS:
                        full = Series(f"api_{what}{suffix}", f"ReadSide.access_records({what}=..., limit=100): "
                                      "record the officer's read, wait for the views, query"
                                      + (" (with the proposed indexes)" if with_indexes else ""), "latency", "ms")
                        alone = Series(f"view_{what}{suffix}", f"access_log.records({what}=..., limit=100): the "
                                       "view query alone" + (" (with the proposed indexes)" if with_indexes else ""),
                                       "latency", "ms")
                        for i in range(queries + 5):
                            arg: dict[str, Any] = {
                                "household": lambda: {"household_id": rng.choice(fill.households)},
                                "user": lambda: {"user_id": rng.choice(fill.users)},
                                "day": lambda: {"day": rng.choice(fill.days)},
                            }[what]()
                            runner.catch_up()  # untimed: the follower applies the previous read's record
                            t0 = time.perf_counter()
                            got = side.access_records(officer, limit=100, **arg)
                            t_full = time.perf_counter() - t0
                            with runner.engine.connect() as conn:
                                t0 = time.perf_counter()
                                again = access_log.records(conn, limit=100, **arg)
                                t_alone = time.perf_counter() - t0
                            assert len(got) == len(again) <= 100
                            if i >= 5:  # the first five warm up
                                full.values.append(t_full * 1000)
                                alone.values.append(t_alone * 1000)
                        result.series += [full, alone]
                        p[what + suffix] = {s.subject: {"p50": round(_pct(s.values, 50), 3),
                                                        "p95": round(_pct(s.values, 95), 3), "max": round(s.max, 3)}
                                            for s in (full, alone)}
                        sample = {"household": fill.households[0], "user": fill.users[0], "day": fill.days[-1]}[what]
                        result.notes.append(f"plan ({what}{suffix}): " + _explain(runner.engine, what, sample))
                    if with_indexes:
                        _proposed_indexes(runner.engine, create=False)
                result.size = {"access_records": fill.written, "queries_per_kind": queries, "percentiles_ms": p,
                               "target": "p95 <= 50 ms at 10M (api_*)",
                               "met": {k: v[f"api_{k}"]["p95"] <= 50 for k, v in p.items()},
                               "proposed_indexes": [f"view_access_records ({c})" for _, c in PROPOSED_INDEXES]
                               if proposed else None,
                               "fill_seconds": round(fill_seconds, 1),
                               "distribution": "50,000 households (skewed), 2,000 users in 60 organisations "
                                               "(skewed), 3 years of days (weekdays 5x), 2% emergencies, "
                                               "1-3 data categories per household record"}
                result.seconds = time.perf_counter() - began
                results.append(result)
                _say(f"{kind} at {fill.written:,}: " + "; ".join(
                    f"{k} p50 {v[f'api_{k}']['p50']:.1f} / p95 {v[f'api_{k}']['p95']:.1f} ms "
                    f"(view alone p95 {v[f'view_{k}']['p95']:.1f})" for k, v in p.items()))
    finally:
        stores.drop(backend)
    return results


# ===================================================================== memory
def _rebuild_prefix_child(limit: int) -> None:
    """Child mode: rebuild the views but stop after ``limit`` events; print the peak RSS as bench.child does."""
    from ledger.bootstrap import build
    from ledger.config import Settings
    from ledger.logs import configure_logging
    from ledger.projections import open_views

    from .child import _rss_kb

    class Enough(Exception):
        pass

    def stop(progress: Any) -> None:
        if progress.done >= limit:
            raise Enough

    configure_logging("warning")
    out: dict[str, Any] = {"what": f"rebuild_prefix:{limit}", "rss_imported_kb": _rss_kb()}
    with build(Settings()) as ledger:
        runner = open_views(ledger)
        t0 = time.perf_counter()
        try:
            runner.rebuild(progress=stop)
            out["complete"] = True
        except Enough:
            out["complete"] = False
        out["count"] = runner.position()
        out["seconds"] = time.perf_counter() - t0
    out["maxrss_kb"] = _rss_kb()
    print(json.dumps(out))


def _run_prefix(backend: Backend, limit: int) -> dict[str, Any]:
    import subprocess

    env = {**os.environ, **backend.child_env()}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-m", "bench.scale", "--child-rebuild-prefix", str(limit)], env=env,
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"rebuild prefix child failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_memory(stores: Stores, sizes: list[int], seed: int, rebuild_prefix: int | None,
                 events_per_household: float) -> BenchResult:
    from .child import run_child

    kind = stores.kind
    began = time.perf_counter()
    result = BenchResult("memory_scale", kind, "peak RSS (VmHWM) of a fresh process: audit verify and projections "
                                               "rebuild at each store size")
    verify_s = Series("verify", "ledger audit verify (chain + snapshots), MB per size", "memory", "MB")
    rebuild_s = Series("rebuild", "ledger projections rebuild" + (f" (first {rebuild_prefix:,} events)"
                                                                  if rebuild_prefix else "") + ", MB per size",
                       "memory", "MB")
    base_s = Series("baseline", "build the ledger and open the views, nothing else", "memory", "MB")
    per_size: list[dict[str, Any]] = []
    for size in sorted(sizes):
        backend = stores.fresh("memory")
        try:
            households = max(2, round(size / events_per_household))
            path = backend.work_dir / "input.jsonl"
            t0 = time.perf_counter()
            write_input(path, households, seed)
            gen = time.perf_counter() - t0
            _say(f"{kind} memory: importing {households} households (target {size:,} events)")
            report, seconds, rows, _setup = _import(backend, path)
            path.unlink()
            _say(f"{kind} memory: {rows:,} rows imported in {seconds:.0f} s ({rows / seconds:.0f} rows/s)")
            base = run_child(backend, "baseline")
            verify = run_child(backend, "verify")
            _say(f"{kind} memory: verify of {verify['count']:,} records in {verify['seconds']:.0f} s, "
                 f"peak {verify['maxrss_kb'] / 1024:.0f} MB")
            rebuild = _run_prefix(backend, rebuild_prefix) if rebuild_prefix else run_child(backend, "rebuild")
            _say(f"{kind} memory: rebuild of {rebuild['count']:,} events in {rebuild['seconds']:.0f} s, "
                 f"peak {rebuild['maxrss_kb'] / 1024:.0f} MB")
            base_s.values.append(base["maxrss_kb"] / 1024)
            verify_s.values.append(verify["maxrss_kb"] / 1024)
            rebuild_s.values.append(rebuild["maxrss_kb"] / 1024)
            per_size.append({"target_events": size, "rows": rows, "households": report.households,
                             "input_seconds": round(gen, 1), "import_seconds": round(seconds, 1),
                             "import_rows_per_second": round(rows / seconds, 1),
                             "baseline_mb": round(base["maxrss_kb"] / 1024, 1),
                             "verify": {"records": verify["count"], "seconds": round(verify["seconds"], 1),
                                        "chain_seconds": round(verify.get("chain_seconds", 0), 1),
                                        "peak_mb": round(verify["maxrss_kb"] / 1024, 1)},
                             "rebuild": {"events": rebuild["count"], "seconds": round(rebuild["seconds"], 1),
                                         "complete": rebuild.get("complete", True),
                                         "peak_mb": round(rebuild["maxrss_kb"] / 1024, 1)}})
        finally:
            stores.drop(backend)
    result.series = [base_s, verify_s, rebuild_s]
    result.size = {"sizes": per_size, "rebuild_prefix": rebuild_prefix}
    result.seconds = time.perf_counter() - began
    return result


# ===================================================================== report
def markdown(document: dict[str, Any], results: list[BenchResult]) -> str:
    m = document["machine"]
    lines = [f"Scale benchmarks (`{document['command']}`), {document['date']}, "
             f"{m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('memory_mb', '?')} MB; "
             f"PostgreSQL {m.get('postgres') or '-'}. Min / median / max over the repeats.", ""]
    imports = [r for r in results if r.name == "import"]
    if imports:
        lines += ["**Bulk import vs the database's bulk path for the same rows** (batches of 1,000)", "",
                  markdown_table(imports), ""]
    queries = [r for r in results if r.name.startswith("access_queries")]
    if queries:
        lines += ["**Privacy officer's access-record queries** (`limit=100`; api = record the read + wait + "
                  "query; view = the query alone); target p95 <= 50 ms at 10M", "",
                  "| backend | records | kind | api p50 | api p95 | api max | view p50 | view p95 | p95 <= 50 ms |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in queries:
            for k, v in r.size["percentiles_ms"].items():
                a, w = v[f"api_{k}"], v[f"view_{k}"]
                kind = k.replace("_proposed", " (proposed indexes)")
                lines.append(f"| {r.backend} | {r.size['access_records']:,} | {kind} | {a['p50']:.1f} | {a['p95']:.1f} | "
                             f"{a['max']:.1f} | {w['p50']:.1f} | {w['p95']:.1f} | "
                             f"{'met' if a['p95'] <= 50 else '**missed**'} |")
        lines.append("")
    memory = [r for r in results if r.name == "memory_scale"]
    if memory:
        lines += ["**Peak RSS (VmHWM, fresh process) by store size**", "",
                  "| backend | rows in log | import rows/s | verify: s / peak MB | rebuild: events / s / peak MB | "
                  "baseline MB |", "|---|---|---|---|---|---|"]
        for r in memory:
            for s in r.size["sizes"]:
                v, b = s["verify"], s["rebuild"]
                lines.append(f"| {r.backend} | {s['rows']:,} | {s['import_rows_per_second']:,.0f} | "
                             f"{v['seconds']:.0f} s / {v['peak_mb']:.0f} MB | "
                             f"{b['events']:,}{'' if b['complete'] else ' (prefix)'} / {b['seconds']:.0f} s / "
                             f"{b['peak_mb']:.0f} MB | {s['baseline_mb']:.0f} |")
        lines.append("")
    return "\n".join(lines)


def merge(argv: list[str]) -> int:
    """``--merge A.json B.json ... --out X.json --markdown X.md``: several runs' documents in one (each keeps its command)."""
    from .harness import results_from_json

    parser = argparse.ArgumentParser(prog="python -m bench.scale --merge")
    parser.add_argument("inputs", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    docs = [json.loads(p.read_text()) for p in args.inputs]
    document = {"command": " ; ".join(d["command"] for d in docs), "date": docs[-1]["date"],
                "machine": {**docs[0]["machine"], "postgres": next((d["machine"]["postgres"] for d in docs
                                                                    if d["machine"].get("postgres")), None)},
                "runs": [{k: d[k] for k in ("command", "date", "seconds", "quick")} | {
                    "load_average": d["machine"].get("load_average"),
                    "load_average_at_end": d["machine"].get("load_average_at_end")} for d in docs],
                "quick": any(d["quick"] for d in docs), "seconds": round(sum(d["seconds"] for d in docs), 1),
                "results": [r for d in docs for r in d["results"]], "missed": [m for d in docs for m in d["missed"]]}
    args.out.write_text(dumps(document))
    if args.markdown:
        parts = []
        for i, d in enumerate(docs, start=1):
            m = d["machine"]
            parts.append(f"### Run {i} (commit {m.get('git_commit')}, load average {m.get('load_average')} at the "
                         f"start, {m.get('load_average_at_end')} at the end, {d['seconds']:.0f} s)\n\n"
                         + markdown(d, results_from_json(d)))
        args.markdown.write_text("\n".join(parts) + "\n")
    return 0


def _ints(text: str) -> list[int]:
    return [int(float(x)) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child-rebuild-prefix"]:
        _rebuild_prefix_child(int(argv[1]))
        return 0
    if argv[:1] == ["--merge"]:
        return merge(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="postgres")
    parser.add_argument("--quick", action="store_true", help="toy sizes: check that every part runs (CI)")
    parser.add_argument("--only", default="import,queries,memory", help="import,queries,memory (any of them)")
    parser.add_argument("--households", type=int, help="households per import repeat (default 2000; quick 8)")
    parser.add_argument("--repeats", type=int, help="import repeats (default 3; quick 1)")
    parser.add_argument("--records", type=_ints, help="access-record counts (default 1000000,10000000)")
    parser.add_argument("--queries", type=int, help="queries per kind and size (default 200; quick 10)")
    parser.add_argument("--proposed-indexes", action="store_true",
                        help="measure the queries again with the proposed (kind, position) indexes on the view")
    parser.add_argument("--events", type=_ints, help="store sizes for the memory part (default 100000,1000000)")
    parser.add_argument("--rebuild-prefix", type=int, help="stop each rebuild after this many events")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="write the results as JSON to this file")
    parser.add_argument("--markdown", type=Path, help="write the tables as Markdown to this file")
    parser.add_argument("--profile", type=Path, metavar="DIR", help="cProfile one extra import into DIR")
    parser.add_argument("--work-dir", type=Path, help="where the scratch stores go (default: a new temp dir)")
    args = parser.parse_args(argv)

    from ledger.logs import configure_logging

    configure_logging("warning")
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    households = args.households or (8 if args.quick else 2000)
    repeats = args.repeats or (1 if args.quick else 3)
    records = args.records or ([3000, 6000] if args.quick else [1_000_000, 10_000_000])
    queries = args.queries or (10 if args.quick else 200)
    events = args.events or ([300, 600] if args.quick else [100_000, 1_000_000])
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    if args.work_dir:
        args.work_dir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="ledger-scale-", dir=args.work_dir))
    root.chmod(0o755)  # the PostgreSQL server user must reach its cluster below it
    pg = PostgresServer(root / "pg") if "postgres" in backends else None
    machine = machine_info()
    began = time.perf_counter()
    results: list[BenchResult] = []
    failed = False
    try:
        input_path = root / "import.jsonl"
        if "import" in only:
            n = write_input(input_path, households, args.seed)
            _say(f"import input: {n} households, {input_path.stat().st_size / 1e6:.1f} MB")
        for kind in backends:
            stores = Stores(kind, root, pg if kind == "postgres" else None)
            try:
                if "import" in only:
                    results.append(bench_import(stores, input_path, households, repeats, args.profile))
                if "queries" in only:
                    results.extend(bench_queries(stores, records, queries, args.seed, args.proposed_indexes))
                if "memory" in only:
                    per = 30.0
                    imp = next((r for r in results if r.name == "import" and r.backend == kind), None)
                    if imp is not None:
                        per = imp.size["household_events"] / imp.size["households"] + 1
                    results.append(bench_memory(stores, events, args.seed, args.rebuild_prefix, per))
            except Exception:  # noqa: BLE001 - report it, go on with the other backend, exit non-zero
                failed = True
                _say(f"{kind}: FAILED\n{traceback.format_exc()}")
        pg_version = pg.version() if pg is not None else None
    finally:
        if pg is not None:
            pg.stop()
        shutil.rmtree(root, ignore_errors=True)
    document = {
        "command": shlex.join(["python", "-m", "bench.scale", *argv]),
        "date": datetime.now(tz=UTC).isoformat(timespec="seconds"),
        "machine": {**machine, "postgres": pg_version, "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "quick": args.quick,
        "seconds": round(time.perf_counter() - began, 1),
        "results": [r.to_json() for r in results],
        "missed": [f"{r.backend}/{r.name}: ledger vs {c.reference} {c.ratio:.3f}x, target {c.target_text}"
                   for r in results for c in r.checks if c.met is False]
        + [f"{r.backend}/{r.name}: {k} p95 > 50 ms" for r in results if r.name.startswith("access_queries")
           and r.size["access_records"] >= 10_000_000 for k, ok in r.size["met"].items() if not ok],
    }
    if args.out:
        args.out.write_text(dumps(document))
        _say(f"results: {args.out}")
    if args.markdown:
        args.markdown.write_text(markdown(document, results) + "\n")
    print(text_table([r for r in results if r.checks]))
    print(markdown(document, [r for r in results if not r.checks]))
    print(f"{len(results)} results in {document['seconds']} s" + (" (quick: toy sizes)" if args.quick else ""))
    for line in document["missed"]:
        print(f"target missed: {line}")
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
