"""One household's views at ``(as_of, known_at)``: its own events folded into private in-memory tables.

The same projection classes as the live views (:class:`~.current_plan.CurrentPlan`,
:class:`~.involvement.WhoIsInvolved`) apply exactly the events the household's as-of state is made
of (:meth:`CaseLedger.blind_household_as_of`: position <= known_at, business date <= as_of, the
ones the aggregate could not apply skipped), with their positions and recording times, into a
private SQLite database in memory. So the cost is the household's own events, never the ledger's
size (the whole-ledger replay of :func:`ledger.projections.as_of` stays as the reference). The
events come from the blind mapper: no personal value is opened.
"""

from __future__ import annotations

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


@contextmanager
def household_views(household_id: str, events: Sequence[tuple[int, Any]],
                    models: Sequence[ReadModel] = _MODELS) -> Iterator[sa.Connection]:
    """A connection to private views holding only ``events`` (position, event) of one household, applied in order."""
    engine = sa.create_engine("sqlite://", poolclass=StaticPool)
    try:
        with engine.begin() as conn:
            for model in models:
                model.create(conn)
                batch = Batch(conn, [household_id])
                for position, event in events:
                    model.apply(event, Applied(batch, position, event.timestamp))
                batch.flush(model.tables)
            yield conn
    finally:
        engine.dispose()
