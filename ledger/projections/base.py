"""What a read model is: SQL tables, event handlers, and a version.

Each view module defines one :class:`ReadModel` subclass: its tables (SQLAlchemy
Core, on the shared :data:`metadata`, names prefixed ``view_``), a ``version``
that is bumped whenever its tables or handlers change meaning (the runner then
rebuilds it from the ledger), and one handler per event type it uses, registered
on its own ``apply`` (a ``functools.singledispatchmethod``). Events a view does
not register are skipped.

Handlers run inside the runner's transaction and write per *batch*, not per event:
they read and change rows through ``on.batch`` (a :class:`Batch`), which holds every
row the batch touched in memory, keyed by primary key (loaded from the table on first
touch, for all the batch's households at once), and the runner flushes it with one
``executemany`` per table and statement just before it moves the view's position, in
the same transaction. Handlers never commit. They get events from a *blind* mapper
(no data keys): every personal value arrives erased, so a view cannot hold personal
data even by mistake. Views hold ids, codes, dates and counts; an interface that
shows a name fetches it from the sealed ledger, under the access policy.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import singledispatchmethod
from typing import Any, ClassVar

import sqlalchemy as sa

__all__ = ["Applied", "Batch", "ReadModel", "Rows", "UtcDateTime", "metadata"]

metadata = sa.MetaData()

LOAD_CHUNK = 500  # keys per SELECT ... IN (...) when a batch loads its rows


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """A moment stored in UTC and read back with its time zone, on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UtcDateTime needs an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class _Statements:
    """One table's prebuilt statements (bind parameters only: compiled once, cached by SQLAlchemy)."""

    __slots__ = ("insert", "update", "pk", "group", "rest")

    def __init__(self, table: sa.Table) -> None:
        pk = list(table.primary_key.columns)
        self.pk = tuple(c.name for c in pk)
        self.group = self.pk[0]
        self.rest = tuple(c.name for c in table.columns if c.name not in self.pk)
        self.insert = sa.insert(table)
        # SET takes every non-key column from the parameters; the key comes in as k_<name>.
        self.update = sa.update(table).where(*[c == sa.bindparam(f"k_{c.name}") for c in pk])


_STATEMENTS: dict[sa.Table, _Statements] = {}


def _statements(table: sa.Table) -> _Statements:
    s = _STATEMENTS.get(table)
    if s is None:
        s = _STATEMENTS[table] = _Statements(table)
    return s


