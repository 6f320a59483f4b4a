"""Tamper evidence: a hash chain over the whole ledger, and signed digests of its head.

Every notification in the ledger's order (household events and access records
alike) is chained: ``h[i] = SHA-256(h[i-1] || position || originator || version ||
topic || state)`` with every field length-prefixed. The chain is stored per position
(``ledger_chain``) and written in each save's own transaction by the recorder
(:mod:`ledger.persistence`); :meth:`Chain.extend` chains whatever is not chained yet
(events written before the chain existed, or by a store without that recorder). A digest is the head (position + hash) signed with the
deployment's Ed25519 key; keep digests outside the database.

``verify`` streams the log and the stored chain page by page (bounded memory) and
reports the first position where they disagree: an edited row, a deleted row
(a gap) and swapped rows all change the recomputed hash at that position. A
rewritten chain table is caught by a digest taken earlier.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from eventsourcing.persistence import ApplicationRecorder, Notification

__all__ = ["CHAIN_TABLE", "GENESIS", "Chain", "Digest", "SigningKey", "VerifyResult", "link"]

GENESIS = b"\x00" * 32
PAGE = 1000
CHAIN_TABLE = "ledger_chain"

metadata = sa.MetaData()
chain_table = sa.Table(
    CHAIN_TABLE,
    metadata,
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("hash", sa.LargeBinary(32), nullable=False),
)


def link(previous: bytes, n: Notification) -> bytes:
    h = hashlib.sha256(previous)
    for part in (str(n.id).encode(), str(n.originator_id).encode(), str(n.originator_version).encode(),
                 n.topic.encode(), bytes(n.state)):
        h.update(struct.pack(">Q", len(part)))
        h.update(part)
    return h.digest()


class SigningKey:
    """The deployment's Ed25519 key: from ``LEDGER_SIGNING_KEY`` or a 0600 file made on first run."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private

    @classmethod
    def load(cls, secret_b64: str | None, path: Path) -> SigningKey:
        if secret_b64:
            raw = base64.b64decode(secret_b64)
        elif path.exists():
            raw = base64.b64decode(path.read_text().strip())
        else:
            raw = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(base64.b64encode(raw).decode() + "\n")
        return cls(Ed25519PrivateKey.from_private_bytes(raw))

    @property
    def public_b64(self) -> str:
        raw = self._private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return base64.b64encode(raw).decode()

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self._private.sign(message)).decode()

    def __repr__(self) -> str:
        return f"SigningKey(public={self.public_b64})"


@dataclass(frozen=True)
class Digest:
    position: int
    head: str  # hex
    signed_at: str
    public_key: str
    signature: str

    def message(self) -> bytes:
        return f"ledger-digest:v1:{self.position}:{self.head}:{self.signed_at}".encode()

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Digest:
        data = json.loads(text)
        return cls(**{k: data[k] for k in ("position", "head", "signed_at", "public_key", "signature")})

    def signature_valid(self) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(base64.b64decode(self.public_key)).verify(
                base64.b64decode(self.signature), self.message())
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    head_position: int
    first_bad_position: int | None = None
    problem: str | None = None


class Chain:
    def __init__(self, engine: sa.Engine, recorder: ApplicationRecorder, signing_key: SigningKey) -> None:
        self.engine = engine
        self.recorder = recorder
        self.signing_key = signing_key
        metadata.create_all(engine)
        self._lag_seen = 0
        if hasattr(recorder, "chaining"):  # ledger.persistence's recorders chain each save in its transaction
            recorder.chaining = True  # type: ignore[attr-defined]
            self.extend()  # anything written before (or by an older release) first, so saves find the head

    def after_save(self) -> None:
        """After each save: nothing to do when the recorder chained it in place; else catch up."""
        lag = getattr(self.recorder, "chain_lag", None)
        if lag is not None and lag == self._lag_seen:
            return
        self.extend()
        if lag is not None:
            self._lag_seen = lag

    def head(self) -> tuple[int, bytes]:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(chain_table.c.position, chain_table.c.hash).order_by(chain_table.c.position.desc()).limit(1)
            ).first()
        return (0, GENESIS) if row is None else (row.position, bytes(row.hash))

    def extend(self) -> int:
        """Chain every notification not chained yet; returns the new head position."""
        position, previous = self.head()
        while True:
            page = self.recorder.select_notifications(start=position + 1, limit=PAGE)
            if not page:
                return position
            rows = []
            for n in page:
                previous = link(previous, n)
                rows.append({"position": n.id, "hash": previous})
            try:
                with self.engine.begin() as conn:
                    conn.execute(chain_table.insert(), rows)
            except sa.exc.IntegrityError:  # another process chained these first: start again from its head
                position, previous = self.head()
                continue
            position = page[-1].id

    def digest(self) -> Digest:
        self.extend()
        position, head = self.head()
        unsigned = Digest(position, head.hex(), datetime.now(tz=UTC).isoformat(), self.signing_key.public_b64, "")
        return Digest(**{**unsigned.__dict__, "signature": self.signing_key.sign(unsigned.message())})

    def _stored(self) -> Iterator[tuple[int, bytes]]:
        after = 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    sa.select(chain_table.c.position, chain_table.c.hash)
                    .where(chain_table.c.position > after).order_by(chain_table.c.position).limit(PAGE)
                ).all()
            if not rows:
                return
            yield from ((r.position, bytes(r.hash)) for r in rows)
            after = rows[-1].position

    def _log(self) -> Iterator[Notification]:
        start = 1
        while True:
            page = self.recorder.select_notifications(start=start, limit=PAGE)
            if not page:
                return
            yield from page
            start = page[-1].id + 1

    def verify(self, digest: Digest | None = None, progress: Callable[[int], Any] | None = None) -> VerifyResult:
        """Recompute the chain from the stored log and compare it with the stored chain (and a digest)."""
        if digest is not None and not digest.signature_valid():
            return VerifyResult(False, 0, 0, None, "The digest's signature is not valid.")
        previous, checked, last = GENESIS, 0, 0
        at_digest: bytes | None = None
        stored = self._stored()
        for n in self._log():
            previous = link(previous, n)
            expected = next(stored, None)
            checked += 1
            if expected is None:
                break  # past the stored chain: recent events not chained yet (they get chained below)
            position, stored_hash = expected
            if position != n.id or stored_hash != previous:
                bad = min(position, n.id)
                return VerifyResult(False, checked, last, bad,
                                    f"Stored data no longer matches the chain at position {bad}.")
            last = n.id
            if digest is not None and n.id == digest.position:
                at_digest = previous
            if progress is not None and checked % PAGE == 0:
                progress(checked)
        leftover = next(stored, None)
        if leftover is not None:
            return VerifyResult(False, checked, last, leftover[0],
                                f"The chain has position {leftover[0]}, which the ledger no longer holds.")
        if digest is not None:
            if at_digest is None:
                return VerifyResult(False, checked, last, digest.position,
                                    f"The ledger no longer reaches the digest's position {digest.position}.")
            if at_digest.hex() != digest.head:
                return VerifyResult(False, checked, last, digest.position,
                                    f"The chain up to position {digest.position} differs from the signed digest.")
        return VerifyResult(True, checked, last)
