"""The reference figures: :func:`compute` over the replay of exactly the events that count at (as_of, known_at).

What the report from facts must equal (the property test compares ``figures_of(report)`` with these):
same cohort rules, no disclosure control (``finish`` without marks), no stamps.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.application import CaseLedger

from .disclosure import finish
from .figures import compute
from .facts_as_of import facts_as_of
from .replay import replay

__all__ = ["reference_figures"]


def reference_figures(app: CaseLedger, *, as_of: date, known_at: int, from_: date | None = None,
                      to: date | None = None) -> dict[str, Any]:
    """Every figure as the fold of the events with ``position <= known_at`` and ``on <= as_of`` gives it."""
    run = replay(app, as_of=as_of, known_at=known_at)
    try:
        with run.engine.connect() as conn:
            figures = compute(conn, facts_as_of(as_of, known_at), from_, to or as_of, as_of)
    finally:
        run.engine.dispose()
    figures.pop("_last_position")
    return finish(figures)