class Rows:
    """The rows of one table this batch touched, by primary key, grouped by its first key column.

    ``get`` and ``group`` load from the table on first touch: all rows of every
    household (first key column) in the batch at once, one ``SELECT ... IN`` per
    table. ``add`` registers a new row without loading; ``set`` changes a row in
    memory. :meth:`flush` writes new rows with one INSERT and changed rows with one
    UPDATE (every non-key column, by key), both ``executemany``.
    """

    __slots__ = ("table", "s", "batch", "groups", "loaded", "new", "dirty")

    def __init__(self, table: sa.Table, batch: Batch) -> None:
        self.table, self.s, self.batch = table, _statements(table), batch
        self.groups: dict[Any, dict[tuple[Any, ...], dict[str, Any]]] = {}
        self.loaded: set[Any] = set()
        self.new: dict[tuple[Any, ...], dict[str, Any]] = {}  # insertion order kept
        self.dirty: dict[tuple[Any, ...], dict[str, Any]] = {}

    def _key(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(row[c] for c in self.s.pk)

    def _load(self, group: Any) -> None:
        wanted = [g for g in self.batch.keys if g not in self.loaded]
        if group not in self.loaded and group not in wanted:
            wanted.append(group)
        column = self.table.c[self.s.group]
        for i in range(0, len(wanted), LOAD_CHUNK):
            chunk = wanted[i:i + LOAD_CHUNK]
            for r in self.batch.conn.execute(sa.select(self.table).where(column.in_(chunk))):
                row = r._asdict()
                self.groups.setdefault(row[self.s.group], {}).setdefault(self._key(row), row)
        self.loaded.update(wanted)

    def group(self, group: Any) -> dict[tuple[Any, ...], dict[str, Any]]:
        """Every row of the group (household), by key: change them with :meth:`set`."""
        if group not in self.loaded:
            self._load(group)
        return self.groups.setdefault(group, {})

    def get(self, *key: Any) -> dict[str, Any] | None:
        return self.group(key[0]).get(key)

    def one(self, *key: Any) -> dict[str, Any]:
        row = self.get(*key)
        if row is None:
            raise LookupError(f"{self.table.name}: no row {key!r}")
        return row

    def add(self, **row: Any) -> dict[str, Any]:
        """A new row (inserted at the flush; a key that already exists fails it, as an INSERT would)."""
        for c in self.s.rest:
            row.setdefault(c, None)
        key = self._key(row)
        self.groups.setdefault(key[0], {})[key] = row
        self.new[key] = row
        return row

    def set(self, row: dict[str, Any], **values: Any) -> None:
        """Change a row this batch holds (from :meth:`get`, :meth:`group` or :meth:`add`)."""
        row.update(values)
        key = self._key(row)
        if key not in self.new:
            self.dirty[key] = row

    def flush(self) -> None:
        conn = self.batch.conn
        if self.new:
            conn.execute(self.s.insert, list(self.new.values()))
        if self.dirty:
            params = []
            for key, row in self.dirty.items():
                p = {c: row[c] for c in self.s.rest}
                p.update(zip([f"k_{c}" for c in self.s.pk], key, strict=True))
                params.append(p)
            conn.execute(self.s.update, params)
        self.new, self.dirty = {}, {}


class Batch:
    """What one view writes for one batch, in the runner's transaction: rows in memory, flushed together."""

    def __init__(self, conn: sa.Connection, keys: Iterable[Any] = ()) -> None:
        self.conn = conn
        self.keys = list(dict.fromkeys(keys))  # the households (first key values) the batch's events name
        self.local: dict[str, Any] = {}  # a view's own per-batch state
        self._rows: dict[sa.Table, Rows] = {}
        self._later: dict[Any, list[dict[str, Any]]] = {}  # statement -> parameter sets, in first-use order

    def rows(self, table: sa.Table) -> Rows:
        r = self._rows.get(table)
        if r is None:
            r = self._rows[table] = Rows(table, self)
        return r

    def later(self, statement: Any, params: dict[str, Any]) -> None:
        """Run ``statement`` with ``params`` at the flush, after the rows (one executemany per statement)."""
        self._later.setdefault(statement, []).append(params)

    def flush(self, tables: Iterable[sa.Table] = ()) -> None:
        """Write everything, tables in the given order first (parents before children), then the rest."""
        order = [t for t in tables if t in self._rows] + [t for t in self._rows if t not in tables]
        for table in dict.fromkeys(order):
            self._rows[table].flush()
        for statement, params in self._later.items():
            self.conn.execute(statement, params)
        self._later = {}


class Applied:
    """Where the handler is: the batch to write through, and the event's place in the log."""

    __slots__ = ("batch", "position", "at")

    def __init__(self, batch: Batch, position: int, at: datetime) -> None:
        self.batch = batch
        self.position = position  # the notification id
        self.at = at  # the event's timestamp

    @property
    def conn(self) -> sa.Connection:
        """The runner's transaction (reads only: writes go through :attr:`batch`)."""
        return self.batch.conn

    @property
    def day(self) -> date:
        return self.at.date()


class ReadModel:
    """A view rebuilt from the ledger alone."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    tables: ClassVar[tuple[sa.Table, ...]]

    @singledispatchmethod
    def apply(self, event: Any, on: Applied) -> None:
        """Events this view does not use are skipped."""

    def create(self, conn: sa.Connection) -> None:
        for table in self.tables:
            table.create(conn, checkfirst=True)

    def drop(self, conn: sa.Connection) -> None:
        for table in reversed(self.tables):
            table.drop(conn, checkfirst=True)

    def dump(self, conn: sa.Connection) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, sorted: for comparing two builds of the view."""
        out: dict[str, list[tuple[Any, ...]]] = {}
        for table in self.tables:
            rows = conn.execute(sa.select(table)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
        return out
