"""Tamper evidence: a hash chain over the whole ledger, and signed digests of its head.

Every notification in the ledger's order (household events and access records
alike) is chained: ``h[i] = SHA-256(h[i-1] || position || originator || version ||
topic || state)`` with every field length-prefixed. The chain is stored per position
(``ledger_chain``) and written in each save's own transaction by the recorder
(:mod:`ledger.persistence`). A save that finds the chain's head short of the log's
(an unchained tail) is refused, so an acknowledged event is always chained and
nothing is ever chained before it is checked: only the operator's explicit
``ledger audit chain-tail`` (:meth:`Chain.extend`, recorded) chains a tail, e.g.
events written by a release without the chain.

A digest is the head (position + hash) signed with the deployment's Ed25519 key,
named by the key's id (:func:`key_id`); digests are kept outside the database
(:mod:`ledger.privacy.digests`), which also pins the keys a digest may be signed with.

``verify`` streams the log and the stored chain page by page (bounded memory) and
reports the first position where they disagree: an edited row, a deleted row
(a gap) and swapped rows all change the recomputed hash at that position; an
unchained tail is reported as such. A rewritten chain table, or a tail deleted
together with its chain rows, is caught by a digest taken earlier.
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
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import ApplicationRecorder, Notification

__all__ = ["CHAIN_TABLE", "GENESIS", "Chain", "ChainBrokenError", "ChainTailError", "ChainTailChained", "Digest",
           "SigningKey", "VerifyResult", "key_id", "link"]

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


class ChainTailError(RuntimeError):
    """A save found notifications after the chain's head: refused, so nothing unchecked is chained."""

    def __init__(self) -> None:
        super().__init__("The hash chain does not reach the end of the ledger (an unchained tail); writes are "
                         "refused until an operator has checked it: `ledger audit verify`, then "
                         "`ledger audit chain-tail`.")


class ChainBrokenError(RuntimeError):
    """The stored chain does not follow from the digest it should extend: no new digest is signed."""


class ChainTailChained(DomainEvent):
    """The operator chained an unchained tail (``ledger audit chain-tail``), positions ``first``..``last``."""

    first: int
    last: int
    by_user_id: str


