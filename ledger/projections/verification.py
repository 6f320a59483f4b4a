"""Are the stored views what the ledger says? (``ledger audit verify``)

The views sit outside the hash chain: a row deleted from the access-log view would
hide an emergency access from the privacy officer while the chain still verifies.
So each stored view is compared with a replay of the ledger into a private in-memory
SQLite database, up to the position that view has stored (a view that lags is compared
as far as it has applied, so a running service can be verified). Values are compared
in a backend-neutral form (PostgreSQL and SQLite return times and numbers differently).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from ledger.application import CaseLedger

from .base import ReadModel
from .runner import Runner

__all__ = ["ViewDifference", "verify_views"]


@dataclass(frozen=True)
class ViewDifference:
    view: str
    position: int
    table: str
    missing: int  # rows a replay has that the stored view lacks
    extra: int  # rows the stored view has that a replay does not

    def __str__(self) -> str:
        return (f"the view {self.view} differs from a replay of the ledger up to position {self.position} "
                f"(table {self.table}: {self.missing} rows missing, {self.extra} rows not from the ledger)")


class _UpTo(Runner):
    """A runner that stops at a given position."""

    def __init__(self, *args: Any, head: int, **kwargs: Any) -> None:
        self._pinned = head
        super().__init__(*args, **kwargs)

    def head(self) -> int:
        return self._pinned


def _neutral(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return str(Decimal(str(value)).normalize())
    return value


def _rows(dump: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    return {table: sorted((tuple(_neutral(v) for v in row) for row in rows), key=repr)
            for table, rows in dump.items()}


def _stored(stored: Runner, names: Sequence[str]) -> tuple[dict[str, int], dict[str, dict[str, list[tuple]]]]:
    """Positions and rows of the stored views, read so that no view moved in between."""
    for _ in range(5):
        before = stored.positions()
        with stored.engine.connect() as conn:
            rows = {n: _rows(stored.models[n].dump(conn)) for n in names}
        if stored.positions() == before:
            return before, rows
    raise RuntimeError("The views kept moving while they were being verified; try again.")


def verify_views(app: CaseLedger, stored: Runner) -> list[ViewDifference]:
    """Every stored view (in ``stored``) that differs from a replay up to its own position."""
    models: Sequence[ReadModel] = list(stored.models.values())
    positions, rows = _stored(stored, [m.name for m in models])
    found: list[ViewDifference] = []
    by_position: dict[int, list[ReadModel]] = {}
    for m in models:
        by_position.setdefault(positions.get(m.name, 0), []).append(m)
    for position, group in sorted(by_position.items()):
        engine = sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
        try:
            fresh = [type(m)() for m in group]
            replay = _UpTo(app, engine, fresh, head=position)
            replay.catch_up()
            with engine.connect() as conn:
                for m in fresh:
                    expected = _rows(m.dump(conn))
                    for table, want in expected.items():
                        have = rows[m.name].get(table, [])
                        if have != want:
                            missing = len(set(want) - set(have)) if _hashable(want, have) else len(want)
                            extra = len(set(have) - set(want)) if _hashable(want, have) else len(have)
                            found.append(ViewDifference(m.name, position, table, missing, extra))
        finally:
            engine.dispose()
    return found


def _hashable(*row_lists: list[tuple[Any, ...]]) -> bool:
    try:
        for rows in row_lists:
            set(rows)
    except TypeError:
        return False
    return True
