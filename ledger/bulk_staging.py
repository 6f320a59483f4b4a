"""Bulk import's staging ledger: the application itself, over an in-memory store, with a pass-through guard.

:mod:`ledger.bulk` replays each household of an import file here, step by step, through the
live command code, before (validation pass) and while (write pass) it writes them to the
ledger. Nothing staged here is written anywhere else but by the write pass.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from ledger.aggregates import Household
from ledger.application import CaseLedger, PassThroughGuard
from ledger.privacy import KeyStore, MasterKey
from ledger.privacy.keys import KEY_BYTES

__all__ = ["Staging"]


class Staging:
    """The import's staging ledger: the application itself, over an in-memory store, with a pass-through guard.

    Each household of the file is replayed by the live command code (the same :class:`CaseLedger`
    methods: argument handling, ``Personal``, the ``on`` rule, the registers, the aggregate's
    rules, one save per command) into eventsourcing's in-memory store (``eventsourcing.popo``),
    sealed by the application's own mapper with keys from a key store in memory (a
    :class:`KeyStore` on an in-memory SQLite database under a master key made for it; nothing
    of either outlives the staging ledger). Access is not asked per step
    (:class:`PassThroughGuard`): the import decides and records once per household
    (``ledger.bulk._import_record``). Item ids are derived from the household and the step's position,
    so the dry run and the real run agree. A fresh staging ledger serves every
    :attr:`HOUSEHOLDS_PER_LEDGER` households, so the store in memory never holds the whole file.
    """

    HOUSEHOLDS_PER_LEDGER = 200

    def __init__(self, app: CaseLedger, clock: Callable[[], datetime]) -> None:
        self._app, self._clock = app, clock
        self._household_id: UUID | None = None
        self._seq = 0
        self._served = 0
        self._events: list[Any] = []  # the events the live commands saved for the household being staged
        self.ledger = self._new_ledger()

    def _new_ledger(self) -> CaseLedger:
        keys = KeyStore(sa.create_engine("sqlite://", poolclass=StaticPool), MasterKey(os.urandom(KEY_BYTES)),
                        cache_seconds=60)  # a household's key is read once for all its steps (see household())
        app = self._app
        ledger = CaseLedger(
            {"PERSISTENCE_MODULE": "eventsourcing.popo"}, keys=keys, clock=self._clock, new_id=self._item_id,
            new_household_id=self._new_household_id, timezone=app.tz.key, snapshot_interval=0,
            retention_rules=app.retention_rules, municipality=app.municipality, cache_size=10,
            is_organisation=app.is_organisation, is_user=app.is_user,  # an import is held to the registers
            guard=PassThroughGuard, fastforward=False,  # the store is this ledger's alone
        )
        ledger.on_recorded.append(lambda recordings: self._events.extend(r.domain_event for r in recordings))
        return ledger

    @contextmanager
    def household(self, household_id: UUID) -> Iterator[CaseLedger]:
        """Stage one household: its steps run on the ledger yielded, in one key scope (one key read, not one per step)."""
        if self._served == self.HOUSEHOLDS_PER_LEDGER:
            self.close()
            self.ledger, self._served = self._new_ledger(), 0
        self._household_id, self._seq, self._events = household_id, 0, []
        self._served += 1
        with self.ledger.keys.scope():
            yield self.ledger

    def close(self) -> None:
        self.ledger.close()
        self.ledger.keys.engine.dispose()

    def _new_household_id(self) -> UUID:
        assert self._household_id is not None  # household() names it before its referral
        return self._household_id

    def _item_id(self) -> str:
        """Item ids derived from household and position: the dry run and the real run agree."""
        self._seq += 1
        return hashlib.sha256(f"{self._household_id}:{self._seq}".encode()).hexdigest()[:12]

    def staged(self, household_id: UUID) -> tuple[Household, list[Any]]:
        """The household last staged and the events its commands saved (the objects they made), for the write."""
        assert household_id == self._household_id
        with self.ledger.keys.scope():
            household: Household = self.ledger.repository.get(household_id)  # from the cache: nothing decoded
        return household, self._events
