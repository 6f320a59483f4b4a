"""The hash chain catches edits, deletions and reordering made directly in the database."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import OPERATOR, FixedClock, Store
from conftest import raw_sql as sql
from ledger.application import NewMember
from ledger.privacy.chain import Digest, chain_table


@pytest.fixture
def ledger_with_history(store: Store, clock: FixedClock):
    ledger = store.make_ledger(clock=clock)
    clock.set(date(2026, 3, 2))
    for i in range(3):
        hid, v = ledger.app.refer_household(OPERATOR, sources=["police"], members=[NewMember("adult", f"Lid Keten{i}")])
        v = ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["finances"])
        ledger.app.record_zrm_measurement(OPERATOR, hid, expected_version=v, instrument="2017", moment="intake",
                                          scores={"finances": 2})
    return ledger




def test_an_untouched_ledger_verifies_clean(ledger_with_history) -> None:
    """Every record is chained as it is stored, and verification finds nothing wrong."""
    ledger = ledger_with_history
    head = ledger.app.recorder.max_notification_id()
    assert ledger.chain.head()[0] == head  # extended after each save, not only on demand
    result = ledger.chain.verify(ledger.chain.digest())
    assert result.ok and result.checked == head


def test_an_edited_event_is_reported_at_its_position(store: Store, ledger_with_history) -> None:
    """Changing one stored byte makes verification fail at exactly that record."""
    ledger = ledger_with_history
    (nid, state), = sql(store, "SELECT NID, state FROM EVENTS ORDER BY NID LIMIT 1 OFFSET 4")
    raw = bytes(state)
    edited = raw[:10] + bytes([raw[10] ^ 0x01]) + raw[11:]  # one bit flipped
    sql(store, "UPDATE EVENTS SET state=? WHERE NID=?", (edited, nid))
    result = ledger.chain.verify()
    assert not result.ok and result.first_bad_position == nid
    assert str(nid) in result.problem


def test_a_deleted_row_is_reported(store: Store, ledger_with_history) -> None:
    """Removing a record from the middle of the ledger is caught at that position."""
    ledger = ledger_with_history
    (nid,), = sql(store, "SELECT NID FROM EVENTS ORDER BY NID LIMIT 1 OFFSET 6")
    sql(store, "DELETE FROM EVENTS WHERE NID=?", (nid,))
    result = ledger.chain.verify()
    assert not result.ok and result.first_bad_position == nid


def test_reordered_rows_are_reported(store: Store, ledger_with_history) -> None:
    """Swapping the contents of two records is caught at the first of them."""
    ledger = ledger_with_history
    rows = sql(store, "SELECT NID, originator_id, originator_version, topic, state FROM EVENTS ORDER BY NID")
    a, b = rows[2], rows[5]
    assert bytes(a[4]) != bytes(b[4])
    # Swap the states only: the keys stay unique, the order of what happened does not.
    sql(store, "UPDATE EVENTS SET state=? WHERE NID=?", (b[4], a[0]))
    sql(store, "UPDATE EVENTS SET state=? WHERE NID=?", (a[4], b[0]))
    result = ledger.chain.verify()
    assert not result.ok and result.first_bad_position == a[0]


def test_a_rewritten_chain_is_caught_by_an_earlier_digest(store: Store, ledger_with_history) -> None:
    """An intruder who edits a record and recomputes the whole chain still fails against a signed digest."""
    ledger = ledger_with_history
    digest = ledger.chain.digest()
    nid, state = next((n, s) for n, s in sql(store, "SELECT NID, state FROM EVENTS ORDER BY NID")
                      if b"police" in bytes(s))  # the first referral
    edited = bytes(state).replace(b"police", b"polite")
    assert edited != bytes(state)
    sql(store, "UPDATE EVENTS SET state=? WHERE NID=?", (edited, nid))
    with ledger.engine.begin() as conn:
        conn.execute(chain_table.delete())
    ledger.chain.extend()  # the chain now agrees with the edited ledger ...
    assert ledger.chain.verify().ok
    result = ledger.chain.verify(digest)  # ... but not with what was signed before
    assert not result.ok and result.first_bad_position == digest.position


def test_a_forged_digest_is_refused(ledger_with_history) -> None:
    """A digest whose head was altered fails its signature check."""
    ledger = ledger_with_history
    digest = ledger.chain.digest()
    forged = Digest.from_json(digest.to_json().replace(digest.head, "00" * 32))
    assert digest.signature_valid() and not forged.signature_valid()
    assert not ledger.chain.verify(forged).ok


def test_an_edited_snapshot_is_caught_by_replaying_its_events(store: Store, clock: FixedClock) -> None:
    """Snapshots sit outside the chain, so each is checked against a replay of its household's events."""
    ledger = store.make_ledger(clock=clock, snapshot_interval=2)
    clock.set(date(2026, 3, 2))
    hid, v = ledger.app.refer_household(OPERATOR, sources=["police"], members=[NewMember("adult", "Lid Kiekje")])
    v = ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["finances"])
    _, v = ledger.app.record_zrm_measurement(OPERATOR, hid, expected_version=v, instrument="2017",
                                             moment="intake", scores={"finances": 2})
    ledger.app.set_plan_goal(OPERATOR, hid, expected_version=v, life_domain="finances", description="Doel")
    assert ledger.app.verify_snapshots() == []
    table = "ledger_snapshots" if store.kind == "postgres" else "stored_snapshots"
    rows = sql(store, f"SELECT originator_version, state FROM {table} ORDER BY originator_version")
    version, state = rows[-1]
    edited = bytes(state).replace(b'"finances":2', b'"finances":5')
    assert edited != bytes(state)
    sql(store, f"UPDATE {table} SET state=? WHERE originator_version=?", (edited, version))
    assert store.make_ledger(clock=clock).app.verify_snapshots() == [(hid, version)]
    # A forged snapshot claiming a version the events never reached is reported, not a crash.
    sql(store, f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
               f"SELECT originator_id, 999, topic, state FROM {table} WHERE originator_version=?", (version,))
    assert store.make_ledger(clock=clock).app.verify_snapshots() == [(hid, version), (hid, 999)]
