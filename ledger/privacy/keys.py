"""Per-household data keys, wrapped by a master key (envelope encryption).

Each household gets its own random 256-bit data key when it is referred. The key
is stored only wrapped (RFC 3394 AES key wrap) by the deployment's master key,
which never enters the database. Erasure deletes the wrapped key: every event,
snapshot and backup of that household's personal data becomes unreadable
("crypto-shredding").

An erasure is two stores: the ``Erased`` event in the event store, the key here. So
it goes in three steps (``docs/architecture.md`` "Erasure"): :meth:`KeyStore.begin_erasure`
writes a *pending erasure* row first (from then on :meth:`KeyStore.get` serves no key
for the household, in any process), the application saves ``Erased``, and
:meth:`KeyStore.shred` deletes the key and closes the row in one transaction. A
pending row whose shredding never happened (a lock, a crash) is finished by a retried
erasure, at start-up and by ``audit verify``.

No key survives in memory between operations: :meth:`KeyStore.scope` keeps an
unwrapped key for one read (one household load, one scan), so an erasure
acknowledged in another process is seen by the next read here.

Every wrapped key names the master key that wrapped it. Rows wrapped by an older
master key still unwrap while that key is configured (``LEDGER_OLD_MASTER_KEYS``);
:meth:`KeyStore.rotate` re-wraps them under the current one, in batches. Each
shredding notes which master key had wrapped the key: until that master key is
destroyed, a copy of the wrapped key in PostgreSQL's WAL, a standby or a backup can
still undo the erasure (:meth:`KeyStore.status` says so).

Physical deletion: on SQLite the keys live in their own file with ``secure_delete``
on and a rollback journal, so a deleted key is overwritten with zeros in the file.
On PostgreSQL a plain ``VACUUM`` (never ``VACUUM FULL``: its exclusive lock queued
every key read behind any reader of the table) runs after a deletion with bounded
lock waits; dead bytes it leaves, like WAL, are closed by the rotation.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
import structlog
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from .blind_index import IndexKey, bsn_index, index_metadata

__all__ = ["KeyStatus", "KeyStore", "KeyStoreBusyError", "KeyStoreError", "MasterKey"]

KEY_BYTES = 32

log = structlog.get_logger("ledger.keys")

metadata = sa.MetaData()
data_keys = sa.Table(
    "ledger_data_keys",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("wrapped_key", sa.LargeBinary, nullable=False),
    sa.Column("master_key_id", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
# One row per erasure: pending (shredded_at null) from before the Erased event is saved,
# closed in the shredding's own transaction with the id of the master key that had
# wrapped the destroyed key (a WAL or backup copy opens with that master key only).
erasures = sa.Table(
    "ledger_key_erasures",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("shredded_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("master_key_id", sa.String(16), nullable=True),
)


class KeyStoreError(Exception):
    """The key store cannot serve a key (wrong master key, missing key)."""


class KeyStoreBusyError(KeyStoreError):
    """The key store stayed locked longer than the lock timeout; nothing was changed by this step."""


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


@dataclass(frozen=True)
class KeyStatus:
    """What wraps the stored keys, and what an operator still has to do."""

    current: str  # id of the master key that wraps new keys
    rows_by_master: dict[str, int]  # master key id -> data keys it wraps
    pending_erasures: int  # begun, key not shredded yet
    erasures_under_current: int  # shredded keys the current master key could unwrap from a copy
    old_keys_unused: list[str] = field(default_factory=list)  # configured old keys that wrap nothing: destroy them

    @property
    def rotation_due(self) -> bool:
        """An erasure since the last rotation: WAL, standbys and backups can still undo it."""
        return self.erasures_under_current > 0

    @property
    def rotation_unfinished(self) -> bool:
        return any(mid != self.current for mid in self.rows_by_master)


class KeyStore:
    """Creates, unwraps and destroys household data keys."""

    def __init__(self, engine: sa.Engine, master: MasterKey, *, old_masters: Sequence[MasterKey] = (),
                 cache_seconds: float = 5.0, lock_timeout: float = 5.0, index_key: IndexKey | None = None) -> None:
        self.engine = engine
        self.master = master
        # The BSN blind index's key (ledger/privacy/blind_index.py); None: no index is kept or asked.
        self.index_key = index_key
        self.masters = {m.key_id: m for m in (*old_masters, master)}
        self.cache_seconds = cache_seconds
        self.lock_timeout = lock_timeout
        self._scope = threading.local()
        metadata.create_all(engine)
        index_metadata.create_all(engine)

    # ------------------------------------------------------------------ reads
    @contextmanager
    def scope(self) -> Iterator[None]:
        """Reuse an unwrapped key within this block (one read), for at most ``cache_seconds``.

        Outside a scope every :meth:`get` reads the store, so no process holds a key
        past the operation that needed it.
        """
        if getattr(self._scope, "keys", None) is not None or self.cache_seconds <= 0:
            yield
            return
        self._scope.keys = {}
        try:
            yield
        finally:
            self._scope.keys = None

    def get(self, household_id: UUID | str) -> bytes | None:
        """The household's data key, or ``None`` when it was destroyed or its erasure has begun."""
        hid = str(household_id)
        scoped: dict[str, tuple[bytes | None, float]] | None = getattr(self._scope, "keys", None)
        now = time.monotonic()
        if scoped is not None and (hit := scoped.get(hid)) is not None and hit[1] > now:
            return hit[0]
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(data_keys.c.wrapped_key, data_keys.c.master_key_id, erasures.c.requested_at)
                .select_from(data_keys.outerjoin(erasures, erasures.c.household_id == data_keys.c.household_id))
                .where(data_keys.c.household_id == hid)
            ).first()
        key = None if row is None or row.requested_at is not None else self._unwrap(row.wrapped_key, row.master_key_id)
        if scoped is not None:
            scoped[hid] = (key, now + self.cache_seconds)
        return key

    def has_key(self, household_id: UUID | str) -> bool:
        """Whether a wrapped key for the household is still stored (erasure pending or not)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.literal(1)).where(data_keys.c.household_id == str(household_id))
                                ).first() is not None

    def household_ids(self) -> set[str]:
        """Every household with a stored key."""
        with self.engine.connect() as conn:
            return set(conn.execute(sa.select(data_keys.c.household_id)).scalars())

    def wrapped_keys(self) -> dict[str, bytes]:
        """Every wrapped key present (for audits and the erasure test)."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(data_keys.c.household_id, data_keys.c.wrapped_key)).all()
        return {r.household_id: bytes(r.wrapped_key) for r in rows}

    def pending_erasures(self) -> dict[str, datetime]:
        """Household id -> when its erasure began, for every erasure not shredded yet."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(erasures.c.household_id, erasures.c.requested_at)
                                .where(erasures.c.shredded_at.is_(None))).all()
        return {r.household_id: _aware(r.requested_at) for r in rows}

    def status(self) -> KeyStatus:
        with self.engine.connect() as conn:
            by_master: dict[str, int] = dict(conn.execute(sa.select(data_keys.c.master_key_id, sa.func.count())
                                          .group_by(data_keys.c.master_key_id)).all())
            pending = conn.execute(sa.select(sa.func.count()).where(erasures.c.shredded_at.is_(None))).scalar_one()
            under_current = conn.execute(sa.select(sa.func.count()).where(
                erasures.c.master_key_id == self.master.key_id)).scalar_one()
        unused = [mid for mid in self.masters if mid != self.master.key_id and not by_master.get(mid)]
        return KeyStatus(self.master.key_id, {k: int(v) for k, v in by_master.items()}, int(pending),
                         int(under_current), sorted(unused))

    # ----------------------------------------------------------------- writes
    def create(self, household_id: UUID, bsns: Iterable[str | None] = ()) -> bytes:
        """A fresh data key for a new household, and its members' BSN index entries, committed before any event."""
        return self.create_many([household_id], {household_id: bsns})[household_id]

    def create_many(self, household_ids: Sequence[UUID],
                    bsns: Mapping[UUID, Iterable[str | None]] | None = None) -> dict[UUID, bytes]:
        """Fresh data keys for new households, committed together (one transaction) before any event uses them.

        The households' BSN index entries (``bsns``: the members' BSNs per household) go in the same transaction.
        """
        made = {hid: os.urandom(KEY_BYTES) for hid in household_ids}
        now = datetime.now(tz=UTC)
        entries = self._entries(bsns or {})
        with self._writing() as conn:
            conn.execute(data_keys.insert(), [
                {"household_id": str(hid), "wrapped_key": aes_key_wrap(self.master.material, key),
                 "master_key_id": self.master.key_id, "created_at": now}
                for hid, key in made.items()
            ])
            if entries:
                conn.execute(bsn_index.insert(), entries)
        if (scoped := getattr(self._scope, "keys", None)) is not None:  # the referral's save seals with it
            until = time.monotonic() + self.cache_seconds
            scoped.update({str(hid): (key, until) for hid, key in made.items()})
        return made

    def begin_erasure(self, household_id: UUID | str) -> None:
        """Mark the erasure pending, before ``Erased`` is saved: from now on no process gets this key."""
        hid = str(household_id)
        with self._writing() as conn:
            # Lock the key row too: a key table another session holds locked refuses the
            # erasure here, before anything is saved, rather than at the shredding.
            conn.execute(sa.select(data_keys.c.household_id).where(data_keys.c.household_id == hid)
                         .with_for_update())
            conn.execute(erasures.delete().where(erasures.c.household_id == hid))
            conn.execute(erasures.insert().values(household_id=hid, requested_at=datetime.now(tz=UTC)))
        if (scoped := getattr(self._scope, "keys", None)) is not None:
            scoped.pop(hid, None)

    def cancel_erasure(self, household_id: UUID | str) -> None:
        """The ``Erased`` event was not saved: the household keeps its key."""
        with self._writing() as conn:
            conn.execute(erasures.delete().where(erasures.c.household_id == str(household_id),
                                                 erasures.c.shredded_at.is_(None)))

    def shred(self, household_id: UUID | str) -> bool:
        """Delete the household's key and close its erasure, in one transaction; ``False`` if no key was left.

        Raises :class:`KeyStoreBusyError` when the store stays locked: the erasure stays
        pending (no key is served) and is finished by a retry, at start-up or by ``audit verify``.
        """
        hid = str(household_id)
        now = datetime.now(tz=UTC)
        with self._writing() as conn:
            master_id = conn.execute(sa.select(data_keys.c.master_key_id).where(data_keys.c.household_id == hid)
                                     ).scalar_one_or_none()
            conn.execute(data_keys.delete().where(data_keys.c.household_id == hid))
            conn.execute(bsn_index.delete().where(bsn_index.c.household_id == hid))  # unfindable with its key gone
            conn.execute(erasures.delete().where(erasures.c.household_id == hid))
            conn.execute(erasures.insert().values(household_id=hid, requested_at=now, shredded_at=now,
                                                  master_key_id=master_id))
        self._vacuum()
        if master_id is not None:
            log.warning("key_rotation_due", household_id=hid, master_key_id=master_id)
        return master_id is not None

    def destroy(self, household_id: UUID | str) -> bool:
        """Delete a key no household ever used (a referral that failed to save)."""
        with self._writing() as conn:
            deleted = conn.execute(data_keys.delete().where(data_keys.c.household_id == str(household_id))).rowcount
            conn.execute(bsn_index.delete().where(bsn_index.c.household_id == str(household_id)))
        self._vacuum()
        return bool(deleted)

    def rotate(self, *, batch: int = 500, progress: Callable[[int], None] | None = None) -> int:
        """Re-wrap every data key under the current master key; returns how many were re-wrapped.

        Batch by batch, each one transaction, so it runs online and can be stopped and
        run again: keys already under the current master key are skipped. Keys of pending
        erasures are left for the shredding (re-wrapping them would outlive the old master key).
        """
        done = 0
        while True:
            with self._writing() as conn:
                query = (sa.select(data_keys.c.household_id, data_keys.c.wrapped_key, data_keys.c.master_key_id)
                         .where(data_keys.c.master_key_id != self.master.key_id,
                                ~sa.exists().where(erasures.c.household_id == data_keys.c.household_id,
                                                   erasures.c.shredded_at.is_(None)))
                         .order_by(data_keys.c.household_id).limit(batch))
                if self.engine.dialect.name == "postgresql":
                    query = query.with_for_update(skip_locked=True)
                rows = conn.execute(query).all()
                for r in rows:
                    key = self._unwrap(r.wrapped_key, r.master_key_id)
                    conn.execute(data_keys.update().where(data_keys.c.household_id == r.household_id,
                                                          data_keys.c.master_key_id == r.master_key_id)
                                 .values(wrapped_key=aes_key_wrap(self.master.material, key),
                                         master_key_id=self.master.key_id))
            if not rows:
                return done
            done += len(rows)
            log.info("data_keys_rewrapped", count=len(rows), total=done, master_key_id=self.master.key_id)
            if progress is not None:
                progress(done)

    # ------------------------------------------------------------ BSN index
    def find(self, bsns: Iterable[str | None]) -> list[str]:
        """The households whose members carry one of ``bsns``, oldest key first; none erased or being erased.

        Only the digests are compared: nothing is decrypted. Without an index key, nothing is found.
        """
        if self.index_key is None or not (digests := self.index_key.digests(bsns)):
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(bsn_index.c.household_id)
                .select_from(bsn_index.join(data_keys, data_keys.c.household_id == bsn_index.c.household_id)
                             .outerjoin(erasures, erasures.c.household_id == bsn_index.c.household_id))
                .where(bsn_index.c.digest.in_(digests), erasures.c.requested_at.is_(None))
                .order_by(data_keys.c.created_at, bsn_index.c.household_id)
            ).scalars().all()
        return list(dict.fromkeys(rows))

    def reindex(self, household_id: UUID | str, bsns: Iterable[str | None]) -> int:
        """Replace the household's index entries by those of ``bsns`` (an operator's rebuild); how many it has."""
        entries = self._entries({household_id: bsns})
        with self._writing() as conn:
            if not conn.execute(sa.select(sa.literal(1)).where(data_keys.c.household_id == str(household_id))
                                ).first():
                return 0  # no key (erased): no entry
            conn.execute(bsn_index.delete().where(bsn_index.c.household_id == str(household_id)))
            if entries:
                conn.execute(bsn_index.insert(), entries)
        return len(entries)

    def index_entries(self) -> list[tuple[str, str]]:
        """Every (digest, household id) of the index (for audits and tests)."""
        with self.engine.connect() as conn:
            return [(r.digest, r.household_id) for r in conn.execute(sa.select(bsn_index)).all()]

    def _entries(self, bsns: Mapping[Any, Iterable[str | None]]) -> list[dict[str, str]]:
        if self.index_key is None:
            return []
        return [{"digest": d, "household_id": str(hid)} for hid, values in bsns.items()
                for d in self.index_key.digests(values)]

    # ---------------------------------------------------------------- helpers
    def _unwrap(self, wrapped: bytes, master_key_id: str) -> bytes:
        master = self.masters.get(master_key_id)
        if master is None:
            raise KeyStoreError(
                "The configured master key is not the one that wrapped this household's key "
                f"(expected key id {master_key_id}, configured {', '.join(self.masters)}).")
        try:
            return aes_key_unwrap(master.material, bytes(wrapped))
        except InvalidUnwrap:
            raise KeyStoreError("A stored data key failed to unwrap; the key store may be damaged.") from None

    @contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        """A write transaction whose lock waits end after ``lock_timeout`` with :class:`KeyStoreBusyError`."""
        try:
            with self.engine.begin() as conn:
                if self.engine.dialect.name == "postgresql":
                    conn.execute(sa.text(f"SET LOCAL lock_timeout = '{int(self.lock_timeout * 1000)}ms'"))
                yield conn
        except sa.exc.OperationalError as e:
            if _is_lock_wait(e):
                raise KeyStoreBusyError("The key store is locked by another session; nothing was changed, "
                                        "retry shortly.") from None
            raise

    def _vacuum(self) -> None:
        """PostgreSQL: reclaim the deleted row without an exclusive lock; skipped when the table is busy."""
        if self.engine.dialect.name != "postgresql":
            return  # secure_delete (set on every connection) already zeroed the freed cells
        try:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text(f"SET lock_timeout = '{int(self.lock_timeout * 1000)}ms'"))
                conn.execute(sa.text(f"VACUUM (SKIP_LOCKED) {data_keys.name}"))
                conn.execute(sa.text("RESET lock_timeout"))
        except sa.exc.OperationalError as e:
            log.warning("key_table_vacuum_skipped", error_type=type(e.orig).__name__)


def _is_lock_wait(e: sa.exc.OperationalError) -> bool:
    """PostgreSQL's lock_not_available (lock_timeout), SQLite's "database is locked"."""
    if getattr(e.orig, "sqlstate", None) == "55P03":
        return True
    return "database is locked" in str(e.orig) or "database is busy" in str(e.orig)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def sqlite_keystore_engine(path: str, *, busy_timeout: float = 5.0) -> sa.Engine:
    """An engine for the key file: secure_delete on, rollback journal (no WAL copies), bounded lock waits."""
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": busy_timeout})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA secure_delete=ON")
        cur.execute("PRAGMA journal_mode=DELETE")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cur.close()

    return engine
