"""Field-level encryption of personal data, per household, in events and snapshots.

:class:`SealingMapper` extends ``eventsourcing``'s :class:`Mapper` (its documented
extension point, wired in through ``Application.construct_mapper``). Before an
event or snapshot is serialised it collects every :class:`Personal` value in the
event's state, encrypts them together as one AES-256-GCM blob under the
household's data key, and leaves numbered references in their place. Structured
codes (ZRM scores, dates, categories) stay in the clear for projections.

The associated data binds a blob to its household, position and event type, so
a blob copied to another event does not decrypt. When the household's key has
been destroyed (erasure), personal values read as erased; when the key exists
but a blob does not decrypt, the store was tampered with and reading fails.

The transcoder refuses to serialise a ``Personal`` that still holds a value, so a
code path that bypasses sealing fails instead of storing plaintext.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import threading
from datetime import date
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent, Transcoding
from eventsourcing.utils import get_topic

from ledger.aggregates import ALL_VALUE_OBJECTS, ERASED, Personal, ValueObject, map_personal

from .keys import KeyStore

__all__ = ["PlaintextLeakError", "SealedDataError", "SealingMapper", "blind_mapper", "register_transcodings"]

SEALED = "__sealed__"
NONCE_BYTES = 12


class PlaintextLeakError(TypeError):
    """A personal value reached the serialiser unsealed; nothing was stored."""


class SealedDataError(Exception):
    """Sealed personal data could not be sealed or opened."""


@dataclasses.dataclass(frozen=True, slots=True)
class _SealedRef(Personal):
    """Placeholder for the ``index``-th value in an event's sealed blob."""

    index: int = 0

    def __repr__(self) -> str:
        return f"Sealed#{self.index}"


class _PersonalTranscoding(Transcoding):
    type = Personal
    name = "personal"

    def encode(self, obj: Personal) -> None:
        if obj.value is not None:
            raise PlaintextLeakError("A personal value was about to be stored unencrypted.")
        return None

    def decode(self, data: None) -> Personal:
        return ERASED


class _SealedRefTranscoding(Transcoding):
    """A reference to the ``index``-th sealed value.

    While :meth:`SealingMapper.to_domain_event` decodes, each reference becomes a fresh
    :class:`Personal` that the mapper fills in once it has opened the blob: no second
    walk over the decoded event rebuilding its value objects. Outside it (never in the
    ledger's own paths) a reference decodes as a ``_SealedRef``.
    """

    type = _SealedRef
    name = "sealed"

    def __init__(self) -> None:
        self.decoding = threading.local()

    def encode(self, obj: _SealedRef) -> int:
        return obj.index

    def decode(self, data: int) -> Personal:
        pending = getattr(self.decoding, "pending", None)
        if pending is None:
            return _SealedRef(None, data)
        placeholder = object.__new__(Personal)
        object.__setattr__(placeholder, "value", None)  # erased until filled in
        pending.append((placeholder, data))
        return placeholder


class _DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class _ValueObjectTranscoding(Transcoding):
    def __init__(self, cls: type[ValueObject]) -> None:
        self.type = cls
        self._cls = cls  # ``type`` as the library declares it; this one for the checker
        self.name = cls.__name__
        self._fields = tuple(f.name for f in dataclasses.fields(cls))

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self._fields}

    def decode(self, data: dict[str, Any]) -> Any:
        return self._cls.from_stored(data)


def register_transcodings(transcoder: JSONTranscoder) -> None:
    """Our types, on top of eventsourcing's UUID, Decimal and datetime ones."""
    for transcoding in (_PersonalTranscoding(), _SealedRefTranscoding(), _DateAsISO()):
        transcoder.register(transcoding)
    for cls in ALL_VALUE_OBJECTS:
        transcoder.register(_ValueObjectTranscoding(cls))


def associated_data(originator_id: Any, version: int, topic: str) -> bytes:
    return f"ledger:{originator_id}:{version}:{topic}".encode()


class SealingMapper(Mapper):
    """A Mapper that seals personal data with the household's own key."""

    def __init__(self, *args: Any, keys: KeyStore | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys = keys  # None: a blind mapper, which reads no personal value (see blind_mapper)

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        values: list[str] = []

        def take(p: Personal) -> Personal:
            if p.value is None:
                return p
            values.append(p.value)
            return _SealedRef(None, len(values) - 1)

        state = map_personal(dict(vars(domain_event)), take)
        if values:
            key = self.keys.get(_subject(domain_event)) if self.keys is not None else None
            if key is None:
                raise SealedDataError("This household has no data key (erased or never created).")
            nonce = os.urandom(NONCE_BYTES)
            aad = associated_data(domain_event.originator_id, domain_event.originator_version, _topic(domain_event))
            blob = nonce + AESGCM(key).encrypt(nonce, json.dumps(values).encode(), aad)
            state[SEALED] = base64.b64encode(blob).decode("ascii")
        proxy = object.__new__(type(domain_event))
        object.__setattr__(proxy, "__dict__", state)
        return super().to_stored_event(proxy)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        names = self.transcoder.names if isinstance(self.transcoder, JSONTranscoder) else {}
        refs = names.get(_SealedRefTranscoding.name)
        local = refs.decoding if isinstance(refs, _SealedRefTranscoding) else None
        if local is None:  # a transcoder without our transcodings: nothing can be sealed
            return super().to_domain_event(stored_event)
        pending: list[tuple[Personal, int]] = []
        local.pending = pending
        try:
            domain_event = super().to_domain_event(stored_event)
        finally:
            local.pending = None
        sealed = vars(domain_event).pop(SEALED, None)
        if sealed is None:
            if pending:
                raise SealedDataError(
                    f"Event {stored_event.originator_id} at version {stored_event.originator_version} "
                    "refers to sealed data it does not hold: the stored event was altered.")
            return domain_event
        values = self._open(stored_event, _subject(domain_event), base64.b64decode(sealed))
        if values is not None:
            try:
                for placeholder, index in pending:
                    object.__setattr__(placeholder, "value", values[index])
            except (IndexError, TypeError):
                raise SealedDataError(
                    f"Sealed data of household {stored_event.originator_id} at version "
                    f"{stored_event.originator_version} does not fit its event: the stored event was altered."
                ) from None
        return domain_event

    def _open(self, stored: StoredEvent, subject: Any, blob: bytes) -> list[str] | None:
        if self.keys is None:
            return None  # blind: personal values stay sealed and arrive as erased
        key = self.keys.get(subject)
        if key is None:
            return None  # erased: the key is gone, so is the data
        aad = associated_data(stored.originator_id, stored.originator_version, stored.topic)
        try:
            plain = AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
        except InvalidTag:
            raise SealedDataError(
                f"Sealed data of household {stored.originator_id} at version "
                f"{stored.originator_version} does not match its key: the stored event was altered."
            ) from None
        return json.loads(plain)


def blind_mapper(app: Any) -> SealingMapper:
    """A mapper for the read side: it decodes events but opens no sealed data.

    Every personal value arrives as :data:`ERASED`, so what reads through it (the
    projections) can neither hold nor leak personal data, and needs no key access.
    """
    mapper = app.mapper
    return SealingMapper(transcoder=mapper.transcoder, keys=None, cipher=mapper.cipher,
                         compressor=mapper.compressor)


def _subject(domain_event: Any) -> Any:
    """Whose key seals an event: its ``sealing_subject`` (access records) or its originator."""
    return getattr(domain_event, "sealing_subject", None) or domain_event.originator_id


def _topic(domain_event: Any) -> str:
    return get_topic(type(domain_event))