def key_id(public_b64: str) -> str:
    """A public key's id: the first 16 hex digits of the SHA-256 of its raw bytes."""
    try:
        raw = base64.b64decode(public_b64)
    except (ValueError, TypeError):
        raw = public_b64.encode()
    return hashlib.sha256(raw).hexdigest()[:16]


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

    @property
    def key_id(self) -> str:
        return key_id(self.public_b64)

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
    key_id: str = ""  # key_id(public_key); "" in digests from before key ids (read as the derived id)

    def __post_init__(self) -> None:
        if not self.key_id:
            object.__setattr__(self, "key_id", key_id(self.public_key))

    def message(self) -> bytes:
        return f"ledger-digest:v1:{self.position}:{self.head}:{self.signed_at}".encode()

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Digest:
        data = json.loads(text)
        digest = cls(**{k: data[k] for k in ("position", "head", "signed_at", "public_key", "signature")},
                     key_id=str(data.get("key_id") or ""))
        if not isinstance(digest.position, int) or not isinstance(digest.head, str):
            raise ValueError("not a ledger digest")
        return digest

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
    def __init__(self, engine: sa.Engine, recorder: ApplicationRecorder, signing_key: SigningKey,
                 trusts: Callable[[Digest], bool] | None = None) -> None:
        self.engine = engine
        self.recorder = recorder
        self.signing_key = signing_key
        # Which digests verify() accepts: by default only those signed with this deployment's key.
        self.trusts = trusts or (lambda d: d.public_key == signing_key.public_b64 and d.key_id == signing_key.key_id)
        metadata.create_all(engine)
        # ledger.persistence's recorders chain each save in its transaction and refuse a save
        # behind an unchained tail; nothing is chained here at start (verify first, then
        # `ledger audit chain-tail`).
        self.in_transaction = hasattr(recorder, "chaining")
        if self.in_transaction:
            recorder.chaining = True  # type: ignore[attr-defined]  # ledger.persistence's recorders only (checked above)

    def after_save(self) -> None:
        """After each save: nothing to do when the recorder chained it in place (ours always does)."""
        if not self.in_transaction:  # a store without the chaining recorder (tests of other stores)
            self.extend()

    def unchained(self) -> tuple[int, int] | None:
        """The positions ``(first, last)`` recorded after the chain's head, if any."""
        position, _ = self.head()
        last = self.recorder.max_notification_id() or 0
        return (position + 1, last) if last > position else None

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
        """Sign the stored chain's head as it stands (nothing is chained first; see :meth:`verified_digest`)."""
        return self._sign(*self.head())

    def _sign(self, position: int, head: bytes) -> Digest:
        unsigned = Digest(position, head.hex(), datetime.now(tz=UTC).isoformat(), self.signing_key.public_b64, "")
        return Digest(**{**unsigned.__dict__, "signature": self.signing_key.sign(unsigned.message())})

    def verified_digest(self, since: Digest | None = None) -> Digest:
        """Recompute the chain from ``since`` (a trusted digest; the genesis if None) to the head, then sign it.

        Raises :class:`ChainBrokenError` when the stored chain disagrees with the log on the way
        or no longer holds ``since``'s head: a digest never vouches for what it did not check.
        """
        position, previous = (0, GENESIS) if since is None else (since.position, bytes.fromhex(since.head))
        if since is not None:
            with self.engine.connect() as conn:
                at = conn.execute(sa.select(chain_table.c.hash).where(chain_table.c.position == since.position)).first()
            if since.position and (at is None or bytes(at.hash) != previous):
                raise ChainBrokenError(f"The stored chain no longer holds the digest's head at position {since.position}.")
        head_position, head_hash = self.head()
        stored = self._stored(after=position)
        start = position + 1
        while start <= head_position:
            page = self.recorder.select_notifications(start=start, limit=PAGE, stop=head_position)
            if not page:
                break
            for n in page:
                previous = link(previous, n)
                expected = next(stored, None)
                if expected is None or expected[0] != n.id or expected[1] != previous:
                    raise ChainBrokenError(f"Stored data no longer matches the chain at position {n.id}.")
                position = n.id
            start = page[-1].id + 1
        if position != head_position or previous != head_hash:
            raise ChainBrokenError(f"The chain's head at position {head_position} does not follow from the log.")
        return self._sign(position, previous)

    def _stored(self, after: int = 0, upto: int | None = None) -> Iterator[tuple[int, bytes]]:
        while True:
            query = sa.select(chain_table.c.position, chain_table.c.hash).where(chain_table.c.position > after)
            if upto is not None:
                query = query.where(chain_table.c.position <= upto)
            with self.engine.connect() as conn:
                rows = conn.execute(query.order_by(chain_table.c.position).limit(PAGE)).all()
            if not rows:
                return
            yield from ((r.position, bytes(r.hash)) for r in rows)
            after = rows[-1].position

    def _log(self, upto: int) -> Iterator[Notification]:
        start = 1
        while start <= upto:
            page = self.recorder.select_notifications(start=start, limit=PAGE, stop=upto)
            if not page:
                return
            yield from page
            start = page[-1].id + 1

    def verify(self, digest: Digest | None = None, progress: Callable[[int], Any] | None = None) -> VerifyResult:
        """Recompute the chain from the stored log and compare it with the stored chain (and a digest).

        Nothing is chained or changed. Notifications after the stored chain's head (an unchained
        tail) are reported as a failure; the digest, if any, must be signed by a trusted key.
        """
        if digest is not None:
            if not self.trusts(digest):
                return VerifyResult(False, 0, 0, None, f"The digest is signed by key {digest.key_id}, which this "
                                    "deployment does not trust (not its signing key, nor a pinned retired key).")
            if not digest.signature_valid():
                return VerifyResult(False, 0, 0, None, "The digest's signature is not valid.")
        # What was recorded when verification began (the chain's head first: a chain row commits
        # with its event, so every row up to the log's head then has its link, bar a real tail).
        # Saves arriving meanwhile are left to the next run instead of passing for a tail.
        chain_head, _ = self.head()
        log_head = self.recorder.max_notification_id() or 0
        previous, checked, last = GENESIS, 0, 0
        at_digest: bytes | None = None
        tail: list[int] = []  # first and last unchained position
        stored = self._stored(upto=max(chain_head, log_head))
        for n in self._log(upto=log_head):
            previous = link(previous, n)
            if digest is not None and n.id == digest.position:
                at_digest = previous
            if tail:
                tail[1:] = [n.id]
                continue
            expected = next(stored, None)
            if expected is None:
                tail = [n.id, n.id]  # past the stored chain: an unchained tail (keep recomputing for the digest)
                continue
            checked += 1
            position, stored_hash = expected
            if position != n.id or stored_hash != previous:
                bad = min(position, n.id)
                return VerifyResult(False, checked, last, bad,
                                    f"Stored data no longer matches the chain at position {bad}.")
            last = n.id
            if progress is not None and checked % PAGE == 0:
                progress(checked)
        leftover = next(stored, None) if not tail else None
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
        if tail:
            first, end = tail
            return VerifyResult(False, checked, last, first,
                                f"{end - first + 1} notifications at the end are not chained (positions {first}..{end}).")
        return VerifyResult(True, checked, last)
