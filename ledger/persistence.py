"""The embedded store: eventsourcing's SQLite recorder, plus the subscription it lacks.

``eventsourcing`` 9.5's SQLite application recorder raises ``NotImplementedError``
from ``subscribe()``; its PostgreSQL recorder follows the log with LISTEN/NOTIFY.
This module contributes a subscription for SQLite through the library's own
extension points: an infrastructure factory
(``PERSISTENCE_MODULE=ledger.persistence:PollingSQLiteFactory``) that builds a recorder whose ``subscribe()`` returns a
:class:`PollingSubscription`. That subscription reuses the library's
``ListenNotifySubscription`` machinery (a puller thread, a bounded queue, batches of
``select_notifications``) and replaces "a NOTIFY arrived" by "the poll interval
passed, or a write in this process committed", so followers in the same process
see a write at once and followers in other processes within one interval.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import ListenNotifySubscription, Subscription
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteFactory

__all__ = ["FACTORY_TOPIC", "POLL_SECONDS", "PollingSQLiteApplicationRecorder", "PollingSQLiteFactory",
           "PollingSubscription"]

POLL_SECONDS = 0.2


class PollingSubscription(ListenNotifySubscription["PollingSQLiteApplicationRecorder"]):
    """Follows a SQLite notification log by polling, woken early by local commits."""

    def __init__(
        self,
        recorder: PollingSQLiteApplicationRecorder,
        gt: int | None = None,
        topics: Sequence[str] = (),
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._poll_seconds = poll_seconds
        self._stopped = threading.Event()
        super().__init__(recorder=recorder, gt=gt, topics=topics)
        recorder.listeners.add(self)
        self._ticker = threading.Thread(target=self._tick, name="sqlite-subscription-poll", daemon=True)
        self._ticker.start()

    def _tick(self) -> None:
        while not self._stopped.wait(self._poll_seconds):
            self._has_been_notified.set()

    def notify(self) -> None:
        """A write committed in this process: pull now rather than at the next tick."""
        self._has_been_notified.set()

    def stop(self) -> None:
        self._stopped.set()
        super().stop()


class PollingSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    """The library's SQLite application recorder, with ``subscribe()``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.listeners: weakref.WeakSet[PollingSubscription] = weakref.WeakSet()

    def insert_events(self, stored_events: Any, **kwargs: Any) -> Any:
        result = super().insert_events(stored_events, **kwargs)
        for listener in list(self.listeners):
            listener.notify()
        return result

    def subscribe(self, gt: int | None = None, topics: Sequence[str] = ()) -> Subscription[Any]:
        return PollingSubscription(self, gt=gt, topics=topics)


class PollingSQLiteFactory(SQLiteFactory):
    application_recorder_class = PollingSQLiteApplicationRecorder


FACTORY_TOPIC = "ledger.persistence:PollingSQLiteFactory"
