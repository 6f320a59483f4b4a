"""The event stores: eventsourcing's recorders, extended where the ledger needs more.

Two extensions, both through the library's extension points (an infrastructure
factory named by ``PERSISTENCE_MODULE`` and the recorder class it builds):

* **The hash chain in the save's transaction.** Each save's notifications are linked
  into ``ledger_chain`` (:mod:`ledger.privacy.chain`) in the same transaction that
  inserts them, so an acknowledged event is always chained and a save costs one
  commit, not two. On PostgreSQL the insert takes the library's table lock first (with
  its insert *function* the library does not lock, so notification ids could commit
  out of order and a follower could pass over a gap), which also makes reading the
  chain head inside the transaction safe. If the chain lags (events from a release
  without the chain, or a tail whose chain rows were deleted), the save is refused
  (:class:`~ledger.privacy.chain.ChainTailError`, counted in ``chain_lag``): chaining
  such a tail silently would vouch for rows nobody checked. ``ledger audit verify``
  reports it and ``ledger audit chain-tail`` chains it, on record.
* **A subscription for SQLite** (below).

SQLite:

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
import time
import weakref
from collections.abc import Sequence
from typing import Any

import structlog

from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    ListenNotifySubscription,
    Notification,
    OperationalError,
    StoredEvent,
    Subscription,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteFactory
from psycopg.sql import SQL, Identifier

from ledger.privacy.chain import CHAIN_TABLE, GENESIS, ChainTailError, link

__all__ = ["FACTORY_TOPIC", "PG_FACTORY_TOPIC", "POLL_SECONDS", "ChainingPostgresApplicationRecorder",
           "ChainingPostgresFactory", "PollingSQLiteApplicationRecorder", "PollingSQLiteFactory",
           "PollingSubscription"]

log = structlog.get_logger("ledger.persistence")

POLL_SECONDS = 0.2


class ChainsInTransaction:
    """Mixin for an application recorder: link a save's notifications into the chain as it inserts them."""

    placeholder = "?"
    chaining = False  # switched on by Chain once its table exists
    chain_lag = 0  # how often a save was refused behind an unchained tail

    id_column = "rowid"

    @property
    def head_sql(self) -> str:
        """The chain's head and how many notifications lie after it (read after this save's insert)."""
        return (f"SELECT h.position, h.hash, (SELECT count(*) FROM {self._events_sql()} AS e "
                f"WHERE e.{self.id_column} > COALESCE(h.position, 0)) AS after "
                f"FROM (SELECT 1 AS one) AS o LEFT JOIN "
                f"(SELECT position, hash FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1) AS h ON 1 = 1")

    def _events_sql(self) -> str:
        return str(self.events_table_name)  # type: ignore[attr-defined]  # the recorder this mixes into defines it

    def _chain(self, cursor: Any, ids: Sequence[int] | None, stored_events: Sequence[StoredEvent]) -> None:
        if not self.chaining or not ids:
            return
        cursor.execute(self.head_sql)
        self._write_links(cursor, cursor.fetchone(), ids, stored_events)

    def _write_links(self, cursor: Any, head: Any, ids: Sequence[int] | None,
                     stored_events: Sequence[StoredEvent]) -> None:
        """Link the new notifications onto ``head`` (a row of ``head_sql``) and insert the links.

        The ids may have gaps (a PostgreSQL sequence skips the ids of a rolled-back insert);
        what must hold is that nothing but this save lies after the chain's head.
        """
        if not ids:
            return
        if head["position"] is None:  # a sqlite3.Row or psycopg's dict row
            position, previous = 0, GENESIS
        else:
            position, previous = head["position"], bytes(head["hash"])
        if head["after"] != len(ids) or ids[0] <= position or list(ids) != sorted(ids):
            self.chain_lag += 1  # something before this save is not chained: refuse (rolls the save back)
            log.error("chain_tail_unchained", chain_head=position, first_new=ids[0])
            raise ChainTailError
        rows = []
        for nid, s in zip(ids, stored_events, strict=True):
            previous = link(previous, Notification(id=nid, originator_id=s.originator_id,
                                                   originator_version=s.originator_version, topic=s.topic,
                                                   state=s.state))
            rows.append((nid, previous))
        p = self.placeholder
        cursor.executemany(
            f"INSERT INTO {CHAIN_TABLE} (position, hash) VALUES ({p}, {p}) ON CONFLICT (position) DO NOTHING", rows)


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


