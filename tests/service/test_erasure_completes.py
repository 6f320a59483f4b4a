"""Issue 12 (items 2, 12): an acknowledged erasure leaves no key; an unfinished one is found and finished.

The key store is locked by another session (SQLite: BEGIN EXCLUSIVE on keys.sqlite;
PostgreSQL: LOCK TABLE ledger_data_keys) or the process is killed between saving
``Erased`` and shredding the key. Every test runs on real SQLite and real PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import psycopg
import pytest

from conftest import OPERATOR, FixedClock, Store, answer_access_request
from ledger.aggregates import Actor
from ledger.application import NewMember
from ledger.privacy import KeyStoreError
from ledger.privacy.keys import KeyStoreBusyError

STRANGER = Actor("u-stranger", "schuldhulp-testdorp", "professional")
PRIVACY = Actor("u-privacy", "gemeente-testdorp", "privacy_officer")
NAME = "Geertje Wisproef"


@contextmanager
def key_store_locked(store: Store) -> Iterator[None]:
    """Another session holds the key store's strongest lock until the block ends."""
    if store.kind == "postgres":
        conn = psycopg.connect(store.database_url)
        conn.execute("LOCK TABLE ledger_data_keys IN ACCESS EXCLUSIVE MODE")
        try:
            yield
        finally:
            conn.rollback()
            conn.close()
    else:
        conn = sqlite3.connect(store.data_dir / "keys.sqlite", isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()


def raw_key_exists(store: Store, hid: object) -> bool:
    """Whether the wrapped key row is still stored, read past the ledger (which would finish erasures)."""
    if store.kind == "postgres":
        with psycopg.connect(store.database_url) as conn:
            return conn.execute("SELECT 1 FROM ledger_data_keys WHERE household_id=%s", (str(hid),)).fetchone() is not None
    with sqlite3.connect(store.data_dir / "keys.sqlite") as conn:
        return conn.execute("SELECT 1 FROM ledger_data_keys WHERE household_id=?", (str(hid),)).fetchone() is not None


def closed_household(ledger, clock: FixedClock) -> tuple[object, int]:
    clock.set(date(2026, 3, 2))
    hid, v = ledger.app.refer_household(OPERATOR, sources=["wmo_desk"], members=[NewMember("adult", NAME)],
                                        reason="Zorgen om huur")
    clock.set(date(2026, 3, 20))
    v = ledger.app.close_case(OPERATOR, hid, expected_version=v, reason="goals_achieved")
    return hid, v


def build_ledger(store: Store):
    """A ledger on the store with the wall clock (what the HTTP service also uses)."""
    from ledger.bootstrap import build

    return build(store.settings())


def name_seen_by(ledger, hid: object) -> str | None:
    return ledger.app.get_household(OPERATOR, hid).members["m1"].name.value



def erase_with_the_key_store_locked_after_the_erased_save(store: Store, ledger, hid, v: int) -> None:
    """The erasure saves ``Erased``, then finds the key store locked at the shredding: it is not acknowledged."""
    lock = key_store_locked(store)

    def lock_after_the_erased_save() -> None:
        ledger.app.after_save.remove(lock_after_the_erased_save)
        lock.__enter__()

    ledger.app.after_save.insert(0, lock_after_the_erased_save)
    try:
        with pytest.raises(KeyStoreError):
            ledger.app.erase_household(OPERATOR, hid, expected_version=v, reason="data_subject_request")
    finally:
        lock.__exit__(None, None, None)

def test_erasure_with_the_key_store_locked_fails_whole(store: Store, clock: FixedClock) -> None:
    """A key store locked before the erasure starts: the erasure is refused and nothing changes."""
    ledger = store.make_ledger(clock=clock, key_lock_timeout=0.5)
    hid, v = closed_household(ledger, clock)
    with key_store_locked(store), pytest.raises(KeyStoreBusyError):
        ledger.app.erase_household(OPERATOR, hid, expected_version=v, reason="data_subject_request")
    fresh = store.make_ledger(clock=clock)
    household = fresh.app.get_household(OPERATOR, hid)
    assert (household.version, household.is_erased) == (v, False)
    assert name_seen_by(fresh, hid) == NAME
    assert fresh.app.erase_household(OPERATOR, hid, expected_version=v, reason="data_subject_request") == v + 1
    assert not raw_key_exists(store, hid)


def test_erasure_locked_at_the_shredding_is_not_acknowledged_and_no_process_decrypts(
        store: Store, clock: FixedClock) -> None:
    """Locked between Erased and the shredding: no acknowledgement, no key served anywhere, a retry finishes it."""
    ledger = store.make_ledger(clock=clock, key_lock_timeout=0.5)
    other = store.make_ledger(clock=clock)  # another instance, which read the household before
    hid, v = closed_household(ledger, clock)
    assert name_seen_by(other, hid) == NAME
    erase_with_the_key_store_locked_after_the_erased_save(store, ledger, hid, v)
    assert raw_key_exists(store, hid)  # the shredding did not happen ...
    for reader in (ledger, other):  # ... yet no instance opens the household's sealed data
        assert reader.app.get_household(OPERATOR, hid).is_erased
        assert reader.keys.get(hid) is None
    # The retry (with the version the caller last saw) finishes the shredding instead of refusing.
    assert ledger.app.erase_household(OPERATOR, hid, expected_version=v, reason="data_subject_request") == v + 1
    assert not raw_key_exists(store, hid)


def test_start_up_finishes_an_erasure_left_pending(store: Store, clock: FixedClock) -> None:
    """An erasure whose shredding failed is finished when the next ledger starts."""
    ledger = store.make_ledger(clock=clock, key_lock_timeout=0.5)
    hid, v = closed_household(ledger, clock)
    erase_with_the_key_store_locked_after_the_erased_save(store, ledger, hid, v)
    assert raw_key_exists(store, hid)
    store.make_ledger(clock=clock)  # start-up
    assert not raw_key_exists(store, hid)


KILLED_ERASURE = textwrap.dedent("""
    import os, signal, sys
    from datetime import date
    from ledger.aggregates import Actor
    from ledger.application import NewMember
    from ledger.bootstrap import build
    op = Actor(user_id="op-001", organisation="gemeente-testdorp", role="operator")
    ledger = build()
    hid, v = ledger.app.refer_household(op, sources=["wmo_desk"], members=[NewMember("adult", "Geertje Wisproef")],
                                        on=date(2026, 1, 5))
    v = ledger.app.close_case(op, hid, expected_version=v, reason="goals_achieved", on=date(2026, 1, 6))
    print(hid, flush=True)
    ledger.app.after_save.insert(0, lambda: os.kill(os.getpid(), signal.SIGKILL))  # right after Erased is saved
    ledger.app.erase_household(op, hid, expected_version=v, reason="data_subject_request")
    print("acknowledged", flush=True)
""")


def test_kill_between_erased_and_shredding_is_finished_at_start_up(store: Store) -> None:
    """A process killed (SIGKILL) after saving Erased, before shredding: the next start-up shreds the key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env["LEDGER_DATA_DIR"] = str(store.data_dir)
    if store.database_url:
        env["LEDGER_DATABASE_URL"] = store.database_url
    done = subprocess.run([sys.executable, "-c", KILLED_ERASURE], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert "acknowledged" not in done.stdout
    hid = done.stdout.split()[0]
    assert raw_key_exists(store, hid)  # killed between the two steps
    ledger = store.make_ledger()  # start-up
    assert not raw_key_exists(store, hid)
    household = ledger.app.get_household(OPERATOR, hid)
    assert household.is_erased and household.members["m1"].name.erased


def test_an_erasure_in_one_instance_stops_decryption_in_every_other_at_once(store: Store, clock: FixedClock) -> None:
    """Issue 12 item 12: once an erasure is acknowledged, another instance decrypts nothing of the household."""
    eraser = store.make_ledger(clock=clock)
    other = store.make_ledger(clock=clock, key_cache_seconds=600)  # even with a long key cache
    hid, v = closed_household(eraser, clock)
    reason = "Crisis in het gezin, regisseur onbereikbaar"
    assert other.app.get_household(STRANGER, hid, emergency_reason=reason).members["m1"].name.value == NAME
    (before,) = [r for r in other.app.access_log(PRIVACY, household_id=hid) if r.emergency]
    assert before.emergency_reason.value == reason  # the instance has used the key just now
    eraser.app.erase_household(OPERATOR, hid, expected_version=v + 0, reason="data_subject_request")
    (after,) = [r for r in other.app.access_log(PRIVACY, household_id=hid) if r.emergency]
    assert after.emergency_reason.erased
    assert other.keys.get(hid) is None
    export = answer_access_request(other.app, hid, PRIVACY)
    assert reason not in str(export) and NAME not in str(export)


def test_erasure_over_http_with_the_key_store_locked_answers_503_and_changes_nothing(
        store: Store, clock: FixedClock) -> None:
    """Over real HTTP a locked key store gives problem+json 503 (retry), the household stays as it was."""
    import httpx
    from api_server import serving
    from service_process import add_users

    settings = store.settings(key_lock_timeout=0.5)
    token = add_users(settings, {"admin": ("gemeente-testdorp", "admin")})["admin"]
    with build_ledger(store) as ledger:
        hid, v = closed_household(ledger, clock)
        _, v = ledger.app.request_erasure(PRIVACY, hid, expected_version=v, reason="data_subject_request")  # four eyes
    headers = {"Authorization": f"Bearer {token}", "If-Match": f'"{v}"'}
    with serving(settings) as url:
        with key_store_locked(store):
            refused = httpx.post(f"{url}/v1/households/{hid}/erasure", headers=headers,
                                 json={"reason": "data_subject_request"}, timeout=30)
        assert refused.status_code == 503, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert NAME not in refused.text
        with build_ledger(store) as fresh:
            assert not fresh.app.get_household(OPERATOR, hid).is_erased
            assert raw_key_exists(store, hid)
        done = httpx.post(f"{url}/v1/households/{hid}/erasure", headers=headers,
                          json={"reason": "data_subject_request"}, timeout=30)
        assert done.status_code == 201, done.text
    assert not raw_key_exists(store, hid)


def test_a_pending_erasure_whose_save_never_happened_is_dropped_and_the_key_serves_again(
        store: Store, clock: FixedClock) -> None:
    """A pending-erasure row without an Erased event is, after five minutes, an erasure that failed: it goes."""
    from datetime import UTC, datetime, timedelta

    from ledger.privacy.erasure import STALE_AFTER, finish_erasures

    ledger = store.make_ledger(clock=clock)
    hid, _ = closed_household(ledger, clock)
    ledger.keys.begin_erasure(hid)  # as a process that died before saving Erased leaves it
    assert ledger.keys.get(hid) is None  # fail closed while it may still be under way
    soon = finish_erasures(ledger.keys, ledger.app._is_erased_in_store)
    assert (soon.finished, soon.cancelled) == ([], []) and ledger.keys.get(hid) is None
    later = finish_erasures(ledger.keys, ledger.app._is_erased_in_store,
                            now=datetime.now(tz=UTC) + STALE_AFTER + timedelta(seconds=1))
    assert later.cancelled == [str(hid)]
    assert ledger.keys.get(hid) is not None
    assert name_seen_by(store.make_ledger(clock=clock), hid) == NAME
