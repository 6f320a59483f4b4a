"""A view that cannot apply an event: where it stopped and why, without a value of the event.

When a view's handler (or the database, at the flush) refuses an event, the runner
rolls that view's transaction back, finds the one event that fails (it applies the
batch one event at a time up to it) and records here, in ``view_failures``, the view,
the event's position and the error's *type*: never its message, which may quote a
value. The view rests, and is tried again after a back-off that doubles up to
:data:`MAX_REST_SECONDS`; the other views go on. ``projections status``, ``/v1/health``
and the ``view_stalled`` log event show it. A row whose position the view has since
passed (a later success, by this runner or another) is stale and is not shown.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
import structlog
from sqlalchemy.dialects import postgresql, sqlite

from .base import metadata

__all__ = ["FIRST_REST_SECONDS", "MAX_REST_SECONDS", "Rests", "Stall", "failures_table", "read_stalls"]

log = structlog.get_logger("ledger.projections")

FIRST_REST_SECONDS = 1.0
MAX_REST_SECONDS = 60.0

failures_table = sa.Table(
    "view_failures",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False),  # the notification the view cannot apply
    sa.Column("error_type", sa.String(120), nullable=False),  # the exception's class name, never its message
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("first_failed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Stall:
    """A view stopped before ``position``: the event there fails with ``error_type``."""

    view: str
    position: int
    error_type: str
    attempts: int
    since: datetime


def read_stalls(conn: sa.Connection, positions: dict[str, int]) -> dict[str, Stall]:
    """The views that are stuck now (their recorded failure lies past their position)."""
    out = {}
    for r in conn.execute(sa.select(failures_table)):
        if r.name in positions and r.position > positions[r.name]:
            out[r.name] = Stall(r.name, r.position, r.error_type, r.attempts, r.first_failed_at)
    return out


def _upsert(dialect: str) -> sa.Insert:
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(failures_table)
    excluded = insert.excluded
    same = failures_table.c.position == excluded.position
    return insert.on_conflict_do_update(index_elements=["name"], set_={
        "position": excluded.position,
        "error_type": excluded.error_type,
        "attempts": sa.case((same, failures_table.c.attempts + 1), else_=1),
        "first_failed_at": sa.case((same, failures_table.c.first_failed_at), else_=excluded.first_failed_at),
        "last_failed_at": excluded.last_failed_at,
    })


class Rests:
    """Which views of one runner are resting after a failure, and until when (this process's clock)."""

    def __init__(self, first: float = FIRST_REST_SECONDS, most: float = MAX_REST_SECONDS) -> None:
        self.first, self.most = first, most
        self.until: dict[str, float] = {}
        self.since: dict[str, float] = {}
        self.attempts: dict[str, int] = {}

    def resting(self, name: str, since: float | None = None) -> bool:
        """Whether the view waits out its back-off (or failed after ``since``: once per catch-up is enough)."""
        until = self.until.get(name)
        if until is None:
            return False
        return time.monotonic() < until or (since is not None and self.since[name] >= since)

    def due(self) -> bool:
        """Whether a resting view's back-off has passed (it is to be tried again)."""
        now = time.monotonic()
        return any(until <= now for until in self.until.values())

    def failed(self, engine: sa.Engine, name: str, position: int, exc: BaseException) -> None:
        """Record the failure (durably, if the database lets us), log it, and rest the view."""
        attempts = self.attempts.get(name, 0) + 1
        rest = min(self.most, self.first * 2 ** (attempts - 1))
        self.attempts[name] = attempts
        self.since[name] = time.monotonic()
        self.until[name] = self.since[name] + rest
        error_type = type(exc).__name__
        log.error("view_stalled", view=name, position=position, error_type=error_type, attempts=attempts,
                  retry_in_seconds=rest)
        now = datetime.now(UTC)
        try:
            with engine.begin() as conn:
                conn.execute(_upsert(conn.dialect.name), {
                    "name": name, "position": position, "error_type": error_type[:120], "attempts": 1,
                    "first_failed_at": now, "last_failed_at": now})
        except Exception as e:  # noqa: BLE001 - the log line above stands; the database may be the cause
            log.warning("view_failure_not_recorded", view=name, error_type=type(e).__name__)

    def recovered(self, name: str) -> bool:
        """Forget a rest once the view moved again; True if it had one (its failure row is to go)."""
        self.until.pop(name, None)
        self.since.pop(name, None)
        return self.attempts.pop(name, None) is not None
