"""The BSN blind index: a keyed digest of the normalised BSN; the table holds nothing that names a person."""

from __future__ import annotations

import os
from uuid import uuid4

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from ledger.privacy import KeyStore, MasterKey
from ledger.privacy.blind_index import IndexKey, normalise_bsn

BSN = "999990019"  # test range, passes the elfproef
OTHER_BSN = "999991887"


def key() -> IndexKey:
    return IndexKey(os.urandom(32))


@pytest.mark.parametrize("written", ["999990019", "9999 90 019", "999.990.019", " 999-990-019 "])
def test_the_digest_is_stable_under_normalisation(written: str) -> None:
    k = key()
    assert normalise_bsn(written) == BSN
    assert k.digest(written) == k.digest(BSN)


def test_an_eight_digit_bsn_is_the_nine_digit_one_with_a_leading_zero() -> None:
    k = key()
    assert k.digest("12345672") == k.digest("012345672")


def test_another_key_gives_another_digest() -> None:
    assert key().digest(BSN) != key().digest(BSN)


def test_another_bsn_gives_another_digest() -> None:
    k = key()
    assert k.digest(BSN) != k.digest(OTHER_BSN)


@pytest.mark.parametrize("value", ["", "12345", "abcdefghi", "1234567890"])
def test_text_that_is_no_bsn_has_no_digest(value: str) -> None:
    assert key().digest(value) is None


def test_the_index_key_is_not_shown() -> None:
    k = key()
    assert k.material.hex() not in repr(k)


def store(index_key: IndexKey | None) -> KeyStore:
    return KeyStore(sa.create_engine("sqlite://", poolclass=StaticPool), MasterKey(os.urandom(32)),
                    index_key=index_key)


def test_the_table_holds_digests_and_household_ids_only() -> None:
    """No BSN, in any spelling, is in the table: only a 64-hex digest and the household's id."""
    keys = store(key())
    hid = uuid4()
    keys.create(hid, [BSN, "999 99 0019", None])
    entries = keys.index_entries()
    assert entries == [(entries[0][0], str(hid))]
    with keys.engine.connect() as conn:
        dump = "\n".join(conn.connection.driver_connection.iterdump())  # type: ignore[union-attr]  # the SQLite driver connection dumps its SQL
    assert BSN not in dump and "99999" not in dump.replace(entries[0][0], "")
    assert keys.find(["999.990.019"]) == [str(hid)]


def test_an_erasure_removes_the_entries_and_a_pending_one_hides_them() -> None:
    keys = store(key())
    hid = uuid4()
    keys.create(hid, [BSN])
    keys.begin_erasure(hid)
    assert keys.find([BSN]) == []  # erasure begun: no longer found
    keys.shred(hid)
    assert keys.index_entries() == []


def test_a_key_whose_referral_failed_takes_its_entries_along() -> None:
    keys = store(key())
    hid = uuid4()
    keys.create(hid, [BSN])
    keys.destroy(hid)
    assert keys.index_entries() == [] and keys.find([BSN]) == []


def test_without_an_index_key_nothing_is_kept_or_found() -> None:
    keys = store(None)
    keys.create(uuid4(), [BSN])
    assert keys.index_entries() == [] and keys.find([BSN]) == []


def test_a_store_opened_under_another_index_key_finds_nothing() -> None:
    engine = sa.create_engine("sqlite://", poolclass=StaticPool)
    master = MasterKey(os.urandom(32))
    KeyStore(engine, master, index_key=key()).create(uuid4(), [BSN])
    assert KeyStore(engine, master, index_key=key()).find([BSN]) == []
