"""The application's part of the audit: snapshots and keys checked, erasures finished, operator steps recorded.

``ledger audit verify`` asks :meth:`Audit.verify_snapshots` (a snapshot is a cache outside the
hash chain, so each must equal a replay of its events) and :meth:`Audit.verify_keys` (the key
store against the households). Changes outside household streams (the user and organisation
directory, chaining an unchained tail) are authorised and recorded here like every command.
The digest and chain verification themselves live in :mod:`ledger.audit` and
:mod:`ledger.privacy.chain`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from ledger.aggregates import Actor, Household
from ledger.aggregates.actions import Action
from ledger.aggregates.vocabulary import DataCategory
from ledger.application.core import LedgerCore, parse_household_id
from ledger.privacy.access import refused_record
from ledger.privacy.chain import ChainTailChained
from ledger.privacy.erasure import ErasureReport, KeyCheck, check_keys, finish_erasures

__all__ = ["Audit"]


class Audit(LedgerCore):
    """Checks of what the chain does not cover, and the records of operator and directory steps."""

    def verify_snapshots(self) -> list[tuple[UUID, int]]:
        """Snapshots are a cache outside the hash chain: each must equal a replay of its events.

        Returns (household id, version) of every snapshot that does not; an empty list is clean.
        """
        if self.snapshots is None:
            return []
        bad: list[tuple[UUID, int]] = []
        for household_id in self._referred_ids():
            with self.keys.scope():  # one key read per household, kept no longer than its check
                bad.extend(self._bad_snapshots_of(household_id))
        return bad

    def _bad_snapshots_of(self, household_id: UUID) -> Iterator[tuple[UUID, int]]:
        assert self.snapshots is not None
        stored = self.snapshots.recorder.select_events(household_id)  # raw: decode each under guard
        replayed: Any = None
        events: Iterator[Any] = iter(self.events.get(household_id)) if stored else iter(())
        for row in stored:  # oldest first, like the events
            while replayed is None or replayed.version < row.originator_version:
                event = next(events, None)
                if event is None:
                    break  # the snapshot claims a version the events never reached
                replayed = event.mutate(replayed)
            try:
                snapshot: Any = self.mapper.to_domain_event(row)
                matches = snapshot.mutate(None) == replayed
            except Exception:  # noqa: BLE001 - an undecodable or altered snapshot is a bad one
                matches = False
            if not matches:
                yield household_id, row.originator_version

    def finish_erasures(self) -> ErasureReport:
        """Shred the key of every erasure left pending after its ``Erased`` was saved (start-up runs this)."""
        return finish_erasures(self.keys, self._is_erased_in_store)

    def reindex_bsns(self, operator: Actor) -> tuple[int, int]:
        """Rebuild the BSN blind index of every live household from its members (decrypted): (households, entries).

        For a store made before the index, or after the index key was replaced; idempotent. Each
        household read is access-recorded (``index_bsns``, identity) before its entries are written.
        """
        households = entries = 0
        for hid in self._referred_ids():
            with self.keys.scope():
                household = self._load(hid)
                if household.is_erased or not self.keys.has_key(hid):
                    continue
                self.guard.authorised(operator, Action.INDEX_BSNS, household, frozenset({DataCategory.IDENTITY}),
                                      save_now=True)
                bsns = [m.bsn.value for m in household.members.values() if m.bsn is not None]
                entries += self.keys.reindex(hid, bsns)
            households += 1
        return households, entries

    def verify_keys(self) -> KeyCheck:
        """``audit verify``: the key store against the households (see :mod:`ledger.privacy.erasure`)."""
        # In this order: a household referred is seen with its key (made before Referred), and
        # one erased meanwhile is seen as erased (Erased is saved before its key is shredded).
        referred = {str(h) for h in self._referred_ids()}
        present = self.keys.household_ids()
        erased = {str(n.originator_id) for n in self._notifications_of(Household.Erased)}
        return check_keys(self.keys, referred=referred, present=present, erased=erased,
                          is_erased=self._is_erased_in_store)

    def _is_erased_in_store(self, household_id: UUID | str) -> bool:
        topic = get_topic(Household.Erased)
        return any(e.topic == topic for e in self.recorder.select_events(parse_household_id(household_id)))

    def record_user_management(self, actor: Actor, action: Action | str, subject_user_id: str,
                               subject_organisation: str | None = None) -> None:
        """Authorise and record an add or disable of a user (kept outside household events, but audited).

        ``subject_organisation``: the organisation of the user added or disabled (an administrator
        manages their own organisation's users; the municipality's administrator every organisation's).
        """
        self.guard.authorised(actor, Action(action), None, frozenset(), subject_user_id=subject_user_id,
                              subject_organisation=subject_organisation, save_now=True)

    def record_directory_change(self, by: Actor, action: Action | str, subject: str, events: Sequence[Any],
                                subject_organisation: str | None = None) -> None:
        """A directory change (``UserDirectory``): authorised, and saved with its access record in one transaction.

        Registering an organisation is the municipality's administrator's (and the local operator's);
        a user is managed by an administrator of the user's organisation or of the municipality.
        A refusal is recorded before it is raised; so is a change that loses to another
        (``IntegrityError``: the stream already has that version).
        """
        org = action == Action.ADD_ORGANISATION
        record, _ = self.guard.authorised(
            by, Action(action), None, frozenset(), subject_user_id=None if org else subject,
            subject_organisation=subject if org else subject_organisation)
        try:
            self.save(*events, record)
        except IntegrityError:
            self.save(refused_record(record, "already-exists", household_id=None))
            raise

    def record_chain_tail(self, actor: Actor, first: int, last: int) -> None:
        """After the operator chained positions ``first``..``last`` (``ledger audit chain-tail``): on record."""
        record, _ = self.guard.authorised(actor, Action.CHAIN_TAIL, None, frozenset())
        self.save(ChainTailChained(  # type: ignore[call-arg]  # eventsourcing's event metaclass hides the fields
            originator_id=uuid.uuid4(), originator_version=1, timestamp=self.clock(), first=first, last=last,
            by_user_id=actor.user_id), record)

    def directory_stream(self, originator_id: UUID) -> list[Any]:
        """The stored events of one directory stream (an organisation or a user), in order."""
        return list(self.events.get(originator_id))
