"""The command path, against raw ``eventsourcing`` and against a plain SQL transaction.

Each round issues the same number of commands, round-robin over bench households
that start with a realistic history (:mod:`bench.workload`): the plan cycle of goals,
actions, completions, costs, ZRM measurements and evaluations, by the case director.

* **ledger**: ``CaseLedger`` commands as the service calls them: load the household
  (from the repository's cache, fast-forwarded with one query for later events; on a
  miss, snapshot + later events, personal data unsealed with its key), the access
  policy, the domain rules, sealing, the event, its access record and their two
  hash-chain links saved in one transaction, and a snapshot every 50 versions (taken
  from the household in memory).
* **eventsourcing**: :mod:`bench.rawes`, the same events in plain form through a plain
  ``Application`` (load, trigger, save with the access record, snapshots), on mirrors
  of the same households.
* **plain_sql**: one transaction per command with the database work the ledger's
  command does, and nothing else: read the latest snapshot row and the event rows
  after it (more than the ledger reads when the household is in its cache: the
  issue's reference reads the household), insert the two rows the ledger wrote (the very same bytes), the snapshot
  row when the ledger wrote one, and two chain rows after reading the chain head.
  On PostgreSQL the insert also NOTIFYs, as eventsourcing's insert function does.
  Separate tables (``plain_*``) seeded with copies of the same households' rows.

Every round runs ledger, then eventsourcing, then plain SQL on the very commands the
ledger just executed; the first round warms up and is not counted.
"""

from __future__ import annotations

import hashlib
import struct
import time
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from ledger.privacy.access import AccessRecorded

from .backends import Backend
from .context import Context, to_plain
from .harness import BenchResult, Check, Series
from .rawes import Access, Case, RawApp, raw_app

__all__ = ["run"]

ACCESS_TOPIC = get_topic(AccessRecorded)
_SKIP = ("originator_id", "originator_version", "timestamp", "originator_topic")


def _data(event: Any) -> dict[str, Any]:
    return {k: to_plain(v) for k, v in vars(event).items() if k not in _SKIP}


def _link(previous: bytes, position: int, originator_id: UUID, version: int, topic: str, state: bytes) -> bytes:
    """``ledger.privacy.chain.link``, on plain values."""
    h = hashlib.sha256(previous)
    for part in (str(position).encode(), str(originator_id).encode(), str(version).encode(), topic.encode(), state):
        h.update(struct.pack(">Q", len(part)))
        h.update(part)
    return h.digest()


