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

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from functools import singledispatchmethod
from operator import itemgetter
from typing import Any, ClassVar

import sqlalchemy as sa

__all__ = ["Applied", "Batch", "ReadModel", "Rows", "UtcDateTime", "code_of", "codes_of", "metadata", "open_span",
           "update_row"]

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


def _key_of(columns: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    if len(columns) == 1:
        (only,) = columns
        return lambda row: (row[only],)
    return itemgetter(*columns)  # a tuple for two or more


class _Shape:
    """A table's key and columns, and a new row's defaults."""

    __slots__ = ("pk", "rest", "columns", "blank", "key")

    def __init__(self, table: sa.Table) -> None:
        self.pk = tuple(c.name for c in table.primary_key.columns)
        self.rest = tuple(c.name for c in table.columns if c.name not in self.pk)
        self.columns = tuple(c.name for c in table.columns)
        self.blank = dict.fromkeys(self.rest)  # a new row's unset columns: NULL (the views have no defaults)
        self.key = _key_of(self.pk)


class _Spec:
    """Columns in statement order: one C-level getter for a row's values, and the few that need processing."""

    __slots__ = ("columns", "get", "procs")

    def __init__(self, columns: tuple[str, ...], procs: dict[str, Any]) -> None:
        self.columns = columns
        self.get = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
        self.procs = [(i, procs[c]) for i, c in enumerate(columns) if procs[c] is not None]


class _Writer:
    """Many rows into one table in one go: an INSERT of new rows, an UPDATE of changed rows by key.

    Built once per table and dialect, as the driver takes it: on SQLite one ``executemany``
    of a plain ``?`` statement with tuples; on PostgreSQL one statement for all the rows
    (``INSERT ... SELECT * FROM unnest(<one array per column>)``, ``UPDATE ... FROM unnest``),
    one round trip instead of one per row. Values go through each column type's own bind
    processor, so they are stored exactly as SQLAlchemy stores them (dates, moments).
    The ledger runs on these two databases only.
    """

    def __init__(self, table: sa.Table, dialect: sa.Dialect) -> None:
        shape = _shape(table)
        if dialect.name not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"views are written for SQLite and PostgreSQL, not {dialect.name}")
        self.kind = dialect.name
        ip = dialect.identifier_preparer
        q, name = ip.quote, ip.format_table(table)
        procs = {c.name: c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns}
        self.insert_spec = _Spec(shape.columns, procs)
        self.update_spec = _Spec((*shape.rest, *shape.pk), procs)
        if self.kind == "sqlite":
            self.insert_sql = (f"INSERT INTO {name} ({', '.join(q(c) for c in shape.columns)}) "
                               f"VALUES ({', '.join('?' for _ in shape.columns)})")
            self.update_sql = (f"UPDATE {name} SET {', '.join(f'{q(c)} = ?' for c in shape.rest)} "
                               f"WHERE {' AND '.join(f'{q(c)} = ?' for c in shape.pk)}")
        else:
            types = {c.name: c.type.compile(dialect=dialect) for c in table.columns}

            def arrays(names: tuple[str, ...]) -> str:
                return ", ".join(f"CAST(%(p{i})s AS {types[c]}[])" for i, c in enumerate(names))

            self.insert_sql = (f"INSERT INTO {name} ({', '.join(q(c) for c in shape.columns)}) "
                               f"SELECT * FROM unnest({arrays(shape.columns)})")
            both, n = (*shape.rest, *shape.pk), len(shape.rest)
            sets = ", ".join(f"{q(c)} = v.v{i}" for i, c in enumerate(shape.rest))
            aliases = ", ".join(f"v{i}" for i in range(len(both)))
            where = " AND ".join(f"{name}.{q(c)} = v.v{n + i}" for i, c in enumerate(shape.pk))
            self.update_sql = f"UPDATE {name} SET {sets} FROM unnest({arrays(both)}) AS v({aliases}) WHERE {where}"

    @staticmethod
    def _tuples(spec: _Spec, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        get, procs = spec.get, spec.procs
        if not procs:
            return [get(row) for row in rows]
        out = []
        for row in rows:
            values = list(get(row))
            for i, p in procs:
                values[i] = p(values[i])
            out.append(tuple(values))
        return out

    @staticmethod
    def _arrays(spec: _Spec, rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
        out = {}
        processors = dict(spec.procs)
        for i, c in enumerate(spec.columns):
            values = [row[c] for row in rows]
            p = processors.get(i)
            out[f"p{i}"] = values if p is None else [p(v) for v in values]
        return out

    def insert(self, conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
        if self.kind == "sqlite":
            conn.exec_driver_sql(self.insert_sql, self._tuples(self.insert_spec, rows))
        else:
            conn.exec_driver_sql(self.insert_sql, self._arrays(self.insert_spec, rows))

    def update(self, conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
        if self.kind == "sqlite":
            conn.exec_driver_sql(self.update_sql, self._tuples(self.update_spec, rows))
        else:
            conn.exec_driver_sql(self.update_sql, self._arrays(self.update_spec, rows))


_SHAPES: dict[sa.Table, _Shape] = {}
_WRITERS: dict[tuple[sa.Table, str], _Writer] = {}


def _shape(table: sa.Table) -> _Shape:
    s = _SHAPES.get(table)
    if s is None:
        s = _SHAPES[table] = _Shape(table)
    return s


def _writer(table: sa.Table, dialect: sa.Dialect) -> _Writer:
    w = _WRITERS.get((table, dialect.name))
    if w is None:
        w = _WRITERS[(table, dialect.name)] = _Writer(table, dialect)
    return w


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
        self.table, self.s, self.batch = table, _shape(table), batch
        self.groups: dict[Any, dict[tuple[Any, ...], dict[str, Any]]] = {}
        self.loaded: set[Any] = set()
        self.new: dict[int, dict[str, Any]] = {}  # by id(row), in insertion order
        self.dirty: dict[int, dict[str, Any]] = {}  # loaded rows changed, by id(row)

    def _load(self, group: Any) -> None:
        wanted = [g for g in self.batch.keys if g not in self.loaded]
        if group not in self.loaded and group not in wanted:
            wanted.append(group)
        column = self.table.c[self.s.pk[0]]
        key, groups = self.s.key, self.groups
        for i in range(0, len(wanted), LOAD_CHUNK):
            chunk = wanted[i:i + LOAD_CHUNK]
            for r in self.batch.conn.execute(sa.select(self.table).where(column.in_(chunk))):
                row = r._asdict()
                k = key(row)
                groups.setdefault(k[0], {}).setdefault(k, row)
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

    def add(self, **values: Any) -> dict[str, Any]:
        """A new row (inserted at the flush; a key that already exists fails it, as an INSERT would)."""
        row = {**self.s.blank, **values}
        key = self.s.key(row)
        self.groups.setdefault(key[0], {})[key] = row
        self.new[id(row)] = row
        return row

    def set(self, row: dict[str, Any], **values: Any) -> None:
        """Change a row this batch holds (from :meth:`get`, :meth:`group` or :meth:`add`)."""
        row.update(values)
        if id(row) not in self.new:
            self.dirty[id(row)] = row

    def flush(self) -> None:
        writer = _writer(self.table, self.batch.conn.dialect)
        if self.new:
            writer.insert(self.batch.conn, list(self.new.values()))
        if self.dirty:
            writer.update(self.batch.conn, list(self.dirty.values()))
        self.new, self.dirty = {}, {}


class Batch:
    """What one view writes for one batch, in the runner's transaction: rows in memory, flushed together."""

    def __init__(self, conn: sa.Connection, keys: Iterable[Any] = ()) -> None:
        self.conn = conn
        self.keys = list(dict.fromkeys(keys))  # the households (first key values) the batch's events name
        self.local: dict[str, Any] = {}  # a view's own per-batch state
        self._rows: dict[sa.Table, Rows] = {}
        self._inserts: dict[sa.Table, list[dict[str, Any]]] = {}  # rows nobody reads back in this batch
        self._later: dict[Any, list[dict[str, Any]]] = {}  # statement -> parameter sets, in first-use order

    def rows(self, table: sa.Table) -> Rows:
        r = self._rows.get(table)
        if r is None:
            r = self._rows[table] = Rows(table, self)
        return r

    def insert(self, table: sa.Table, row: dict[str, Any]) -> None:
        """A new row, every column given, that no handler reads back in this batch (kept as it is, not by key)."""
        self._inserts.setdefault(table, []).append(row)

    def later(self, statement: Any, params: dict[str, Any]) -> None:
        """Run ``statement`` with ``params`` at the flush, after the rows (one executemany per statement)."""
        self._later.setdefault(statement, []).append(params)

    def flush(self, tables: Iterable[sa.Table] = ()) -> None:
        """Write everything, tables in the given order first (parents before children), then the rest."""
        order = [t for t in tables if t in self._rows] + [t for t in self._rows if t not in tables]
        for table in dict.fromkeys(order):
            self._rows[table].flush()
        for table, rows in self._inserts.items():
            _writer(table, self.conn.dialect).insert(self.conn, rows)
        self._inserts = {}
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


# ------------------------------------------------------------------ helpers the views share
def code_of(value: Any) -> str | None:
    """A vocabulary code as its plain string (events decode enums, or plain strings); ``None`` stays ``None``."""
    return None if value is None else str(getattr(value, "value", value))


def codes_of(values: Iterable[Any]) -> str:
    """Codes as one column: their plain strings, comma-joined, in order."""
    return ",".join(str(getattr(v, "value", v)) for v in values)


def open_span(on: Applied, table: sa.Table, household_id: str, day: date, **values: Any) -> None:
    """A new span of the household from ``day``, open-ended: ``seq`` one past its last (tables keyed (household, seq))."""
    rows = on.batch.rows(table)
    seq = max((key[1] for key in rows.group(household_id)), default=0) + 1
    rows.add(household_id=household_id, seq=seq, start_on=day, end_on=None, **values)


def update_row(table: sa.Table, on: Applied, key: tuple[Any, ...], **values: Any) -> None:
    """Change one row, if it is there (as an UPDATE by key: no row, nothing)."""
    rows = on.batch.rows(table)
    row = rows.get(*key)
    if row is not None:
        rows.set(row, **values)
