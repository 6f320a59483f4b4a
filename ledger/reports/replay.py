"""The reference replay: fresh read models from the events that count at (as_of, known_at).

The state at (as_of, known_at) is the fold, in ledger (position) order, of exactly the
household events with ``position <= known_at`` and business date (``on``,
:func:`ledger.aggregates.business_date`) ``<= as_of``. The report itself answers from the
live bitemporal facts (``facts_as_of.py``); this replay is what it must equal (the
property test compares them). One in-memory SQLite database per replay.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import singledispatchmethod
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from ledger.aggregates import Household, business_date
from ledger.application import CaseLedger
from ledger.projections import Applied, ReadModel, Runner
from ledger.projections.caseloads import Caseloads
from ledger.projections.evaluation_facts import EvaluationFacts

__all__ = ["Basis", "Replay", "replay"]


class Basis(ReadModel):
    """What the report rests on, tallied during its own replay (one instance per report, never a shared view).

    Per household the number of its events included, the ledger position of each ZRM
    measurement (to order measurements of one day), and the last position included.
    """

    name = "report_basis"
    version = 1
    tables = ()

    def __init__(self) -> None:
        self.events: Counter[str] = Counter()
        self.zrm_positions: dict[tuple[str, str], int] = {}
        self.last_position = 0

    @singledispatchmethod
    def apply(self, event: Any, on: Applied) -> None:
        """Access records and other notifications: only the position."""
        self.last_position = max(self.last_position, on.position)

    @apply.register
    def _(self, e: Household.Event, on: Applied) -> None:
        self.last_position = max(self.last_position, on.position)
        self.events[str(e.originator_id)] += 1

    @apply.register
    def _(self, e: Household.ZrmMeasured, on: Applied) -> None:
        self.last_position = max(self.last_position, on.position)
        self.events[str(e.originator_id)] += 1
        self.zrm_positions[(str(e.originator_id), e.measurement.measurement_id)] = on.position


class _Pinned(Runner):
    """A runner that stops at ``known_at`` and leaves out household events dated after ``as_of``."""

    def __init__(self, *args: Any, head: int, as_of: date, **kwargs: Any) -> None:
        self._pinned = head
        self._as_of = as_of
        super().__init__(*args, **kwargs)

    def head(self) -> int:
        return self._pinned

    def keeps(self, event: Any) -> bool:
        on = business_date(event)
        return on is None or on <= self._as_of


@dataclass
class Replay:
    engine: sa.Engine
    basis: Basis


def replay(app: CaseLedger, *, as_of: date, known_at: int) -> Replay:
    """Fresh read models from the events with position <= ``known_at`` and ``on`` <= ``as_of``, in memory.

    Pinned to ``known_at`` so that writes arriving meanwhile cannot slip in, and with only
    the views the report reads.
    """
    engine = sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    basis = Basis()
    runner = _Pinned(app, engine, [EvaluationFacts(), Caseloads(), basis], head=known_at, as_of=as_of)
    runner.catch_up()
    return Replay(engine, basis)
