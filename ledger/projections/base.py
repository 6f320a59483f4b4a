"""What a read model is: SQL tables, event handlers, and a version.

Each view module defines one :class:`ReadModel` subclass: its tables (SQLAlchemy
Core, on the shared :data:`metadata`, names prefixed ``view_``), a ``version``
that is bumped whenever its tables or handlers change meaning (the runner then
rebuilds it from the ledger), and one handler per event type it uses, registered
on its own ``apply`` (a ``functools.singledispatchmethod``). Events a view does
not register are skipped.

Handlers run inside the runner's transaction: they write through the connection
they are given and never commit. They get events from a *blind* mapper (no data
keys): every personal value arrives erased, so a view cannot hold personal data
even by mistake. Views hold ids, codes, dates and counts; an interface that shows
a name fetches it from the sealed ledger, under the access policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import singledispatchmethod
from typing import Any, ClassVar

import sqlalchemy as sa

__all__ = ["Applied", "ReadModel", "UtcDateTime", "metadata"]

metadata = sa.MetaData()


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


@dataclass(frozen=True, slots=True)
class Applied:
    """Where the handler is: the connection to write through, and the event's place in the log."""

    conn: sa.Connection
    position: int  # the notification id
    at: datetime  # the event's timestamp

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
