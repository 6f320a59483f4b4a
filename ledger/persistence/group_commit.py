"""Group commit: records saved on their own, by one writer thread, in batches."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

__all__ = ["GroupCommit"]


class GroupCommit:
    """Group commit for the access records of reads (and refusals), saved on their own.

    Each caller hands its record to one writer thread and waits until it is committed,
    so a read's record is still durable before its data goes out. The writer saves all
    records that queued up while it was busy as one ``save(*records)``: one transaction,
    one table lock and one set of chain links per batch, instead of one each, in turn,
    for every concurrent read (``bench http``: the lock wait was most of an audited
    read's time at 20 clients). If that save fails, every read of the batch fails.
    A command's record is not handed here: it is saved with the command's events.
    """

    MAX_BATCH = 200

    def __init__(self, save: Callable[..., list[Any]]) -> None:
        self._save = save
        self._queue: queue.SimpleQueue[tuple[Any, Future[int]] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def save(self, record: Any) -> int:
        """Save ``record`` with whatever else is waiting; return the batch's last notification id."""
        done: Future[int] = Future()
        with self._lock:
            if self._stopped:
                raise RuntimeError("The ledger is closed.")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="ledger-record-writer", daemon=True)
                self._thread.start()
            self._queue.put((record, done))
        return done.result()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            while len(batch) < self.MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)  # stop after this batch
                    break
                batch.append(item)
            try:
                recordings = self._save(*(record for record, _ in batch))
            except BaseException as exc:  # noqa: BLE001 - each waiting read fails closed, with the cause
                for _, done in batch:
                    done.set_exception(exc)
                continue
            position = max((r.notification.id for r in recordings if getattr(r, "notification", None)), default=0)
            for _, done in batch:
                done.set_result(position)