class PlainMirror:
    """Plain tables shaped like eventsourcing's, and one plain transaction per command."""

    def __init__(self, backend: Backend) -> None:
        self.b = backend
        self.conn = backend.connect(backend.work_dir / "plain.sqlite")
        pg = backend.is_postgres
        oid, blob, big = ("uuid", "bytea", "bigint") if pg else ("TEXT", "BLOB", "INTEGER")
        for table in ("plain_events", "plain_snapshots", "plain_chain"):
            self.conn.execute(f"DROP TABLE IF EXISTS {table}")
        self.conn.execute(
            f"CREATE TABLE plain_events (originator_id {oid} NOT NULL, originator_version {big} NOT NULL, "
            f"topic text, state {blob}, {'notification_id bigserial, ' if pg else ''}"
            "PRIMARY KEY (originator_id, originator_version))")
        if pg:
            self.conn.execute("CREATE UNIQUE INDEX plain_events_notification_id ON plain_events (notification_id)")
        self.conn.execute(
            f"CREATE TABLE plain_snapshots (originator_id {oid} NOT NULL, originator_version {big} NOT NULL, "
            f"topic text, state {blob}, PRIMARY KEY (originator_id, originator_version))"
            + ("" if pg else " WITHOUT ROWID"))
        self.conn.execute(f"CREATE TABLE plain_chain (position {big} PRIMARY KEY, hash {blob} NOT NULL)")

    def copy(self, table: str, rows: list[tuple[Any, int, str, bytes]]) -> None:
        with self.b.transaction(self.conn):
            for row in rows:
                self.b.execute(self.conn, f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
                               "VALUES (%s, %s, %s, %s)", tuple(row))

    def command(self, oid: Any, expected: int, topic: str, state: bytes, access_oid: Any, access_state: bytes,
                snapshot: tuple[str, bytes] | None) -> None:
        b, conn = self.b, self.conn
        with b.transaction(conn):
            snap = b.execute(conn, "SELECT originator_version, state FROM plain_snapshots WHERE originator_id = %s "
                                   "ORDER BY originator_version DESC LIMIT 1", (oid,)).fetchone()
            after = snap[0] if snap else 0
            rows = b.execute(conn, "SELECT originator_version, topic, state FROM plain_events "
                                   "WHERE originator_id = %s AND originator_version > %s ORDER BY originator_version",
                             (oid, after)).fetchall()
            version = (rows[-1][0] if rows else after) + 1
            assert version == expected, (version, expected)  # the mirror holds the same history
            if b.is_postgres:
                conn.execute("NOTIFY plain_events")
                ids = [r[0] for r in conn.execute(
                    "INSERT INTO plain_events (originator_id, originator_version, topic, state) "
                    "VALUES (%s, %s, %s, %s), (%s, %s, %s, %s) RETURNING notification_id",
                    (oid, version, topic, state, access_oid, 1, ACCESS_TOPIC, access_state)).fetchall()]
            else:
                insert = "INSERT INTO plain_events (originator_id, originator_version, topic, state) VALUES (?,?,?,?)"
                ids = [conn.execute(insert, (oid, version, topic, state)).lastrowid,
                       conn.execute(insert, (access_oid, 1, ACCESS_TOPIC, access_state)).lastrowid]
            if snapshot is not None:
                b.execute(conn, "INSERT INTO plain_snapshots VALUES (%s, %s, %s, %s)",
                          (oid, version, snapshot[0], snapshot[1]))
            head = b.execute(conn, "SELECT position, hash FROM plain_chain ORDER BY position DESC LIMIT 1").fetchone()
            previous = bytes(head[1]) if head else b"\x00" * 32
            first = _link(previous, ids[0], b.uuid(oid), version, topic, state)
            second = _link(first, ids[1], b.uuid(access_oid), 1, ACCESS_TOPIC, access_state)
            b.execute(conn, "INSERT INTO plain_chain (position, hash) VALUES (%s, %s), (%s, %s)",
                      (ids[0], first, ids[1], second))


