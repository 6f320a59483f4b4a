"""Whole-ledger scans: projection rebuild, audit verify, and their peak memory.

Rebuild (events/s over the whole notification log):

* **ledger**: ``open_views(ledger).rebuild()`` (``ledger projections rebuild``): drop
  the five views and replay every notification into them, 500 at a time, each batch
  and its position in one transaction per view. Run in a fresh process per repeat
  (:mod:`bench.child`), which also gives its peak RSS.
* **eventsourcing**: ``app.recorder.select_notifications`` in pages of 500 and
  eventsourcing's own ``Mapper.to_domain_event`` for each (the ledger's transcoder,
  no sealing): reading and decoding, no view writes.
* **keyset_orjson**: ``SELECT ... WHERE id > ? ORDER BY id LIMIT 500`` with the
  database's driver and ``orjson.loads`` of each state.

Verify (records/s): ``chain.verify()`` (recompute the hash chain over the log and
compare with the stored chain) and the whole ``ledger audit verify`` (that, plus
``verify_snapshots``: replay every household and compare each snapshot), against a
plain keyset scan of the log and the chain table with the same SHA-256 links.
"""

from __future__ import annotations

import hashlib
import struct
import time
from pathlib import Path
from uuid import UUID

import orjson
from eventsourcing.persistence import Mapper

from ledger.privacy.chain import GENESIS

from .child import run_child
from .context import Context, write_profile
from .harness import BenchResult, Check, Series

__all__ = ["peak_rss", "rebuild", "verify"]

PAGE = 500


def _children(ctx: Context, what: str, repeats: int, *, first: bool = True) -> list[dict]:
    """``repeats`` fresh child processes; with ``--profile``, the first of the benchmark is profiled."""
    out = []
    for i in range(repeats):
        profile_to = None
        if ctx.profiles.enabled and first and i == 0:
            assert ctx.profiles.out_dir is not None
            ctx.profiles.out_dir.mkdir(parents=True, exist_ok=True)
            profile_to = str(ctx.profiles.out_dir / f"{what}-{ctx.backend.name}.prof")
        out.append(run_child(ctx.backend, what, profile_to))
        if profile_to:
            import pstats

            write_profile(pstats.Stats(profile_to), Path(profile_to).with_suffix(""))
    return out


def rebuild(ctx: Context) -> tuple[BenchResult, list[dict]]:
    b, app = ctx.backend, ctx.ledger.app
    began = time.perf_counter()
    result = BenchResult("rebuild", b.name, "events/s: the whole notification log into the five views")
    ledger_s = Series("ledger", "open_views(ledger).rebuild(), fresh process per repeat", "rate", "events/s")
    raw_s = Series("eventsourcing", "recorder.select_notifications(500) + Mapper.to_domain_event", "rate", "events/s")
    plain_s = Series("keyset_orjson", "keyset SELECT ... LIMIT 500 + orjson.loads", "rate", "events/s")
    mapper = Mapper(transcoder=app.mapper.transcoder)
    conn = b.connect()
    keyset = b.sql(f"SELECT {b.position_column}, originator_id, originator_version, topic, state "
                   f"FROM {b.events_table} WHERE {b.position_column} > %s ORDER BY {b.position_column} LIMIT {PAGE}")
    head = app.recorder.max_notification_id() or 0
    children = []
    for repeat in range(ctx.sizes.rebuild_repeats):
        child = _children(ctx, "rebuild", 1, first=repeat == 0)[0]  # only the first repeat is profiled
        children.append(child)
        assert child["count"] == head, (child["count"], head)
        ledger_s.values.append(child["count"] / child["seconds"])

        t0, n, start = time.perf_counter(), 0, 0
        while page := app.recorder.select_notifications(start=start, limit=PAGE, inclusive_of_start=False):
            for notification in page:
                mapper.to_domain_event(notification)
            n += len(page)
            start = page[-1].id
        raw_s.values.append(n / (time.perf_counter() - t0))
        assert n == head

        t0, n, start = time.perf_counter(), 0, 0
        while rows := conn.execute(keyset, (start,)).fetchall():
            for _pos, _oid, _version, _topic, state in rows:
                orjson.loads(state)
            n += len(rows)
            start = rows[-1][0]
        plain_s.values.append(n / (time.perf_counter() - t0))
        assert n == head
    result.series = [ledger_s, raw_s, plain_s]
    result.checks = [Check.compare(ledger_s, plain_s, 0.5, ">= 0.5x"), Check.compare(ledger_s, raw_s, None)]
    result.size = {"events": head, "household_events": ctx.base_events, "repeats": ctx.sizes.rebuild_repeats}
    result.seconds = time.perf_counter() - began
    return result, children


