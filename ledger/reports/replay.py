"""The evaluation report's private replay: fresh read models, pinned to the digest's position.

Events recorded after the as-of moment are left out; nothing written meanwhile can slip in
behind the digest the report names. One in-memory SQLite database per report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import singledispatchmethod
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from ledger.aggregates import Household
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
    """A runner that stops at a given position: the one the report's digest names."""

    def __init__(self, *args: Any, head: int, **kwargs: Any) -> None:
        self._pinned = head
        super().__init__(*args, **kwargs)

    def head(self) -> int:
        return self._pinned


@dataclass
class Replay:
    engine: sa.Engine
    basis: Basis


def replay(app: CaseLedger, at: datetime, position: int) -> Replay:
    """Fresh read models from the events recorded at or before ``at``, up to ``position``, in private memory.

    Like :func:`ledger.projections.as_of`, but pinned to ``position`` so that writes
    arriving meanwhile cannot slip in behind the digest, and with only the views the
    report reads.
    """
    engine = sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    basis = Basis()
    runner = _Pinned(app, engine, [EvaluationFacts(), Caseloads(), basis], until=at, head=position)
    runner.catch_up()
    return Replay(engine, basis)
