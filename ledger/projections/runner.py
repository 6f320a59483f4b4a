"""The runner: follows the notification log and applies each event exactly once, in order.

Positions live in ``view_positions`` (one row per view: the last notification id it
applied, and the view's version). A view's batch is one transaction: it locks the
view's position row (``SELECT ... FOR UPDATE`` on PostgreSQL; ``BEGIN IMMEDIATE`` on
SQLite), reads the stored position *there*, applies the batch's events past it, and
moves the position in the same transaction. A crash before the commit rolls back both;
a crash after it leaves both. So no event is skipped or applied twice.

Any number of runners may follow one store (``serve --workers N``, several services,
``projections run``): a runner never trusts what it *thinks* a view's position is.
Each batch says from which position it follows on (``after``: the subscription's or
the read's start); a view whose stored position is behind that (another runner moved
it only part of the way, a rebuild reset it) is not applied from this batch but
caught up with ``select_notifications`` from its stored position. A view another
runner moved further simply gets the rest of the batch, or nothing.

Writes go per batch, not per event: each view's handlers change rows in a
:class:`~ledger.projections.base.Batch` (in memory, loaded from the tables on first
touch for all the batch's households at once), and the runner flushes it with one
``executemany`` per table through prebuilt statements, then moves the position, in
that view's transaction. A rebuild replays in batches of :data:`REBUILD_BATCH`.

An event a view cannot apply (its handler raises, the database refuses a value) does
not stop the others: the view's batch is retried one event at a time to find the
event, the failure is recorded (:mod:`ledger.projections.stalls`: position and error
type, no values), and the view is retried after a back-off.

Following: :meth:`Runner.run` consumes ``recorder.subscribe()``: PostgreSQL's
LISTEN/NOTIFY subscription from ``eventsourcing``, or on SQLite the polling
subscription of :mod:`ledger.persistence`. :meth:`Runner.catch_up` reads
``select_notifications`` in batches from the lowest stored position up to the
current head (rebuilds, tests, the CLI's one-shot mode, and a follower that finds a
view behind its subscription).
"""

from __future__ import annotations

import inspect
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import singledispatchmethod
from typing import Any

import sqlalchemy as sa
import structlog
from eventsourcing.persistence import Notification

from ledger.application import CaseLedger
from ledger.privacy.sealing import blind_mapper

from .base import Applied, Batch, ReadModel, metadata
from .stalls import FIRST_REST_SECONDS, Rests, Stall, failures_table, read_stalls

__all__ = ["BATCH", "REBUILD_BATCH", "ConcurrentRunnerError", "Progress", "Runner", "positions_table"]

log = structlog.get_logger("ledger.projections")

BATCH = 500
REBUILD_BATCH = 5000  # a rebuild's batches: fewer transactions, memory still bounded
LINGER_SECONDS = 0.02  # following: how long a batch waits for notifications right behind its first
SETUP_LOCK = 0x6C65646765720002  # PostgreSQL advisory lock key: one runner creates or resets views at a time

