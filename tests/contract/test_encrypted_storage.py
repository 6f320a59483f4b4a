"""Personal data is stored only as ciphertext under the household's own key; erasure destroys the key.

Every test runs on a real SQLite file and on a real PostgreSQL database.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import psycopg
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap

from conftest import OPERATOR, FixedClock, Store
from ledger.aggregates import Personal, map_personal
from ledger.application import NewMember
from ledger.privacy import KeyStoreError, SealedDataError
from ledger.privacy.sealing import associated_data

SECRETS = {
    "name": "Wendelien Zuiderhoek",
    "child": "Taco Zuiderhoek",
    "bsn": "999990019",
    "birth": "1987-04-12",
    "phone": "06-00001234",
    "address": "Kwartelstraat 77, 9999 ZZ Proefstad",
    "summary": "Wendelien vertelt over huurachterstand en zorgen om Taco",
}


def refer_and_work(ledger, clock: FixedClock) -> tuple[object, int]:
    """A household with personal data in several events."""
    clock.set(date(2026, 3, 2))
    hid, v = ledger.app.refer_household(
        OPERATOR,
        sources=["wmo_desk", "housing_corporation"],
        members=[
            NewMember("adult", SECRETS["name"], bsn=SECRETS["bsn"], birth_date=SECRETS["birth"],
                      phone=SECRETS["phone"]),
            NewMember("child", SECRETS["child"]),
        ],
        address=SECRETS["address"],
    )
    v = ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["finances", "housing"],
                                 network=[("grandmother", "Oma Zuiderhoek")], summary=SECRETS["summary"])
    _, v = ledger.app.record_zrm_measurement(OPERATOR, hid, expected_version=v, instrument="2017",
                                             moment="intake", scores={"finances": 1, "housing": 2})
    _, v = ledger.app.set_plan_goal(OPERATOR, hid, expected_version=v, life_domain="finances",
                                    description="Wendelien krijgt overzicht over haar schulden")
    return hid, v


def stored_bytes(store: Store) -> bytes:
    """Everything the store holds on disk (PostgreSQL: after a checkpoint, the whole cluster incl. WAL)."""
    if store.kind == "postgres":
        assert store.pg is not None and store.database_url is not None
        with psycopg.connect(store.database_url, autocommit=True) as conn:
            conn.execute("CHECKPOINT")
        root = store.pg.data_dir
    else:
        root = store.data_dir
    return b"".join(p.read_bytes() for p in _files(root))


def _files(root: Path) -> Iterable[Path]:
    return (p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def test_personal_data_is_never_stored_in_plaintext(store: Store, clock: FixedClock) -> None:
    """No name, BSN, birth date, phone, address or free text appears in the stored bytes."""
    ledger = store.make_ledger(clock=clock, snapshot_interval=2)  # snapshots too
    hid, _ = refer_and_work(ledger, clock)
    raw = stored_bytes(store)
    assert len(raw) > 10_000  # the scan did read the store
    assert b"finances" in raw  # clear structured codes are there, so the scan sees event data
    for value in SECRETS.values():
        assert value.encode() not in raw, "plaintext personal value found in the store"
    # ...while the ledger itself still reads them back.
    h = store.make_ledger(clock=clock).app.get_household(OPERATOR, hid)
    assert h.members["m1"].name == Personal(SECRETS["name"])
    assert h.intake.summary == Personal(SECRETS["summary"])


def test_snapshots_seal_personal_data_and_reload_equal(store: Store, clock: FixedClock) -> None:
    """A household loaded through a snapshot equals one replayed from all its events."""
    ledger = store.make_ledger(clock=clock, snapshot_interval=2)
    hid, v = refer_and_work(ledger, clock)
    assert v == 4
    snapshots = list(ledger.app.snapshots.get(hid))
    assert [s.originator_version for s in snapshots] == [2, 4]
    assert {s.timestamp for s in snapshots} == {clock()}  # the application clock, not the wall clock
    via_snapshot = store.make_ledger(clock=clock, snapshot_interval=2).app.repository.get(hid)
    replayed = None
    for event in ledger.app.events.get(hid):
        replayed = event.mutate(replayed)
    assert via_snapshot == replayed
    assert via_snapshot.members["m1"].bsn == Personal(SECRETS["bsn"])


def test_erased_household_cannot_be_decrypted_with_anything_left(store: Store, clock: FixedClock) -> None:
    """After erasure no key left in the database or key store opens the household's sealed data."""
    ledger = store.make_ledger(clock=clock, snapshot_interval=2)
    hid, v = refer_and_work(ledger, clock)
    wrapped = ledger.keys.wrapped_keys()[str(hid)]
    sealed = [
        (base64.b64decode(json.loads(s.state)["__sealed__"]), associated_data(s.originator_id, s.originator_version, s.topic))
        for s in ledger.app.recorder.select_events(hid)
        if b"__sealed__" in s.state
    ]
    assert len(sealed) >= 3
    data_key = ledger.keys.get(hid)
    for blob, aad in sealed:  # positive control: the household's own key opens them
        assert AESGCM(data_key).decrypt(blob[:12], blob[12:], aad)
    clock.set(date(2026, 3, 20))
    v = ledger.app.close_case(OPERATOR, hid, expected_version=v, reason="goals_achieved")
    ledger.app.erase_household(OPERATOR, hid, expected_version=v, reason="data_subject_request")

    remaining = ledger.keys.wrapped_keys()
    assert str(hid) not in remaining
    assert wrapped not in stored_bytes_without_wal(store), "the wrapped key survived in the store's files"
    candidates = [aes_key_unwrap(ledger.keys.master.material, w) for w in remaining.values()]
    candidates.append(ledger.keys.master.material)  # even the master key itself does not open it
    assert data_key not in candidates
    for blob, aad in sealed:
        for key in candidates:
            with pytest.raises(InvalidTag):
                AESGCM(key).decrypt(blob[:12], blob[12:], aad)

    fresh = store.make_ledger(clock=clock, snapshot_interval=2)
    h = fresh.app.get_household(OPERATOR, hid)
    personal = []
    map_personal(vars(h), lambda p: personal.append(p) or p)
    assert personal and all(p.erased for p in personal)
    assert h.zrm and next(iter(h.zrm.values())).scores == {"finances": 1, "housing": 2}
    for event in fresh.app.history(OPERATOR, hid):
        map_personal(vars(event), lambda p: (_ for _ in ()).throw(AssertionError("resurrected")) if not p.erased else p)


