"""Signed digests kept outside the database, and the public keys a deployment trusts for them.

A digest is only worth something if it cannot be rewritten together with the
database, and if a forger cannot sign one with a key of their own:

* :class:`DigestArchive` keeps every digest as its own JSON file (0600) in
  ``LEDGER_DIGEST_DIR`` (default ``<data_dir>/digests/``), never in the database.
  The service takes one a day (and at start-up when the last is older than a day);
  ``audit verify`` checks the ledger against the latest.
* :class:`TrustedKeys` pins the public keys: the deployment's current signing key plus
  retired ones from ``LEDGER_TRUSTED_DIGEST_KEYS`` or the ``trusted-keys`` file in the
  data directory. A digest signed by any other key is refused, however valid its
  signature.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import structlog

from .chain import Chain, Digest, SigningKey, key_id

__all__ = ["DigestArchive", "TrustedKeys"]

log = structlog.get_logger("ledger.digests")

DAY = timedelta(days=1)


class TrustedKeys:
    """The Ed25519 public keys whose digests this deployment accepts."""

    def __init__(self, public_keys: Iterable[str]) -> None:
        self.keys = frozenset(public_keys)
        self.ids = frozenset(key_id(k) for k in self.keys)

    @classmethod
    def load(cls, signing_key: SigningKey, listed: str | None, path: Path) -> TrustedKeys:
        """The signing key's public half, the keys in ``listed`` (comma or space separated) and in ``path``."""
        keys = [signing_key.public_b64]
        texts = [listed or ""]
        if path.exists():
            texts.append("\n".join(line.split("#", 1)[0] for line in path.read_text().splitlines()))
        for text in texts:
            for item in re.split(r"[\s,]+", text.strip()):
                if not item:
                    continue
                try:
                    raw = base64.b64decode(item, validate=True)
                except binascii.Error:
                    raw = b""
                if len(raw) != 32:
                    raise ValueError("A trusted digest key is not base64 of a 32-byte Ed25519 public key.")
                keys.append(base64.b64encode(raw).decode())
        return cls(keys)

    def trusts(self, digest: Digest) -> bool:
        return digest.public_key in self.keys and digest.key_id == key_id(digest.public_key)


class DigestArchive:
    """A directory of signed digests, one JSON file each, outside the database."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def keep(self, digest: Digest) -> Path:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = re.sub(r"[^0-9]", "", digest.signed_at)[:20]
        path = self.directory / f"digest-{digest.position:012d}-{stamp}.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(digest.to_json() + "\n")
        log.info("digest_kept", position=digest.position, key_id=digest.key_id)
        return path

    def all(self) -> list[Digest]:
        """Every readable digest here, oldest position first (an unreadable file is logged and skipped)."""
        found = []
        if not self.directory.is_dir():
            return []
        for path in sorted(self.directory.glob("digest-*.json")):
            try:
                found.append(Digest.from_json(path.read_text()))
            except (OSError, ValueError, KeyError, TypeError):
                log.warning("digest_file_unreadable", file=path.name)
        return sorted(found, key=lambda d: (d.position, d.signed_at))

    def latest(self) -> Digest | None:
        kept = self.all()
        return kept[-1] if kept else None

    def due(self, now: datetime | None = None, every: timedelta = DAY) -> bool:
        """Whether the last digest is older than ``every`` (or there is none)."""
        last = self.latest()
        if last is None:
            return True
        try:
            signed = datetime.fromisoformat(last.signed_at)
        except ValueError:
            return True
        return (now or datetime.now(tz=UTC)) - signed >= every

    def take(self, chain: Chain, trusted: TrustedKeys) -> Digest:
        """Check the chain from the latest trusted digest here up to its head, then sign and keep a digest.

        Raises :class:`ledger.privacy.chain.ChainBrokenError` (nothing signed) when the stored
        chain does not follow from that digest.
        """
        base = next((d for d in reversed(self.all()) if trusted.trusts(d) and d.signature_valid()), None)
        digest = chain.verified_digest(base)
        self.keep(digest)
        return digest
