"""Break the glass, within bounds: how often one user may open a household without a relationship.

An emergency access (``decide`` allowed it as ``emergency``) is admitted only while the user
has had fewer than ``limit`` of them in the last ``window``; from the ``burst``-th within
``burst_window`` on, the access record says so and the log raises ``emergency_access_burst``,
so the privacy officer sees the burst on the review list and monitoring can alert on it.

The uses live in a table of the ledger's own database (``ledger_emergency_uses``: user id and
moment, nothing about the household), so every service instance on one database counts the
same uses; each admission inserts and counts in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

__all__ = ["Admission", "EmergencyThrottle"]

metadata = sa.MetaData()
uses = sa.Table(
    "ledger_emergency_uses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_ledger_emergency_uses_user_at", "user_id", "at"),
)


@dataclass(frozen=True)
class Admission:
    admitted: bool
    in_window: int  # this user's emergency accesses in the window, this one included if admitted
    burst: bool  # the burst threshold is reached


class EmergencyThrottle:
    def __init__(self, engine: sa.Engine, *, limit: int = 5, window: timedelta = timedelta(hours=24),
                 burst: int = 3, burst_window: timedelta = timedelta(hours=1)) -> None:
        self.engine = engine
        self.limit, self.window, self.burst, self.burst_window = limit, window, burst, burst_window
        try:
            metadata.create_all(engine)
        except sa.exc.SQLAlchemyError:  # two instances creating it at the same moment: the other won
            metadata.create_all(engine)

    def admit(self, user_id: str, now: datetime) -> Admission:
        """Count this user's recent emergency accesses and, if under the limit, record this one."""
        since, burst_since = now - self.window, now - self.burst_window
        with self.engine.begin() as conn:
            recent = [r.at for r in conn.execute(
                sa.select(uses.c.at).where(uses.c.user_id == user_id, uses.c.at > since))]
            if len(recent) >= self.limit:
                return Admission(False, len(recent), True)
            conn.execute(uses.insert().values(user_id=user_id, at=now))
        in_burst = sum(1 for at in recent if _aware(at, now) > burst_since) + 1
        return Admission(True, len(recent) + 1, in_burst >= self.burst)


def _aware(at: datetime, like: datetime) -> datetime:
    """SQLite hands moments back without their zone; they were stored in the zone of ``now``."""
    return at.replace(tzinfo=like.tzinfo) if at.tzinfo is None and like.tzinfo is not None else at
