"""The evaluation report's private replay: fresh read models, pinned to the digest's position.

Events recorded after the as-of moment are left out; nothing written meanwhile can slip in
behind the digest the report names. One in-memory SQLite database per report.

The two-time form, ``replay(app, as_of=DAY, known_at=POSITION)``, is the *reference* of
issue 14 (docs/evaluation.md, "Two times"): the fold, in ledger order, of exactly the
household events with ``position <= known_at`` and business date (:func:`business_date`,
the ``on`` the event carries) ``<= as_of``. Answers from temporal facts must equal it
(tests/service/test_report_two_times_property.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from functools import singledispatchmethod
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from ledger.aggregates import Household
from ledger.application import CaseLedger
from ledger.projections import Applied, ReadModel, Runner
from ledger.projections.caseloads import Caseloads
from ledger.projections.evaluation_facts import EvaluationFacts

__all__ = ["Basis", "Replay", "business_date", "replay"]


def business_date(event: Any) -> date | None:
    """The business date a household event carries (its command's ``on``); ``None`` for any other event.

    ``ConsentGranted`` keeps no ``on`` of its own: its ``valid_from`` stands for it.
    """
    if not isinstance(event, Household.Event):
        return None
    where = _ON_OF.get(type(event))
    value = getattr(getattr(event, where[0]), where[1]) if where is not None else getattr(event, "on", None)
    return value if isinstance(value, date) else None


# Where an event keeps its business date: (its value object, that object's date field).
_ON_OF: dict[type, tuple[str, str]] = {  # the rest carry ``on`` itself
    Household.Referred: ("referral", "on"),
    Household.IntakeHeld: ("intake", "held_on"),
    Household.CoordinationDecided: ("decision", "on"),
    Household.CaseDirectorAssigned: ("directorship", "since"),
    Household.CaseDirectorReplaced: ("directorship", "since"),
    Household.ConsentGranted: ("consent", "valid_from"),
    Household.ZrmMeasured: ("measurement", "measured_on"),
    Household.PlanGoalSet: ("goal", "set_on"),
    Household.PlanGoalRevised: ("goal", "revised_on"),
    Household.PlanActionAdded: ("action", "added_on"),
    Household.InvolvementStarted: ("involvement", "started_on"),
    Household.EvaluationHeld: ("evaluation", "held_on"),
    Household.EscalationRaised: ("escalation", "raised_on"),
    Household.CostRecorded: ("cost", "recorded_on"),
    Household.HandedOver: ("handover", "on"),
    Household.DroppedOut: ("drop_out", "on"),
    Household.Closed: ("closure", "on"),
    Household.RetentionHoldPlaced: ("hold", "placed_on"),
    Household.ErasureRequested: ("request", "requested_on"),
    Household.Erased: ("erasure", "on"),
}


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


def replay(app: CaseLedger, at: datetime | None = None, position: int | None = None, *,
           as_of: date | None = None, known_at: int | None = None) -> Replay:
    """Fresh read models, in private memory, with only the views the report reads.

    ``replay(app, at, position)``: the events recorded at or before ``at``, up to ``position``
    (like :func:`ledger.projections.as_of`, but pinned so that writes arriving meanwhile cannot
    slip in behind the digest).

    ``replay(app, as_of=DAY, known_at=POSITION)``: the two-time reference, the household events
    with ``position <= known_at`` and :func:`business_date` ``<= as_of``, folded in ledger order
    (``known_at`` defaults to the head, ``as_of`` to no limit). A view that cannot apply an
    event makes it raise: a reference answers whole or not at all.
    """
    engine = sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    basis = Basis()
    models = [EvaluationFacts(), Caseloads(), basis]
    if at is not None or position is not None:
        if as_of is not None or known_at is not None:
            raise TypeError("replay takes either (at, position) or (as_of=, known_at=), not both")
        head = position if position is not None else app.recorder.max_notification_id() or 0
        _Pinned(app, engine, models, until=at, head=head).catch_up()
        return Replay(engine, basis)

    def counts(_position: int, event: Any) -> bool:
        day = business_date(event)
        return as_of is None or day is None or day <= as_of

    head = known_at if known_at is not None else app.recorder.max_notification_id() or 0
    runner = _Pinned(app, engine, models, keep=counts, head=head)
    runner.catch_up()
    failed = runner.failures()
    if failed:
        engine.dispose()
        stalls = ", ".join(f"{name} at {stall.position} ({stall.error_type})" for name, stall in sorted(failed.items()))
        raise RuntimeError(f"the reference replay could not apply every event: {stalls}")
    return Replay(engine, basis)
