"""A ledger's notification log in memory, for the views' unit tests (tests/unit/test_projection_handlers.py).

What a :class:`~ledger.projections.Runner` reads of a ledger is its recorder (notifications)
and its mapper (to decode them). Here that is eventsourcing's own in-memory recorder and a
mapper with the ledger's transcodings, sealing personal values under one test key; the runner
reads through a blind mapper, as in a deployment, so the views get every personal value erased.
No store, no application: events come straight from the aggregate (or the access-record factory).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, UUIDAsHex
from eventsourcing.popo import POPOApplicationRecorder
from sqlalchemy.pool import StaticPool

from ledger.aggregates.clock import recording_clock
from ledger.privacy.sealing import SealingMapper, register_transcodings
from ledger.projections import ReadModel, Runner

TEST_KEY = bytes(range(32))


class _OneKey:
    """Every household's data key is the test key (a key store that holds one key for all)."""

    def get(self, subject: Any) -> bytes:
        return TEST_KEY


class MemoryLog:
    """The recorder and mapper a Runner reads, held in memory; :meth:`record` appends events as saves do."""

    def __init__(self) -> None:
        transcoder = JSONTranscoder()
        for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):  # eventsourcing's Application's
            transcoder.register(transcoding)
        register_transcodings(transcoder)
        self.mapper = SealingMapper(transcoder=transcoder, keys=_OneKey())
        self.recorder = POPOApplicationRecorder()

    def record(self, events: Iterable[Any]) -> None:
        """One save: the events in one insert, each a notification of its own."""
        self.recorder.insert_events([self.mapper.to_stored_event(e) for e in events])

    def notifications(self) -> list[Any]:
        return list(self.recorder.select_notifications(start=1, limit=1_000_000))


class Clock:
    """Event timestamps one minute apart, from a fixed start (the application's clock, in the tests)."""

    def __init__(self, start: datetime = datetime(2024, 3, 1, 9, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@contextmanager
def clocked(clock: Callable[[], datetime]) -> Iterator[None]:
    with recording_clock(clock):
        yield


def memory_engine() -> sa.Engine:
    """A private in-memory SQLite database for the view tables."""
    return sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})


def runner(log: MemoryLog, models: list[ReadModel], *, batch: int = 500) -> Runner:
    """A runner over ``log`` into a fresh in-memory database."""
    return Runner(log, memory_engine(), models, batch=batch)
