"""Unfinished erasures, found and finished; the key store checked against the households.

An erasure is acknowledged only once its key is shredded (``KeyStore.shred``). When
that step did not happen after ``Erased`` was saved (the key store locked, the process
killed), the pending erasure row left behind keeps every process from using the key,
and :func:`finish_erasures` shreds it: at start-up (``bootstrap.build``), in ``audit
verify`` and when the erasure is retried. A pending row whose household has no
``Erased`` event after :data:`STALE_AFTER` is an erasure whose save failed: the row
goes and the household keeps its key.

:func:`check_keys` is the tamper check of ``audit verify``: a live household without
its key is an alarm (a deleted key row silently erases a household), an erased
household whose key survives is an unfinished erasure and is finished.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import structlog

from .keys import KeyStatus, KeyStore, KeyStoreError

__all__ = ["STALE_AFTER", "ErasureReport", "KeyCheck", "check_keys", "finish_erasures"]

STALE_AFTER = timedelta(minutes=5)  # far longer than the save between begin_erasure and shred

log = structlog.get_logger("ledger.erasure")


@dataclass
class ErasureReport:
    finished: list[str] = field(default_factory=list)  # erased households whose key was shredded now
    cancelled: list[str] = field(default_factory=list)  # pending rows of households never erased
    failed: list[str] = field(default_factory=list)  # still pending: the key store was busy


@dataclass
class KeyCheck:
    missing: list[str]  # live households without a data key: tampering, not an erasure
    erasures: ErasureReport
    status: KeyStatus
    orphans: int = 0  # keys of no household (a referral that failed to save)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.erasures.failed


def finish_erasures(keys: KeyStore, is_erased: Callable[[str], bool], *, also: Iterable[str] = (),
                    now: datetime | None = None) -> ErasureReport:
    """Shred the key of every pending erasure whose ``Erased`` is saved (and of ``also``); drop stale rows."""
    now = now or datetime.now(tz=UTC)
    report = ErasureReport()
    pending = keys.pending_erasures()
    for hid in sorted(set(pending) | set(also)):
        try:
            if is_erased(hid):
                keys.shred(hid)
                report.finished.append(hid)
                log.warning("unfinished_erasure_finished", household_id=hid)
            elif hid in pending and now - pending[hid] > STALE_AFTER:
                keys.cancel_erasure(hid)
                report.cancelled.append(hid)
                log.warning("stale_erasure_cancelled", household_id=hid)
        except KeyStoreError as e:
            report.failed.append(hid)
            log.error("unfinished_erasure_still_pending", household_id=hid, error_type=type(e).__name__)
    return report


def check_keys(keys: KeyStore, *, referred: set[str], present: set[str], erased: set[str],
               is_erased: Callable[[str], bool]) -> KeyCheck:
    """Every live household has its key, every erased one has none (finishing those that still do).

    Read ``referred``, then ``present`` (the key store's households), then ``erased``, so a
    referral or an erasure running meanwhile is never taken for a missing key.
    """
    pending = set(keys.pending_erasures())
    missing = sorted(referred - erased - present)
    for hid in missing:
        log.error("household_key_missing", household_id=hid)
    report = finish_erasures(keys, is_erased, also=erased & present)
    orphans = len(present - referred - pending)
    return KeyCheck(missing=missing, erasures=report, status=keys.status(), orphans=orphans)
