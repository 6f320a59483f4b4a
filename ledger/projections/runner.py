"""The runner: follows the notification log and applies each event exactly once, in order.

Positions live in ``view_positions`` (one row per view: the last notification id it
applied, and the view's version). For each batch of notifications the runner opens
one transaction per view, applies the events past that view's position, and moves
the position in the same transaction, guarded by its old value. A crash before the
commit rolls back both; a crash after it leaves both. So no event is skipped or
applied twice, and a second runner racing on the same view fails its guard and
rolls back instead of double-applying.

Writes go per batch, not per event: each view's handlers change rows in a
:class:`~ledger.projections.base.Batch` (in memory, loaded from the tables on first
touch for all the batch's households at once), and the runner flushes it with one
``executemany`` per table through prebuilt statements, then moves the position, in
that view's transaction. A rebuild replays in batches of :data:`REBUILD_BATCH`.

Following: :meth:`Runner.run` consumes ``recorder.subscribe()``: PostgreSQL's
LISTEN/NOTIFY subscription from ``eventsourcing``, or on SQLite the polling
subscription of :mod:`ledger.persistence`. :meth:`Runner.catch_up` reads
``select_notifications`` in batches up to the current head (rebuilds, tests,
the CLI's one-shot mode).
"""

from __future__ import annotations

import inspect
import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
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

__all__ = ["BATCH", "REBUILD_BATCH", "ConcurrentRunnerError", "Progress", "Runner", "positions_table"]

log = structlog.get_logger("ledger.projections")

BATCH = 500
REBUILD_BATCH = 5000  # a rebuild's batches: fewer transactions, memory still bounded
LINGER_SECONDS = 0.02  # following: how long a batch waits for notifications right behind its first

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
            if self.dispatcher is None:
                hit = (self.model.apply, True)
            else:
                func = self.dispatcher.dispatch(cls)
                hit = (func.__get__(self.model, type(self.model)), func is not self.default)
            self.cache[cls] = hit
        return hit


class ConcurrentRunnerError(RuntimeError):
    """Another runner moved this view's position first; this batch was rolled back."""


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
    ) -> None:
        self.app = app
        self.engine = engine
        self.models = {m.name: m for m in models}
        self.batch = batch
        self.until = until  # as-of builds: events recorded after this moment are left out
        self.mapper = blind_mapper(app)
        self._dispatch = {m.name: _Dispatch(m) for m in models}
        self._moved = threading.Condition()
        self.setup()

    # ------------------------------------------------------------ positions
    def setup(self) -> None:
        """Create what is missing; a view whose version changed is dropped and replayed."""
        with self.engine.begin() as conn:
            positions_table.create(conn, checkfirst=True)
            stored = {r.name: r.version for r in conn.execute(sa.select(positions_table))}
            for model in self.models.values():
                if model.name in stored and stored[model.name] != model.version:
                    log.info("view_version_changed", view=model.name, old=stored[model.name], new=model.version)
                    self._reset(conn, model)
                elif model.name not in stored:
                    self._reset(conn, model)
                else:
                    model.create(conn)

    def _reset(self, conn: sa.Connection, model: ReadModel) -> None:
        model.drop(conn)
        model.create(conn)
        conn.execute(sa.delete(positions_table).where(positions_table.c.name == model.name))
        conn.execute(sa.insert(positions_table).values(
            name=model.name, position=0, version=model.version, updated_at=datetime.now(UTC)))

    def positions(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(positions_table.c.name, positions_table.c.position))
            return {name: pos for name, pos in rows if name in self.models}

    def position(self) -> int:
        """The position every view has reached (the lowest of them)."""
        return min(self.positions().values(), default=0)

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
        with self.engine.begin() as conn:
            for name in chosen:
                self._reset(conn, self.models[name])
        return self.catch_up(progress=progress, batch=max(self.batch, REBUILD_BATCH))

    # ------------------------------------------------------------ applying
    def catch_up(self, progress: Callable[[Progress], None] | None = None, batch: int | None = None) -> int:
        """Apply everything recorded so far, ``batch`` at a time; returns how many notifications were read."""
        batch = batch or self.batch
        start = self.position()
        head = self.head()
        done, began = 0, time.monotonic()
        while start < head:
            notifications = self.app.recorder.select_notifications(
                start=start, limit=batch, inclusive_of_start=False, stop=head)
            if not notifications:
                break
            self.apply(notifications)
            start = notifications[-1].id
            done += len(notifications)
            if progress:
                progress(Progress(done, head - self.position() + done, time.monotonic() - began))
        return done

    def apply(self, notifications: Sequence[Notification]) -> None:
        """Apply one batch: per view, its events (written together) and its new position in one transaction."""
        if not notifications:
            return
        last = notifications[-1].id
        current = self.positions()
        if all(current.get(name, 0) >= last for name in self.models):
            return  # another runner applied all of it
        decode, until = self.mapper.to_domain_event, self.until
        events = []
        for n in notifications:
            event = decode(n)
            if until is None or event.timestamp <= until:  # as-of builds leave later events out
                events.append((n.id, event))
        for name, model in self.models.items():
            old = current.get(name, 0)
            if old >= last:
                continue
            dispatch = self._dispatch[name]
            todo = []
            keys = []
            for position, event in events:
                if position > old:
                    handler, uses = dispatch(type(event))
                    todo.append((handler, position, event))
                    if uses:
                        keys.append(str(event.originator_id))
            with self.engine.begin() as conn:
                batch = Batch(conn, keys)
                for handler, position, event in todo:
                    handler(event, Applied(batch, position, event.timestamp))
                batch.flush(model.tables)
                moved = conn.execute(_MOVE, {"view": name, "old": old, "new": last, "now": datetime.now(UTC)}).rowcount
                if moved != 1:
                    raise ConcurrentRunnerError(f"view {name} was moved by another runner; batch rolled back")
        with self._moved:
            self._moved.notify_all()

    # ------------------------------------------------------------ following
    def run(self, stop: threading.Event, on_batch: Callable[[int], None] | None = None) -> None:
        """Follow the ledger until ``stop`` is set: subscribe, and apply what arrives in batches."""
        self.catch_up()
        arrived: queue.Queue[Notification | BaseException] = queue.Queue(maxsize=self.batch * 4)
        subscription = self.app.recorder.subscribe(gt=self.position())

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
                try:
                    self.apply(notes)
                except ConcurrentRunnerError:
                    # Another runner (another worker or process) applied these first: theirs stand.
                    log.info("views_moved_by_another_runner")
                if notes and on_batch:
                    on_batch(notes[-1].id)
                if failures:
                    raise failures[0]
        finally:
            subscription.stop()
            puller.join(timeout=5)

    def wait_for(self, position: int, timeout: float = 5.0) -> bool:
        """Read-your-writes: block until every view has applied ``position``; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._moved:
            while self.position() < position:
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
