"""The demo's simulated clock and its seeded id sources: what ``build`` is given for a reproducible demo."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo


DEFAULT_HISTORY_DAYS = 420
MIN_HISTORY_DAYS = 120
DEFAULT_TIMEZONE = "Europe/Amsterdam"


# =============================================================== clock and ids
class SimClock:
    """A simulated clock for the application: returns a fixed moment until advanced.

    It only moves forward, so events are recorded in the order they happened.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("The demo clock needs a timezone-aware start moment.")
        self._now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self._now

    def advance_to(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("The demo clock only takes timezone-aware moments.")
        moment = moment.astimezone(UTC)
        if moment < self._now:
            raise ValueError(
                f"The demo clock only moves forward (now {self._now.isoformat()}, asked {moment.isoformat()})."
            )
        self._now = moment

    def __repr__(self) -> str:
        return f"SimClock({self._now.isoformat()})"


def default_start(timezone: str = DEFAULT_TIMEZONE) -> date:
    """The first day of the default history: 420 days before today."""
    return datetime.now(tz=ZoneInfo(timezone)).date() - timedelta(days=DEFAULT_HISTORY_DAYS)


def demo_clock(start: datetime | date | None = None, timezone: str = DEFAULT_TIMEZONE) -> SimClock:
    """A clock set to ``start`` (a date means its midnight in ``timezone``); default: :func:`default_start`."""
    if start is None:
        start = default_start(timezone)
    if not isinstance(start, datetime):
        start = datetime.combine(start, time(0, 0), tzinfo=ZoneInfo(timezone))
    return SimClock(start)


def seeded_ids(rng: random.Random) -> Callable[[], str]:
    """``new_id`` for the application: 12-hex item ids drawn from ``rng``."""
    return lambda: f"{rng.getrandbits(48):012x}"


def seeded_household_ids(rng: random.Random) -> Callable[[], UUID]:
    """``new_household_id`` for the application: version-4 UUIDs drawn from ``rng``."""
    return lambda: uuid.UUID(int=rng.getrandbits(128), version=4)


def demo_wiring(seed: int, timezone: str = DEFAULT_TIMEZONE) -> tuple[SimClock, Callable[[], str], Callable[[], UUID]]:
    """Clock and id sources to pass to ``build`` for a reproducible demo of ``seed``."""
    rng = random.Random(f"demo-ids-{seed}")
    return demo_clock(timezone=timezone), seeded_ids(rng), seeded_household_ids(rng)
