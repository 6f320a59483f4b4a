"""Issue 12 item 9 (key store part): `audit verify` checks the key store against the households.

A deleted key row silently erases a live household; the verification calls it what it
is (an alarm), from the CLI (exit 1) and over HTTP. Real SQLite and real PostgreSQL.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date

import httpx
import psycopg

from conftest import OPERATOR, Api, FixedClock, Store
from ledger.application import NewMember


def delete_key_row(store: Store, hid: object) -> None:
    """What an intruder (or a careless script) does: the row goes, no Erased event is recorded."""
    if store.kind == "postgres":
        with psycopg.connect(store.database_url, autocommit=True) as conn:
            conn.execute("DELETE FROM ledger_data_keys WHERE household_id=%s", (str(hid),))
    else:
        with sqlite3.connect(store.data_dir / "keys.sqlite") as conn:
            conn.execute("DELETE FROM ledger_data_keys WHERE household_id=?", (str(hid),))


def cli(store: Store, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env.update({"LEDGER_DATA_DIR": str(store.data_dir), "LEDGER_OPERATOR": "op-test"})
    if store.database_url:
        env["LEDGER_DATABASE_URL"] = store.database_url
    return subprocess.run([sys.executable, "-m", "ledger.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def two_households(ledger, clock: FixedClock) -> tuple[object, object]:
    clock.set(date(2026, 3, 2))
    a, _ = ledger.app.refer_household(OPERATOR, sources=["wmo_desk"], members=[NewMember("adult", "Anna Sleutel")])
    b, _ = ledger.app.refer_household(OPERATOR, sources=["wmo_desk"], members=[NewMember("adult", "Bram Sleutel")])
    return a, b


def test_a_live_household_without_its_key_fails_audit_verify(store: Store, clock: FixedClock) -> None:
    """A deleted key row of a live household makes `ledger audit verify` exit 1 naming the household."""
    ledger = store.make_ledger(clock=clock)
    a, b = two_households(ledger, clock)
    assert cli(store, "audit", "verify").returncode == 0
    delete_key_row(store, b)
    done = cli(store, "audit", "verify")
    assert done.returncode == 1, done.stdout
    assert "have no data key" in done.stderr and str(b) in done.stderr and str(a) not in done.stderr
    assert "Bram" not in done.stderr + done.stdout
    check = store.make_ledger(clock=clock).app.verify_keys()
    assert check.missing == [str(b)] and not check.ok


def test_audit_verify_finishes_an_erased_household_whose_key_survived(store: Store, clock: FixedClock) -> None:
    """An erased household whose key row is still there is an unfinished erasure: verify shreds it and passes."""
    ledger = store.make_ledger(clock=clock)
    a, _ = two_households(ledger, clock)
    clock.set(date(2026, 3, 20))
    v = ledger.app.close_case(OPERATOR, a, expected_version=1, reason="goals_achieved")
    wrapped = ledger.keys.wrapped_keys()[str(a)]
    ledger.app.erase_household(OPERATOR, a, expected_version=v, reason="data_subject_request")
    # Put the key back as a failed deletion would have left it, without a pending-erasure row.
    if store.kind == "postgres":
        with psycopg.connect(store.database_url, autocommit=True) as conn:
            conn.execute("INSERT INTO ledger_data_keys VALUES (%s, %s, %s, now())",
                         (str(a), wrapped, ledger.keys.master.key_id))
    else:
        with sqlite3.connect(store.data_dir / "keys.sqlite") as conn:
            conn.execute("INSERT INTO ledger_data_keys VALUES (?, ?, ?, '2026-03-20 10:00:00')",
                         (str(a), wrapped, ledger.keys.master.key_id))
    done = cli(store, "audit", "verify")
    assert done.returncode == 0, done.stderr
    assert "finished 1 erasures" in done.stderr
    assert "ledger keys rotate" in done.stderr  # the erasure made a rotation due
    assert str(a) not in ledger.keys.wrapped_keys()


def test_verification_over_http_reports_a_missing_key(api: Api) -> None:
    """POST /v1/audit/verification answers ok=false with the number of live households without a key."""
    from ledger.bootstrap import build

    with build(api.store.settings()) as ledger:
        hid, _ = ledger.app.refer_household(OPERATOR, sources=["wmo_desk"], members=[NewMember("adult", "Cor Sleutel")])
    headers = {"Authorization": f"Bearer {api.tokens['privacy']}"}
    clean = httpx.post(f"{api.url}/v1/audit/verification", headers=headers, timeout=30)
    assert clean.status_code == 200 and clean.json()["ok"] is True, clean.text
    delete_key_row(api.store, hid)
    body = httpx.post(f"{api.url}/v1/audit/verification", headers=headers, timeout=30).json()
    assert (body["ok"], body["missing_keys"]) == (False, 1)
    assert "no data key" in body["problem"] and "Cor" not in str(body)
