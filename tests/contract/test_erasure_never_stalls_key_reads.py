"""Issue 12 item 11: one erasure never stalls other households' key reads (PostgreSQL).

The old ``VACUUM FULL`` after a deletion queued for an exclusive lock behind any reader of
the key table (a long report, ``pg_dump``), and every later key read queued behind it.
"""

from __future__ import annotations

import threading
import time
from datetime import date

import psycopg
import pytest

from conftest import OPERATOR, FixedClock, Store
from ledger.application import NewMember

pytestmark = pytest.mark.parametrize("store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)

BOUND = 1.0  # seconds a key read may take while an erasure runs behind a long reader


def test_erasure_behind_a_long_reader_does_not_block_other_households_key_reads(
        store: Store, clock: FixedClock) -> None:
    """While a session reads the key table (as pg_dump does), an erasure finishes and other reads stay fast."""
    ledger = store.make_ledger(clock=clock, key_lock_timeout=0.5)
    reader = store.make_ledger(clock=clock, key_cache_seconds=0)
    clock.set(date(2026, 3, 2))
    hid, v = ledger.app.refer_household(OPERATOR, sources=["wmo_desk"], members=[NewMember("adult", "Ida Wacht")])
    others = [ledger.app.refer_household(OPERATOR, sources=["wmo_desk"], members=[NewMember("adult", f"Jan {i}")])[0]
              for i in range(3)]
    clock.set(date(2026, 3, 20))
    v = ledger.app.close_case(OPERATOR, hid, expected_version=v, reason="goals_achieved")

    long_reader = psycopg.connect(store.database_url)
    long_reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    long_reader.execute("SELECT count(*) FROM ledger_data_keys")  # holds ACCESS SHARE until it ends
    erased = threading.Event()
    eraser = threading.Thread(target=lambda: (ledger.app.erase_household(
        OPERATOR, hid, expected_version=v, reason="data_subject_request"), erased.set()))
    try:
        eraser.start()
        time.sleep(0.5)  # the erasure is past its deletion by now (and the old code waits in VACUUM FULL)
        timings = []
        for other in others:
            result: list[object] = []
            started = time.monotonic()
            t = threading.Thread(target=lambda o=other, got=result: got.append(reader.keys.get(o)), daemon=True)
            t.start()
            t.join(BOUND * 3)
            timings.append(time.monotonic() - started)
            assert result and result[0] is not None, f"a key read waited more than {BOUND * 3:.1f} s"
        assert max(timings) < BOUND, timings
        assert erased.wait(5), "the erasure itself waited behind the reader"
    finally:
        long_reader.rollback()
        long_reader.close()
        eraser.join(30)
    assert reader.keys.get(hid) is None
    print(f"\nKEY READS during an erasure behind a long reader: max {max(timings) * 1000:.1f} ms")
