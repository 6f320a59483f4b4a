"""Issue 12 item 4: master-key rotation, online and resumable, after which an erased key stays erased.

A copy of the wrapped key in PostgreSQL's WAL, a standby or a backup opens with the
master key that wrapped it; rotation re-wraps every live key under a new master key, so
destroying the old one leaves such copies useless. Real SQLite and real PostgreSQL.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import threading
from datetime import date

import pytest
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap

from conftest import OPERATOR, FixedClock, Store
from ledger.application import NewMember
from ledger.privacy import KeyStoreError

OLD = base64.b64encode(b"\x11" * 32).decode()
NEW = base64.b64encode(b"\x22" * 32).decode()


def households(ledger, clock: FixedClock, n: int) -> list[object]:
    clock.set(date(2026, 3, 2))
    return [ledger.app.refer_household(OPERATOR, sources=["wmo_desk"],
                                       members=[NewMember("adult", f"Roos Draai{i}")])[0] for i in range(n)]


def test_rotation_rewraps_every_key_while_reads_keep_working(store: Store, clock: FixedClock) -> None:
    """`rotate` moves every data key to the new master key in batches while another thread keeps reading."""
    before = store.make_ledger(clock=clock, master_key=OLD)
    hids = households(before, clock, 12)
    rotating = store.make_ledger(clock=clock, master_key=NEW, old_master_keys=OLD)
    reader = store.make_ledger(clock=clock, master_key=NEW, old_master_keys=OLD)
    stop, reads, failures = threading.Event(), [], []

    def read() -> None:
        while not stop.is_set():
            for i, hid in enumerate(hids):
                try:
                    name = reader.app.history(OPERATOR, hid)[0].referral.members[0].name.value
                    if name != f"Roos Draai{i}":
                        failures.append(f"wrong name for household {i}")
                    reads.append(hid)
                except Exception as e:  # noqa: BLE001 - the test counts every failure
                    failures.append(type(e).__name__)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        batches: list[int] = []
        assert rotating.keys.rotate(batch=3, progress=batches.append) == 12
    finally:
        stop.set()
        thread.join(30)
    assert batches == [3, 6, 9, 12]
    assert not failures and len(reads) >= 12
    status = rotating.keys.status()
    assert status.rows_by_master == {status.current: 12}
    assert status.old_keys_unused == [before.keys.master.key_id]  # the old key may now be destroyed
    only_new = store.make_ledger(clock=clock, master_key=NEW)
    assert only_new.app.history(OPERATOR, hids[5])[0].referral.members[0].name.value == "Roos Draai5"
    with pytest.raises(KeyStoreError, match="master key"):
        store.make_ledger(clock=clock, master_key=OLD, key_cache_seconds=0).keys.get(hids[0])


def test_rotation_stopped_midway_resumes_where_it_stopped(store: Store, clock: FixedClock) -> None:
    """An interrupted rotation leaves whole batches done; running it again re-wraps only the rest."""
    hids = households(store.make_ledger(clock=clock, master_key=OLD), clock, 7)
    rotating = store.make_ledger(clock=clock, master_key=NEW, old_master_keys=OLD)

    def interrupt(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rotating.keys.rotate(batch=3, progress=interrupt)
    assert sorted(rotating.keys.status().rows_by_master.values()) == [3, 4]
    assert rotating.keys.rotate(batch=3) == 4
    assert rotating.keys.status().rows_by_master == {rotating.keys.master.key_id: 7}
    assert all(rotating.keys.get(h) for h in hids)


def test_after_rotation_no_key_present_opens_an_erased_household(store: Store, clock: FixedClock) -> None:
    """An erasure makes a rotation due; after it, a copy of the erased key (WAL, backup) opens with no key kept."""
    ledger = store.make_ledger(clock=clock, master_key=OLD)
    hid, other = households(ledger, clock, 2)
    clock.set(date(2026, 3, 20))
    v = ledger.app.close_case(OPERATOR, hid, expected_version=1, reason="goals_achieved")
    wal_copy = ledger.keys.wrapped_keys()[str(hid)]  # what pg_wal or last night's backup still holds
    data_key = ledger.keys.get(hid)
    ledger.app.erase_household(OPERATOR, hid, expected_version=v, reason="data_subject_request")
    assert ledger.keys.status().rotation_due
    assert aes_key_unwrap(b"\x11" * 32, wal_copy) == data_key  # the window: the old master key still opens it

    rotated = store.make_ledger(clock=clock, master_key=NEW, old_master_keys=OLD)
    assert rotated.keys.rotate() == 1
    assert not rotated.keys.status().rotation_due
    kept = store.make_ledger(clock=clock, master_key=NEW)  # the old master key destroyed
    candidates = [kept.keys.master.material] + [aes_key_unwrap(kept.keys.master.material, w)
                                                for w in kept.keys.wrapped_keys().values()]
    assert data_key not in candidates
    for key in candidates:
        with pytest.raises(InvalidUnwrap):
            aes_key_unwrap(key, wal_copy)
    assert kept.app.get_household(OPERATOR, other).members["m1"].name.value == "Roos Draai1"


def test_keys_rotate_and_status_from_the_command_line(store: Store, clock: FixedClock) -> None:
    """`ledger keys status` shows the old key in use, `ledger keys rotate --batch 2` moves every key off it."""
    households(store.make_ledger(clock=clock, master_key=OLD), clock, 3)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env.update({"LEDGER_DATA_DIR": str(store.data_dir), "LEDGER_MASTER_KEY": NEW, "LEDGER_OLD_MASTER_KEYS": OLD})
    if store.database_url:
        env["LEDGER_DATABASE_URL"] = store.database_url

    def ledger_cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ledger.cli", *args], env=env, capture_output=True, text=True,
                              timeout=120)

    assert "old: run `ledger keys rotate`" in ledger_cli("keys", "status").stdout
    done = ledger_cli("keys", "rotate", "--batch", "2")
    assert done.returncode == 0, done.stderr
    assert "3 data keys re-wrapped" in done.stdout and "wraps nothing any more" in done.stdout
    status = ledger_cli("keys", "status").stdout
    assert "3 data keys" in status and "old:" not in status and "rotation: not due" in status
    assert NEW not in done.stdout + done.stderr + status and OLD not in status