positions_table = sa.Table(
    "view_positions",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


_MOVE = sa.update(positions_table).where(
    positions_table.c.name == sa.bindparam("view"), positions_table.c.position == sa.bindparam("old"),
).values(position=sa.bindparam("new"), updated_at=sa.bindparam("now"))
_LOCK = sa.select(positions_table.c.position).where(positions_table.c.name == sa.bindparam("view")).with_for_update()
_FORGET = sa.delete(failures_table).where(failures_table.c.name == sa.bindparam("view"))

# What one view's attempt at a batch came to.
APPLIED, CURRENT, BEHIND = "applied", "current", "behind"


class _Dispatch:
    """A view's handler per event class, resolved once (``singledispatchmethod`` rebinds on every access)."""

    def __init__(self, model: ReadModel) -> None:
        self.model = model
        found = inspect.getattr_static(type(model), "apply", None)
        self.dispatcher = found.dispatcher if isinstance(found, singledispatchmethod) else None
        self.default = self.dispatcher.dispatch(object) if self.dispatcher is not None else None
        self.cache: dict[type, tuple[Callable[[Any, Applied], None], bool]] = {}

    def __call__(self, cls: type) -> tuple[Callable[[Any, Applied], None], bool]:
        """The bound handler for ``cls``, and whether it is more than the view's catch-all."""
        hit = self.cache.get(cls)
        if hit is None:
            if cls is _Undecodable:
                hit = (_Undecodable.handle, True)
            elif self.dispatcher is None:
                hit = (self.model.apply, True)
            else:
                func = self.dispatcher.dispatch(cls)
                hit = (func.__get__(self.model, type(self.model)), func is not self.default)
            self.cache[cls] = hit
        return hit


class _Undecodable:
    """A notification the blind mapper cannot turn into an event: every view stops there, and says why."""

    timestamp = datetime.min.replace(tzinfo=UTC)

    def __init__(self, exc: Exception) -> None:
        self.exc = exc
        self.originator_id = ""

    @staticmethod
    def handle(event: _Undecodable, on: Applied) -> None:
        raise event.exc


class ConcurrentRunnerError(RuntimeError):
    """Another runner moved this view's position while this one held its lock (never expected)."""


# Failures of the database or the connection, not of an event: they propagate (the service's
# follower logs them and starts again) instead of being recorded against the event at hand.
_NOT_THE_EVENTS_FAULT = (ConcurrentRunnerError, sa.exc.OperationalError, sa.exc.InterfaceError)


@dataclass(frozen=True)
class Progress:
    done: int  # notifications read so far in this call
    total: int  # notifications to read in this call
    seconds: float


class Runner:
    """Keeps a set of read models up to date with one ledger."""

    def __init__(
        self,
        app: CaseLedger,
        engine: sa.Engine,
        models: Sequence[ReadModel],
        *,
        batch: int = BATCH,
        until: datetime | None = None,
        keep: Callable[[int, Any], bool] | None = None,
        retry_seconds: float = FIRST_REST_SECONDS,
    ) -> None:
        self.app = app
        self.engine = engine
        self.models = {m.name: m for m in models}
        self.batch = batch
        self.until = until  # as-of builds: events recorded after this moment are left out
        self.keep = keep  # two-time builds: (position, event) -> whether the event counts
        self.mapper = blind_mapper(app)
        self._dispatch = {m.name: _Dispatch(m) for m in models}
        self._moved = threading.Condition()
        self._rests = Rests(first=retry_seconds)
        self._recorded_failures: set[str] = set()  # views with a failure row to clear once they move
        self.setup()

    # ------------------------------------------------------------ positions
    @contextmanager
    def _transaction(self, setup: bool = False) -> Iterator[sa.Connection]:
        """A write transaction; on SQLite it takes the write lock at once, so two runners queue, never collide."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            elif setup:  # DDL: PostgreSQL's "IF NOT EXISTS" is not safe against a concurrent twin
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": SETUP_LOCK})
            yield conn

    def setup(self) -> None:
        """Create what is missing; a view whose version changed is dropped and replayed."""
        with self._transaction(setup=True) as conn:
            positions_table.create(conn, checkfirst=True)
            failures_table.create(conn, checkfirst=True)
            stored = {r.name: r.version for r in conn.execute(sa.select(positions_table))}
            for model in self.models.values():
                if model.name in stored and stored[model.name] != model.version:
                    log.info("view_version_changed", view=model.name, old=stored[model.name], new=model.version)
                    self._reset(conn, model)
                elif model.name not in stored:
                    self._reset(conn, model)
                else:
                    model.create(conn)
            self._recorded_failures = {r.name for r in conn.execute(sa.select(failures_table.c.name))}

    def _reset(self, conn: sa.Connection, model: ReadModel) -> None:
        model.drop(conn)
        model.create(conn)
        conn.execute(sa.delete(positions_table).where(positions_table.c.name == model.name))
        conn.execute(_FORGET, {"view": model.name})
        conn.execute(sa.insert(positions_table).values(
            name=model.name, position=0, version=model.version, updated_at=datetime.now(UTC)))
        self._rests.recovered(model.name)

    def positions(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(positions_table.c.name, positions_table.c.position))
            return {name: pos for name, pos in rows if name in self.models}

    def position(self) -> int:
        """The position every view has reached (the lowest of them)."""
        return min(self.positions().values(), default=0)

    def failures(self) -> dict[str, Stall]:
        """The views stopped at an event they cannot apply: position and error type, by view."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(positions_table.c.name, positions_table.c.position))
            positions = {name: pos for name, pos in rows if name in self.models}
            return read_stalls(conn, positions)

    def head(self) -> int:
        """The last position in the ledger."""
        return self.app.recorder.max_notification_id() or 0

    def rebuild(self, names: Iterable[str] | None = None,
                progress: Callable[[Progress], None] | None = None) -> int:
        """Drop the named views (all by default) and replay the whole ledger into them."""
        chosen = list(names) if names is not None else list(self.models)
        unknown = [n for n in chosen if n not in self.models]
        if unknown:
            raise KeyError(f"unknown view {unknown[0]!r}; known: {', '.join(self.models)}")
        with self._transaction(setup=True) as conn:
            for name in chosen:
                self._reset(conn, self.models[name])
        return self.catch_up(progress=progress, batch=max(self.batch, REBUILD_BATCH))

    # ------------------------------------------------------------ applying
    def _due(self, since: float | None = None) -> list[str]:
        return [name for name in self.models if not self._rests.resting(name, since)]

    def catch_up(self, progress: Callable[[Progress], None] | None = None, batch: int | None = None) -> int:
        """Apply everything recorded so far, ``batch`` at a time, from the stored positions; returns how many
        notifications were read. A view resting after a failure is left out until its back-off has passed."""
        batch = batch or self.batch
        head = self.head()
        done, began = 0, time.monotonic()
        while True:
            current = self.positions()
            due = self._due(since=began)
            start = min((current.get(name, 0) for name in due), default=head)
            for name in due:
                if current.get(name, 0) >= head:
                    self._rests.recovered(name)  # moved on (by another runner, say): no rest left to wait out
            if start >= head:
                break
            notifications = self.app.recorder.select_notifications(
                start=start, limit=batch, inclusive_of_start=False, stop=head)
            if not notifications:
                break
            self._apply(notifications, start, current, due)
            done += len(notifications)
            if progress:
                progress(Progress(done, done + max(0, head - notifications[-1].id), time.monotonic() - began))
        return done

    def apply(self, notifications: Sequence[Notification]) -> None:
        """Apply one batch that follows on from the views' stored positions; a view it does not reach is left
        as it is (:meth:`catch_up` brings it up from its stored position)."""
        if not notifications:
            return
        current = self.positions()
        first = notifications[0].id
        after = first - 1
        low = min(current.values(), default=0)
        if low < after:  # ids may have holes: the batch still follows on if nothing lies in between
            following = self.app.recorder.select_notifications(start=low, limit=1, inclusive_of_start=False)
            if following and following[0].id == first:
                after = low
        self._apply(notifications, after, current, self._due())

    def _apply(self, notifications: Sequence[Notification], after: int, current: dict[str, int],
               names: Sequence[str]) -> set[str]:
        """Apply a batch that holds every notification past ``after``, up to its last, to the named views.

        ``current`` is a recent read of the positions (to skip the work when every view has it).
        Returns the views the batch cannot serve (stored behind ``after``).
        """
        last = notifications[-1].id
        wanted = [name for name in names if current.get(name, 0) < last]
        if not wanted:
            return set()
        decode, until, keep = self.mapper.to_domain_event, self.until, self.keep
        events: list[tuple[int, Any]] = []
        for n in notifications:
            try:
                event = decode(n)
            except Exception as exc:  # noqa: BLE001 - reported as the views' failure at this position
                events.append((n.id, _Undecodable(exc)))
                continue
            if until is not None and event.timestamp > until:  # as-of builds leave later events out
                continue
            if keep is None or keep(n.id, event):
                events.append((n.id, event))
        behind = set()
        for name in wanted:
            if self._view(name, after, last, events) == BEHIND:
                behind.add(name)
        with self._moved:
            self._moved.notify_all()
        return behind

    def _view(self, name: str, after: int, last: int, events: list[tuple[int, Any]]) -> str:
        """One view's part of a batch; an event it cannot apply is found, recorded, and the view rests."""
        try:
            return self._attempt(name, after, last, events)
        except _NOT_THE_EVENTS_FAULT:
            raise
        except Exception:  # noqa: BLE001 - isolate the event below; the first try may have failed at the flush
            pass
        for position, _ in events:  # one event per transaction, up to the one that fails
            try:
                outcome = self._attempt(name, after, position, events)
            except _NOT_THE_EVENTS_FAULT:
                raise
            except Exception as exc:  # noqa: BLE001 - recorded by type only: a message may quote a value
                self._rests.failed(self.engine, name, position, exc)
                self._recorded_failures.add(name)
                return APPLIED
            if outcome == BEHIND:
                return outcome
        try:
            return self._attempt(name, after, last, events)  # the batch's tail without events (as-of builds)
        except _NOT_THE_EVENTS_FAULT:
            raise
        except Exception as exc:  # noqa: BLE001 - as above
            self._rests.failed(self.engine, name, last, exc)
            self._recorded_failures.add(name)
            return APPLIED

    def _attempt(self, name: str, after: int, upto: int, events: list[tuple[int, Any]]) -> str:
        """In one transaction, under the view's lock: apply ``events`` past the stored position up to ``upto``."""
        model, dispatch = self.models[name], self._dispatch[name]
        with self._transaction() as conn:
            now = conn.execute(_LOCK, {"view": name}).scalar_one_or_none()
            if now is None or now < after:
                return BEHIND  # reset, or moved only part of the way: catch up from the stored position
            if now >= upto:
                return CURRENT
            todo, keys = [], []
            for position, event in events:
                if now < position <= upto:
                    handler, uses = dispatch(type(event))
                    todo.append((handler, position, event))
                    if uses:
                        keys.append(str(event.originator_id))
            batch = Batch(conn, keys)
            for handler, position, event in todo:
                handler(event, Applied(batch, position, event.timestamp))
            batch.flush(model.tables)
            moved = conn.execute(_MOVE, {"view": name, "old": now, "new": upto, "now": datetime.now(UTC)}).rowcount
            if moved != 1:
                raise ConcurrentRunnerError(f"view {name} was moved under its lock; batch rolled back")
            if name in self._recorded_failures:
                conn.execute(_FORGET, {"view": name})
        if name in self._recorded_failures:
            self._recorded_failures.discard(name)
            self._rests.recovered(name)
            log.info("view_recovered", view=name, position=upto)
        return APPLIED

    # ------------------------------------------------------------ following
    def run(self, stop: threading.Event, on_batch: Callable[[int], None] | None = None) -> None:
        """Follow the ledger until ``stop`` is set: subscribe, and apply what arrives in batches.

        The subscription's batches are applied where they follow on from a view's stored
        position; a view they do not reach (another runner moved it part of the way, a
        rebuild reset it, it rested after a failure) is caught up from its stored position.
        """
        self.catch_up()
        current = self.positions()
        seen = min((current.get(name, 0) for name in self._due()), default=self.head())
        arrived: queue.Queue[Notification | BaseException] = queue.Queue(maxsize=self.batch * 4)
        subscription = self.app.recorder.subscribe(gt=seen)

        def pull() -> None:
            try:
                with subscription:
                    for notification in subscription:
                        arrived.put(notification)
            except BaseException as exc:  # noqa: BLE001 - handed to the applying thread
                arrived.put(exc)

        puller = threading.Thread(target=pull, name="ledger-views-pull", daemon=True)
        puller.start()
        try:
            while not stop.is_set():
                try:
                    first = arrived.get(timeout=0.2)
                except queue.Empty:
                    if self._rests.due():
                        self.catch_up()
                    continue
                batch = [first]
                # Linger a moment for what arrives right behind it: under a stream of reads
                # each notification would otherwise be a batch (a transaction per view) of one.
                linger_until = time.monotonic() + LINGER_SECONDS
                while len(batch) < self.batch:
                    try:
                        batch.append(arrived.get(timeout=max(0.0, linger_until - time.monotonic())))
                    except queue.Empty:
                        break
                failures = [b for b in batch if isinstance(b, BaseException)]
                notes = [b for b in batch if isinstance(b, Notification)]
                if notes:
                    behind = self._apply(notes, seen, self.positions(), self._due())
                    seen = notes[-1].id
                    if behind or self._rests.due():
                        log.debug("views_caught_up_from_stored_positions", views=sorted(behind))
                        self.catch_up()
                    if on_batch:
                        on_batch(notes[-1].id)
                if failures:
                    raise failures[0]
        finally:
            subscription.stop()
            puller.join(timeout=5)

    def wait_for(self, position: int, timeout: float = 5.0, views: Iterable[str] | None = None) -> bool:
        """Read-your-writes: block until every view (or the named ones) has applied ``position``; False on
        timeout. A read names the view it reads, so a view stalled elsewhere does not hold it up."""
        deadline = time.monotonic() + timeout
        names = set(views) if views is not None else None

        def reached() -> int:
            found = self.positions()
            return min((p for n, p in found.items() if names is None or n in names), default=0)

        with self._moved:
            while reached() < position:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                # Another process may move the positions: look again at least every 50 ms.
                self._moved.wait(timeout=min(remaining, 0.05))
        return True

    def dump(self) -> dict[str, Any]:
        """Every view's rows, sorted; for comparing builds."""
        with self.engine.connect() as conn:
            return {name: model.dump(conn) for name, model in self.models.items()}
