"""One private replay that walks forward through a series' dates: the reference machinery, paid for once.

The report's replay (``replay.py``) folds, in ledger order, every event up to the digest's position
recorded at or before the as-of moment. Where the events recorded by a moment are a *prefix* of
the ledger (nothing earlier in the ledger was recorded after that moment: the usual case with one
clock), one replay can stop at each date in turn: pinned to the end of that prefix, caught up,
read, and moved on. :class:`Stepper` first reads every recording time up to the position (one
decoding pass); for a moment whose events are no prefix, or one earlier than the last it
served, it declines (``None``) and the caller replays that date on its own. The figures are the
same either way; the tests compare them with the report's.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from ledger.application import CaseLedger
from ledger.projections.caseloads import Caseloads
from ledger.projections.evaluation_facts import EvaluationFacts

from .replay import Basis, Replay, _Pinned

__all__ = ["Stepper"]

SCAN_BATCH = 2000


class Stepper:
    """A replay up to ``position`` that stops at increasing moments (see the module's docstring)."""

    def __init__(self, app: CaseLedger, position: int) -> None:
        self.app, self.position = app, position
        self.engine = sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
        self.basis = Basis()
        self.runner = _Pinned(app, self.engine, [EvaluationFacts(), Caseloads(), self.basis], head=0)
        self._ids: list[int] = []
        self._stamps: list[float] = []
        self.readable = self._scan()
        self._running_max: list[float] = []  # the latest recording time up to each index (non-decreasing)
        for stamp in self._stamps:
            self._running_max.append(max(stamp, self._running_max[-1]) if self._running_max else stamp)
        self._later_min: list[float] = [0.0] * len(self._stamps)  # the earliest from each index on
        low = float("inf")
        for i in range(len(self._stamps) - 1, -1, -1):
            low = min(low, self._stamps[i])
            self._later_min[i] = low
        self._done = 0  # notifications applied so far (a prefix)

    def _scan(self) -> bool:
        """Every notification's recording time up to the position; False when one cannot be read."""
        decode, start = self.runner.mapper.to_domain_event, 0
        while True:
            batch = self.app.recorder.select_notifications(start=start, limit=SCAN_BATCH, inclusive_of_start=False,
                                                           stop=self.position)
            if not batch:
                return True
            for n in batch:
                try:
                    stamp = decode(n).timestamp.timestamp()
                except Exception:  # noqa: BLE001 - the per-date replay reports it as the report would
                    return False
                self._ids.append(n.id)
                self._stamps.append(stamp)
            start = batch[-1].id

    def at(self, moment: datetime) -> Replay | None:
        """The read models as of ``moment`` (recorded at or before it), or None when this replay cannot say."""
        stamp = moment.timestamp()
        count = bisect_right(self._running_max, stamp)  # the first ``count`` were all recorded by the moment
        if not self.readable or count < self._done:
            return None
        if count < len(self._stamps) and self._later_min[count] <= stamp:
            return None  # an event further on was recorded by the moment too: no prefix
        if count > self._done:
            self.runner._pinned = self._ids[count - 1]  # the pinned runner is this replay's own
            self.runner.catch_up()
            self._done = count
        return Replay(self.engine, self.basis)

    def close(self) -> None:
        self.engine.dispose()
