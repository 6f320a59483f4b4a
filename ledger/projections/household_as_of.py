"""One household's views at ``(as_of, known_at)``: its own events folded into private in-memory tables.

The same projection classes as the live views (:class:`~.current_plan.CurrentPlan`,
:class:`~.involvement.WhoIsInvolved`) apply exactly the events the household's as-of state is made
of (:meth:`CaseLedger.blind_household_as_of`: position <= known_at, business date <= as_of, the
ones the aggregate could not apply skipped), with their positions and recording times, into a
private SQLite database in memory (one per thread, its rows rolled back after each read). So the
cost is the household's own events, never the ledger's size (the whole-ledger replay of
:func:`ledger.projections.as_of` stays as the reference). The events come from the blind mapper:
no personal value is opened.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from .base import Applied, Batch, ReadModel
from .current_plan import CurrentPlan
from .involvement import WhoIsInvolved

__all__ = ["household_views"]

_MODELS: tuple[ReadModel, ...] = (CurrentPlan(), WhoIsInvolved())
_LOCAL = threading.local()  # one private in-memory database per thread (statements compiled once)


def _engine(models: Sequence[ReadModel]) -> sa.Engine:
    engines: dict[tuple[str, ...], sa.Engine] = getattr(_LOCAL, "engines", None) or {}
    _LOCAL.engines = engines
    key = tuple(m.name for m in models)
    engine = engines.get(key)
    if engine is None:
        engine = sa.create_engine("sqlite://", poolclass=StaticPool)
        with engine.begin() as conn:
            for model in models:
                model.create(conn)
        engines[key] = engine
    return engine


@contextmanager
def household_views(household_id: str, events: Sequence[tuple[int, Any]],
                    models: Sequence[ReadModel] = _MODELS) -> Iterator[sa.Connection]:
    """A connection to private views holding only ``events`` (position, event) of one household, applied in order.

    The tables live in this thread's own in-memory database and the rows in one transaction that
    is rolled back when the block ends: nothing outlives the read, and the next read starts empty.
    """
    with _engine(models).connect() as conn:
        transaction = conn.begin()
        try:
            for model in models:
                batch = Batch(conn, [household_id])
                for table in model.tables:  # the private tables start empty: no row to load from them
                    batch.rows(table).loaded.add(household_id)
                for position, event in events:
                    model.apply(event, Applied(batch, position, event.timestamp))
                batch.flush(model.tables)
            yield conn
        finally:
            transaction.rollback()