class PollingSQLiteApplicationRecorder(ChainsInTransaction, SQLiteApplicationRecorder):
    """The library's SQLite application recorder, with ``subscribe()`` and the chain in the transaction."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.listeners: weakref.WeakSet[PollingSubscription] = weakref.WeakSet()

    def _insert_events(self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)  # inside the library's write transaction
        self._chain(c, ids, stored_events)
        return ids

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


class ChainingPostgresApplicationRecorder(ChainsInTransaction, PostgresApplicationRecorder):
    """The library's PostgreSQL application recorder; inserts serialised, the chain in the transaction."""

    placeholder = "%s"
    id_column = "notification_id"

    def _events_sql(self) -> str:
        return f'"{self.datastore.schema}"."{self.events_table_name}"' if self.datastore.schema else \
            f'"{self.events_table_name}"'

    RETRIES = 10  # as the library's own recorder methods: 10 attempts, 0.2 s apart
    RETRY_WAIT = 0.2

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Insert and chain; on a broken connection try again, and recognise our own earlier commit.

        The library retries a failed insert blindly. When the connection broke *after* the
        COMMIT reached the server (a restart at that moment), the retry finds its own rows
        and fails on the (originator, version) key, and the caller would report a conflict
        for a write that is in fact stored. Here such a retry compares the stored rows with
        what it tried to insert, byte for byte (sealed states carry a random nonce, so only
        our own attempt can match), and answers as the first attempt would have.
        """
        if not self.chaining or not stored_events or kwargs.get("tracking") is not None:
            return super().insert_events(stored_events, **kwargs)
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._insert_chained(stored_events)
            except (InterfaceError, OperationalError):
                if attempt >= self.RETRIES:
                    raise
                time.sleep(self.RETRY_WAIT)
            except IntegrityError:
                ids = self._ids_if_stored(stored_events) if attempt > 1 else None
                if ids is None:
                    raise
                log.warning("insert_found_committed_after_retry", events=len(stored_events))
                return ids

    def _insert_chained(self, stored_events: Sequence[StoredEvent]) -> Sequence[int] | None:
        with self.datastore.get_connection() as conn:
            with conn.pipeline() as pipeline, conn.transaction():
                with conn.cursor() as curs, conn.cursor() as head:
                    # One round trip: lock the table (ids in commit order), NOTIFY, insert (the
                    # library's own statements), and read the chain's head under that lock.
                    self._insert_stored_events(curs, stored_events)
                    head.execute(self.head_sql)
                    pipeline.sync()
                    ids = self._fetch_ids_after_insert_events(curs, stored_events)
                    # The links go out with the COMMIT.
                    self._write_links(curs, head.fetchone(), ids, stored_events)
        return ids

    def _ids_if_stored(self, stored_events: Sequence[StoredEvent]) -> list[int] | None:
        """The notification ids of exactly these events if they are stored already, byte for byte; else None."""
        statement = SQL("SELECT notification_id, state FROM {0}.{1} WHERE originator_id = %s "
                        "AND originator_version = %s").format(Identifier(self.datastore.schema),
                                                              Identifier(self.events_table_name))
        ids = []
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            for s in stored_events:
                row = curs.execute(statement, (s.originator_id, s.originator_version)).fetchone()
                if row is None or bytes(row["state"]) != bytes(s.state):
                    return None
                ids.append(row["notification_id"])
        return ids


class ChainingPostgresFactory(PostgresFactory):
    application_recorder_class = ChainingPostgresApplicationRecorder


PG_FACTORY_TOPIC = "ledger.persistence:ChainingPostgresFactory"
