"""Per-household data keys, wrapped by a master key (envelope encryption).

Each household gets its own random 256-bit data key when it is referred. The key
is stored only wrapped (RFC 3394 AES key wrap) by the deployment's master key,
which never enters the database. Erasure deletes the wrapped key: every event,
snapshot and backup of that household's personal data becomes unreadable
("crypto-shredding").

One implementation serves both backends through SQLAlchemy Core. On SQLite the
keys live in their own file with ``secure_delete`` on and a rollback journal, so
a deleted key is overwritten with zeros in the file. On PostgreSQL the table is
rewritten (``VACUUM FULL``) after a deletion so no dead tuple keeps the key;
WAL and base backups keep old pages until their retention ends, which is why a
master-key rotation (docs/architecture.md) is the answer for copies you do not
control.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import sqlalchemy as sa
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

__all__ = ["KeyStore", "KeyStoreError", "MasterKey"]

KEY_BYTES = 32

metadata = sa.MetaData()
data_keys = sa.Table(
    "ledger_data_keys",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("wrapped_key", sa.LargeBinary, nullable=False),
    sa.Column("master_key_id", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


class KeyStoreError(Exception):
    """The key store cannot serve a key (wrong master key, missing key)."""


@dataclass(frozen=True, slots=True, repr=False)
class MasterKey:
    material: bytes

    def __post_init__(self) -> None:
        if len(self.material) != KEY_BYTES:
            raise KeyStoreError("The master key must be 32 bytes (256 bits).")

    @property
    def key_id(self) -> str:
        """A fingerprint that names the key without revealing it."""
        return hashlib.sha256(b"ledger-master-key:" + self.material).hexdigest()[:16]

    def __repr__(self) -> str:
        return f"MasterKey(id={self.key_id})"


class KeyStore:
    """Creates, unwraps and destroys household data keys."""

    def __init__(self, engine: sa.Engine, master: MasterKey, *, cache_seconds: float = 5.0) -> None:
        self.engine = engine
        self.master = master
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[bytes, float]] = {}
        self._lock = threading.Lock()
        metadata.create_all(engine)

    def create(self, household_id: UUID) -> bytes:
        """A fresh data key for a new household, committed before any event uses it."""
        return self.create_many([household_id])[household_id]

    def create_many(self, household_ids: Sequence[UUID]) -> dict[UUID, bytes]:
        """Fresh data keys for new households, committed together (one transaction) before any event uses them."""
        made = {hid: os.urandom(KEY_BYTES) for hid in household_ids}
        now = datetime.now(tz=UTC)
        with self.engine.begin() as conn:
            conn.execute(data_keys.insert(), [
                {"household_id": str(hid), "wrapped_key": aes_key_wrap(self.master.material, key),
                 "master_key_id": self.master.key_id, "created_at": now}
                for hid, key in made.items()
            ])
        for hid, key in made.items():
            self._remember(str(hid), key)
        return made

    def get(self, household_id: UUID | str) -> bytes | None:
        """The household's data key, or ``None`` when it was destroyed (erased)."""
        hid = str(household_id)
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(hid)
        if cached is not None and cached[1] > now:
            return cached[0]
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(data_keys.c.wrapped_key, data_keys.c.master_key_id).where(
                    data_keys.c.household_id == hid
                )
            ).first()
        if row is None:
            with self._lock:
                self._cache.pop(hid, None)
            return None
        if row.master_key_id != self.master.key_id:
            raise KeyStoreError(
                "The configured master key is not the one that wrapped this household's key "
                f"(expected key id {row.master_key_id}, configured {self.master.key_id})."
            )
        try:
            key = aes_key_unwrap(self.master.material, bytes(row.wrapped_key))
        except InvalidUnwrap:
            raise KeyStoreError("A stored data key failed to unwrap; the key store may be damaged.") from None
        self._remember(hid, key)
        return key

    def destroy(self, household_id: UUID | str) -> bool:
        """Delete the household's key so nothing left can decrypt its personal data."""
        hid = str(household_id)
        with self._lock:
            self._cache.pop(hid, None)
        with self.engine.begin() as conn:
            deleted = conn.execute(data_keys.delete().where(data_keys.c.household_id == hid)).rowcount
        self._purge_deleted_rows()
        return bool(deleted)

    def wrapped_keys(self) -> dict[str, bytes]:
        """Every wrapped key present (for audits and the erasure test)."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(data_keys.c.household_id, data_keys.c.wrapped_key)).all()
        return {r.household_id: bytes(r.wrapped_key) for r in rows}

    def _remember(self, hid: str, key: bytes) -> None:
        if self.cache_seconds > 0:
            with self._lock:
                self._cache[hid] = (key, time.monotonic() + self.cache_seconds)

    def _purge_deleted_rows(self) -> None:
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text(f"VACUUM FULL {data_keys.name}"))
        # SQLite: secure_delete (set on every connection) already zeroed the freed cells.


def sqlite_keystore_engine(path: str) -> sa.Engine:
    """An engine for the key file: secure_delete on, rollback journal (no WAL copies)."""
    engine = sa.create_engine(f"sqlite:///{path}")

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA secure_delete=ON")
        cur.execute("PRAGMA journal_mode=DELETE")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.close()

    return engine
