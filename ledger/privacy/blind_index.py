"""A keyed blind index of BSNs: find a known household without decrypting every household.

An entry is ``(digest, household id)``, where the digest is HMAC-SHA256 of the normalised BSN
(nine digits) under the deployment's *index key* (``LEDGER_INDEX_KEY``, or ``index.key`` beside
``master.key`` on the embedded default). The index key is a key of its own: not the master key,
not derived from it, so a master-key rotation leaves the index as it is, and a copy of the
index table without the index key identifies nobody (a BSN has only a billion values: an
unkeyed hash would be reversed by trying them all; a keyed one needs the key).

The table lives in the key store (:mod:`ledger.privacy.keys`): its entries are written in the
same transaction as the household's data key, before the referral is saved, and deleted in the
same transaction as the key at erasure (or with a key whose referral failed to save). An entry
whose household never came to be (a crash between the key and the referral) finds nothing: the
lookup loads the household and skips one the ledger does not hold. ``ledger keys reindex``
rebuilds the entries of every live household from its (decrypted) members, for stores made
before the index existed or after the index key was replaced.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

__all__ = ["INDEX_KEY_BYTES", "IndexKey", "bsn_index", "index_metadata", "normalise_bsn"]

INDEX_KEY_BYTES = 32

index_metadata = sa.MetaData()
bsn_index = sa.Table(
    "ledger_bsn_index",
    index_metadata,
    sa.Column("digest", sa.String(64), primary_key=True),  # hex HMAC-SHA256 of the normalised BSN
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Index("ix_ledger_bsn_index_household", "household_id"),
)

_SEPARATORS = re.compile(r"[\s.\-]")


def normalise_bsn(value: str | None) -> str | None:
    """Nine digits, separators (spaces, dots, hyphens) dropped, an eight-digit BSN padded with 0; else ``None``."""
    if value is None:
        return None
    digits = _SEPARATORS.sub("", value)
    if len(digits) == 8 and digits.isdigit():
        digits = "0" + digits
    return digits if len(digits) == 9 and digits.isdigit() else None


@dataclass(frozen=True, slots=True, repr=False)
class IndexKey:
    material: bytes

    def __post_init__(self) -> None:
        if len(self.material) != INDEX_KEY_BYTES:
            raise ValueError("The index key must be 32 bytes (256 bits).")

    def digest(self, bsn: str) -> str | None:
        """The blind index of ``bsn`` (hex), or ``None`` when it is no BSN."""
        normal = normalise_bsn(bsn)
        if normal is None:
            return None
        return hmac.new(self.material, b"ledger-bsn-index:" + normal.encode("ascii"), hashlib.sha256).hexdigest()

    def tag(self, purpose: str, data: bytes) -> str:
        """A keyed tag of ``data`` for ``purpose`` (domain-separated from the BSN index): e.g. an opaque
        list cursor the service can tell it issued, unchanged (``ledger.api.routes.common.encode_keyset``)."""
        message = b"ledger-tag:" + purpose.encode("ascii") + b":" + data
        return hmac.new(self.material, message, hashlib.sha256).hexdigest()[:32]

    def digests(self, bsns: Iterable[str | None]) -> list[str]:
        """The distinct digests of the BSNs given (non-BSNs left out), in order."""
        return list(dict.fromkeys(d for b in bsns if b and (d := self.digest(b)) is not None))

    def __repr__(self) -> str:
        return "IndexKey(...)"
