"""Read models rebuilt from the ledger: each view in its own module, one runner for all.

See ``base.py`` (what a view is), ``runner.py`` (exactly-once, in-order following),
``docs/architecture.md`` (the views and their tables).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from ledger.application import CaseLedger

from .access_log import AccessLog
from .caseloads import Caseloads
from .current_plan import CurrentPlan
from .evaluation_facts import EvaluationFacts
from .household_list import HouseholdList
from .involvement import WhoIsInvolved
from .base import Applied, Batch, ReadModel, Rows, metadata
from .runner import BATCH, REBUILD_BATCH, ConcurrentRunnerError, Progress, Runner
from .stalls import Stall

__all__ = [
    "Applied", "BATCH", "Batch", "ConcurrentRunnerError", "Progress", "REBUILD_BATCH", "ReadModel", "Rows", "Runner",
    "Stall", "Followed", "WithViews", "all_models", "as_of", "metadata", "open_views", "sqlite_views_engine",
    "views_engine",
]


class Followed(Protocol):
    """What the views follow: the application (its recorder and mapper). The composition root's ``Ledger`` is one."""

    @property
    def app(self) -> CaseLedger: ...


class WithViews(Followed, Protocol):
    """The application and the engine the deployment's views live in (wired by ``ledger.bootstrap``)."""

    @property
    def views_engine(self) -> sa.Engine: ...


def all_models() -> list[ReadModel]:
    """Every view, in the order they are applied."""
    return [CurrentPlan(), Caseloads(), WhoIsInvolved(), AccessLog(), EvaluationFacts(), HouseholdList()]


def sqlite_views_engine(path: str) -> sa.Engine:
    """The views' own SQLite file beside the ledger's: WAL, so readers never wait for the runner."""
    engine = sa.create_engine(f"sqlite:///{path}")

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")  # readers never wait for the runner
        # A view's rows and its position commit together, so a commit lost to a power cut
        # (WAL's NORMAL: no fsync per commit) only means replaying it: never skipped, never doubled.
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()

    return engine


def views_engine(ledger: WithViews) -> sa.Engine:
    """Where the deployment's views live (the composition root decides: PostgreSQL, or ``views.sqlite``)."""
    return ledger.views_engine


def open_views(ledger: WithViews, models: Sequence[ReadModel] | None = None, **kwargs: Any) -> Runner:
    """A runner over the deployment's views (created and migrated on first use)."""
    return Runner(ledger.app, ledger.views_engine, models if models is not None else all_models(), **kwargs)


def as_of(ledger: Followed, at: datetime, models: Sequence[ReadModel] | None = None) -> Runner:
    """Every view as it stood at ``at``: replayed from the ledger into a private in-memory database."""
    engine = sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    runner = Runner(ledger.app, engine, models if models is not None else all_models(), until=at)
    runner.catch_up()
    return runner