def stored_bytes_without_wal(store: Store) -> bytes:
    """The store's table files (PostgreSQL WAL and backups age out separately; see architecture)."""
    if store.kind == "postgres":
        assert store.pg is not None and store.database_url is not None
        with psycopg.connect(store.database_url, autocommit=True) as conn:
            conn.execute("CHECKPOINT")
        return b"".join(p.read_bytes() for p in _files(store.pg.data_dir / "base"))
    return b"".join(p.read_bytes() for p in _files(store.data_dir))


def test_altered_sealed_data_is_detected_not_misread(store: Store, clock: FixedClock) -> None:
    """A sealed blob moved to another event fails to open instead of showing wrong data."""
    ledger = store.make_ledger(clock=clock)
    hid, _ = refer_and_work(ledger, clock)
    rows = {s.originator_version: s.state for s in ledger.app.recorder.select_events(hid)}
    donor = json.loads(rows[1])["__sealed__"]
    victim = json.loads(rows[2])
    victim["__sealed__"] = donor
    new_state = json.dumps(victim, separators=(",", ":")).encode()
    if store.kind == "postgres":
        with psycopg.connect(store.database_url, autocommit=True) as conn:
            conn.execute("UPDATE ledger_events SET state=%s WHERE originator_id=%s AND originator_version=2",
                         (new_state, hid))
    else:
        import sqlite3

        with sqlite3.connect(store.data_dir / "ledger.sqlite") as conn:
            conn.execute("UPDATE stored_events SET state=? WHERE originator_id=? AND originator_version=2",
                         (new_state, hid.hex))
    with pytest.raises(SealedDataError) as caught:
        store.make_ledger(clock=clock).app.get_household(OPERATOR, hid)
    assert SECRETS["name"] not in str(caught.value)


def test_wrong_master_key_is_refused_with_a_clear_error(store: Store, clock: FixedClock) -> None:
    """A ledger started with another master key refuses to read instead of failing obscurely."""
    ledger = store.make_ledger(clock=clock)
    hid, _ = refer_and_work(ledger, clock)
    other = base64.b64encode(b"\x01" * 32).decode()
    stranger = store.make_ledger(clock=clock, master_key=other, key_cache_seconds=0)
    with pytest.raises(KeyStoreError, match="master key"):
        stranger.app.get_household(OPERATOR, hid)


def test_key_file_is_created_private(tmp_path: Path) -> None:
    """On the embedded default the master key file is created on first run, readable by its owner only."""
    from ledger.bootstrap import build
    from ledger.config import Settings

    with build(Settings(data_dir=tmp_path / "fresh")):
        pass
    key_file = tmp_path / "fresh" / "master.key"
    assert (tmp_path / "fresh").stat().st_mode & 0o777 == 0o700
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(base64.b64decode(key_file.read_text().strip())) == 32
