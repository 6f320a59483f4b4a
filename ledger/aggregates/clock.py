"""Where event timestamps come from.

The domain reads no clock of its own. Event timestamps (when a fact was recorded)
come from ``event_clock``, which the application sets around each command to its
injected clock; the default is the wall clock in UTC. This is the library's own
extension point (``create_timestamp`` on the event class), used so that a demo or
a bulk import of an existing municipality's cases can record history with its
original times, and tests can freeze time.

Business dates (when something happened: ``on``) are passed into every command
explicitly, like the acting user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

__all__ = ["ClockedEvent", "event_clock", "recording_clock"]


def _utc_now() -> datetime:
    return datetime.now(tz=UTC)


event_clock: ContextVar[Callable[[], datetime]] = ContextVar("event_clock", default=_utc_now)


@contextmanager
def recording_clock(clock: Callable[[], datetime]) -> Iterator[None]:
    token = event_clock.set(clock)
    try:
        yield
    finally:
        event_clock.reset(token)


class ClockedEvent:
    """Mixin for domain events: timestamps from :data:`event_clock`."""

    @staticmethod
    def create_timestamp() -> datetime:
        now = event_clock.get()()
        if now.tzinfo is None:
            raise ValueError("Event timestamps must be timezone-aware.")
        return now