def run(ctx: Context) -> BenchResult:
    b, ledger, app, sizes = ctx.backend, ctx.ledger, ctx.ledger.app, ctx.sizes
    began = time.perf_counter()
    result = BenchResult("command", b.name, "commands/s: one plan-cycle command per household, round-robin")
    # Lengths spread over one snapshot interval, so that every round loads a steady mix:
    # from a snapshot with no later events up to 49 events after it.
    k = sizes.command_households
    households = [ctx.work.create(ledger, sizes.command_start_events + i * 50 // k) for i in range(k)]
    start_lengths = [h.version for h in households]
    by_id = {h.household_id: h for h in households}
    reader = b.connect()

    # The mirrors: the same households in raw eventsourcing (decoded, plain) and in plain tables (same bytes).
    raw = raw_app(b)
    cases: dict[UUID, UUID] = {}
    for h in households:
        events = list(app.events.get(h.household_id))
        case = Case(kind=type(events[0]).__qualname__, data=_data(events[0]))
        raw.save(case)
        for e in events[1:]:
            case.record(kind=type(e).__qualname__, data=_data(e))
            raw.save(case)  # one by one: snapshots at the same versions as the ledger's
        cases[h.household_id] = case.id
    plain = PlainMirror(b)
    ids, marks = [b.oid(h.household_id) for h in households], ", ".join(["%s"] * len(households))
    plain.copy("plain_events", b.execute(
        reader, f"SELECT originator_id, originator_version, topic, state FROM {b.events_table} "
                f"WHERE originator_id IN ({marks}) ORDER BY {b.position_column}", ids).fetchall())
    plain.copy("plain_snapshots", b.execute(
        reader, f"SELECT originator_id, originator_version, topic, state FROM {b.snapshots_table} "
                f"WHERE originator_id IN ({marks})", ids).fetchall())

    ledger_s = Series("ledger", "CaseLedger command: load, policy, rules, seal, save with access record, chain",
                      "rate", "commands/s")
    raw_s = Series("eventsourcing", "plain Application: load, trigger, save with access aggregate (same events)",
                   "rate", "commands/s")
    plain_s = Series("plain_sql", "one transaction: read snapshot + events, insert the same rows, chain rows",
                     "rate", "commands/s")
    m = sizes.commands_per_round
    for round_no in range(sizes.command_rounds + 1):
        start = app.recorder.max_notification_id() or 0
        versions = {h.household_id: h.version for h in households}
        with ctx.profiles.section(f"command-{b.name}"):
            t0 = time.perf_counter()
            for i in range(m):
                ctx.work.next_command(app, households[i % len(households)])
            ledger_t = time.perf_counter() - t0

        # What the ledger just wrote, to replay in the references.
        rows = b.execute(reader, f"SELECT {b.position_column}, originator_id, originator_version, topic, state "
                                 f"FROM {b.events_table} WHERE {b.position_column} > %s ORDER BY {b.position_column}",
                         (start,)).fetchall()
        snapshots: dict[tuple[UUID, int], tuple[str, bytes]] = {}
        for hid, v in versions.items():
            for oid, ver, topic, state in b.execute(
                    reader, f"SELECT originator_id, originator_version, topic, state FROM {b.snapshots_table} "
                            "WHERE originator_id = %s AND originator_version > %s", (b.oid(hid), v)).fetchall():
                snapshots[(b.uuid(oid), ver)] = (topic, bytes(state))
        commands = []  # (household id, version, topic, state, access oid, access state)
        pending: tuple[Any, ...] | None = None
        for _pos, oid, ver, topic, state in rows:
            if topic == ACCESS_TOPIC:
                assert pending is not None, "an access record without its command's event"
                commands.append((*pending, oid, bytes(state)))
                pending = None
            else:
                assert b.uuid(oid) in by_id and pending is None
                pending = (b.uuid(oid), ver, topic, bytes(state))
        assert len(commands) == m, (len(commands), m)
        decoded = []
        for hid, ver, topic, state, a_oid, a_state in commands:
            event = app.mapper.to_domain_event(StoredEvent(hid, ver, topic, state))
            access = app.mapper.to_domain_event(StoredEvent(b.uuid(a_oid), 1, ACCESS_TOPIC, a_state))
            decoded.append((cases[hid], type(event).__qualname__, _data(event), _data(access)))

        raw_t = _raw_round(raw, decoded)
        t0 = time.perf_counter()
        for hid, ver, topic, state, a_oid, a_state in commands:
            plain.command(b.oid(hid), ver, topic, state, a_oid, a_state, snapshots.get((hid, ver)))
        plain_t = time.perf_counter() - t0
        if round_no > 0:
            ledger_s.values.append(m / ledger_t)
            raw_s.values.append(m / raw_t)
            plain_s.values.append(m / plain_t)
    raw.close()

    result.series = [ledger_s, raw_s, plain_s]
    result.checks = [
        Check.compare(ledger_s, plain_s, 0.5, ">= 0.5x"),
        Check.compare(ledger_s, raw_s, 1.0, ">= 1x (never slower)"),
    ]
    result.size = {"households": len(households), "start_versions": start_lengths,
                   "commands_per_round": m, "rounds": sizes.command_rounds,
                   "final_versions": [h.version for h in households]}
    result.seconds = time.perf_counter() - began
    return result


def _raw_round(raw: RawApp, decoded: list[tuple[UUID, str, dict[str, Any], dict[str, Any]]]) -> float:
    t0 = time.perf_counter()
    for case_id, kind, data, access in decoded:
        case: Case = raw.repository.get(case_id)
        case.record(kind=kind, data=data)
        raw.save(case, Access(data=access))
    return time.perf_counter() - t0
