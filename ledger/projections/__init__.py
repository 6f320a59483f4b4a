"""Read models rebuilt from the ledger: each view in its own module, one runner for all.

See ``base.py`` (what a view is), ``runner.py`` (exactly-once, in-order following),
``docs/architecture.md`` (the views and their tables).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from ledger.bootstrap import Ledger

from .access_log import AccessLog
from .caseloads import Caseloads
from .current_plan import CurrentPlan
from .evaluation_facts import EvaluationFacts
from .involvement import WhoIsInvolved
from .base import Applied, Batch, ReadModel, Rows, metadata
from .runner import BATCH, REBUILD_BATCH, ConcurrentRunnerError, Progress, Runner
from .stalls import Stall

__all__ = [
    "Applied", "BATCH", "Batch", "ConcurrentRunnerError", "Progress", "REBUILD_BATCH", "ReadModel", "Rows", "Runner",
    "Stall", "all_models", "as_of", "metadata", "open_views", "views_engine",
]


def all_models() -> list[ReadModel]:
    """Every view, in the order they are applied."""
    return [CurrentPlan(), Caseloads(), WhoIsInvolved(), AccessLog(), EvaluationFacts()]


def views_engine(ledger: Ledger) -> sa.Engine:
    """Where the views live: the ledger's PostgreSQL database, or ``views.sqlite`` beside the ledger."""
    if ledger.settings.uses_postgres:
        return ledger.engine
    engine = sa.create_engine(f"sqlite:///{ledger.settings.data_dir / 'views.sqlite'}")

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")  # readers never wait for the runner
        # A view's rows and its position commit together, so a commit lost to a power cut
        # (WAL's NORMAL: no fsync per commit) only means replaying it: never skipped, never doubled.
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()

    return engine


def open_views(ledger: Ledger, models: Sequence[ReadModel] | None = None, **kwargs: object) -> Runner:
    """The runner over the deployment's views (created and migrated on first use)."""
    return Runner(ledger.app, views_engine(ledger), models if models is not None else all_models(), **kwargs)


def as_of(ledger: Ledger, at: datetime, models: Sequence[ReadModel] | None = None) -> Runner:
    """Every view as it stood at ``at``: replayed from the ledger into a private in-memory database."""
    engine = sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    runner = Runner(ledger.app, engine, models if models is not None else all_models(), until=at)
    runner.catch_up()
    return runner