def _link(previous: bytes, position: int, originator_id: UUID, version: int, topic: str, state: bytes) -> bytes:
    h = hashlib.sha256(previous)
    for part in (str(position).encode(), str(originator_id).encode(), str(version).encode(), topic.encode(), state):
        h.update(struct.pack(">Q", len(part)))
        h.update(part)
    return h.digest()


def verify(ctx: Context) -> tuple[BenchResult, dict]:
    b, ledger = ctx.backend, ctx.ledger
    began = time.perf_counter()
    ledger.chain.extend()
    result = BenchResult("verify", b.name, "records/s: recompute and compare the hash chain over the whole log")
    chain_s = Series("ledger", "chain.verify(): the hash chain over the log vs the stored chain", "rate", "records/s")
    audit_s = Series("ledger_audit", "ledger audit verify: chain.verify() + verify_snapshots()", "rate", "records/s")
    plain_s = Series("keyset_sha256", "keyset scan of log and chain table, same SHA-256 links", "rate", "records/s")
    conn = b.connect()
    log_page = b.sql(f"SELECT {b.position_column}, originator_id, originator_version, topic, state "
                     f"FROM {b.events_table} WHERE {b.position_column} > %s ORDER BY {b.position_column} LIMIT 1000")
    chain_page = b.sql("SELECT position, hash FROM ledger_chain WHERE position > %s ORDER BY position LIMIT 1000")
    for _ in range(ctx.sizes.verify_repeats):
        with ctx.profiles.section(f"verify-{b.name}"):
            t0 = time.perf_counter()
            checked = ledger.chain.verify()
            chain_t = time.perf_counter() - t0
            bad = ledger.app.verify_snapshots()
            audit_t = time.perf_counter() - t0
        assert checked.ok and not bad, (checked, bad)
        chain_s.values.append(checked.checked / chain_t)
        audit_s.values.append(checked.checked / audit_t)

        t0, n, previous, start = time.perf_counter(), 0, GENESIS, 0
        stored: list = []
        while rows := conn.execute(log_page, (start,)).fetchall():
            for pos, oid, version, topic, state in rows:
                previous = _link(previous, pos, b.uuid(oid), version, topic, bytes(state))
                if not stored:
                    stored = conn.execute(chain_page, (pos - 1,)).fetchall()[::-1]
                position, expected = stored.pop()
                assert position == pos and bytes(expected) == previous, f"chain differs at {pos}"
                n += 1
            start = rows[-1][0]
        plain_s.values.append(n / (time.perf_counter() - t0))
        assert n == checked.checked
    child = run_child(b, "verify")
    result.series = [chain_s, audit_s, plain_s]
    result.checks = [Check.compare(chain_s, plain_s, None), Check.compare(audit_s, plain_s, None)]
    result.size = {"records": checked.checked, "repeats": ctx.sizes.verify_repeats}
    result.seconds = time.perf_counter() - began
    return result, child


def peak_rss(ctx: Context, rebuilds: list[dict], verify_child: dict) -> BenchResult:
    began = time.perf_counter()
    base = run_child(ctx.backend, "baseline")
    result = BenchResult("peak_rss", ctx.backend.name, "peak RSS of a fresh process (VmHWM)")
    result.series = [
        Series("baseline", "build the ledger and open the views, nothing else", "memory", "MB",
               [base["maxrss_kb"] / 1024]),
        Series("rebuild", "ledger projections rebuild (every repeat)", "memory", "MB",
               [c["maxrss_kb"] / 1024 for c in rebuilds]),
        Series("verify", "ledger audit verify (chain + snapshots)", "memory", "MB", [verify_child["maxrss_kb"] / 1024]),
    ]
    result.size = {"events": verify_child["count"], "children": [base, *rebuilds, verify_child]}
    result.seconds = time.perf_counter() - began
    return result
