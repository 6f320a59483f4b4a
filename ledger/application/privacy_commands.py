"""The commands on a household's legal footing: consent and legal basis, retention holds, erasure.

Erasure is the one command with more than one save: the data key is marked pending before
``Erased`` is saved and shredded after it (:meth:`PrivacyCommands.erase_household`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

import structlog

from ledger.aggregates import Actor, Household, errors
from ledger.aggregates.values import Consent
from ledger.aggregates.actions import Action
from ledger.aggregates.clock import recording_clock
from ledger.application.commands import Commands, _writes
from ledger.application.core import parse_household_id
from ledger.privacy import KeyStoreError
from ledger.privacy.presets import categories_of

__all__ = ["PrivacyCommands"]

log = structlog.get_logger("ledger.application")


class PrivacyCommands(Commands):
    """Consent, retention and erasure: the household's data under the law."""

    def grant_consent(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, basis: str, member_id: str | None,
        organisations: list[str], data_categories: Sequence[str] = (), purpose: str, valid_from: date | None = None,
        valid_until: date | None = None, legal_reference: str | None = None, on: date | None = None,
        decided_by: str | None = None, preset: str | None = None,
    ) -> tuple[str, int]:
        """A member's consent, or a legal basis; a legal basis names who decided it and goes to the privacy officer's review.

        ``preset`` (``ledger.privacy.presets``: coordination, life_domains, all) adds its categories to
        ``data_categories``; the consent stores the categories, never the preset.
        """
        consent, version = self.give_consent(
            actor, household_id, expected_version=expected_version, basis=basis, member_id=member_id,
            organisations=organisations, data_categories=data_categories, purpose=purpose, valid_from=valid_from,
            valid_until=valid_until, legal_reference=legal_reference, on=on, decided_by=decided_by, preset=preset)
        return consent.consent_id, version

    def give_consent(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, basis: str, member_id: str | None,
        organisations: list[str], data_categories: Sequence[str] = (), purpose: str, valid_from: date | None = None,
        valid_until: date | None = None, legal_reference: str | None = None, on: date | None = None,
        decided_by: str | None = None, preset: str | None = None,
    ) -> tuple[Consent, int]:
        """:meth:`grant_consent`, answering the consent as stored (the API shows it back to the one who gave it)."""
        categories = categories_of(preset, data_categories)  # an unknown preset: refused before anything is read
        day = self._on(on)
        consent_id = self.new_id()
        legal_basis = basis != "consent"
        stored: list[Consent] = []

        def grant(h: Household) -> None:
            h.grant_consent(
                actor=actor, on=day, consent_id=consent_id, basis=basis, member_id=member_id,
                organisations=organisations, data_categories=categories, purpose=purpose,
                valid_from=valid_from or day, valid_until=valid_until, legal_reference=legal_reference,
                decided_by=(decided_by or actor.user_id) if legal_basis else None)
            stored.append(h.consents[consent_id])

        version = self._change(actor, household_id, expected_version, Action.GRANT_CONSENT, "consent_granted", grant,
            needs_review="legal_basis" if legal_basis else None,
            organisations=organisations, users=[decided_by] if legal_basis else ())
        return stored[0], version

    def withdraw_consent(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, consent_id: str,
        on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.WITHDRAW_CONSENT, "consent_withdrawn",
            lambda h: h.withdraw_consent(
                actor=actor, on=day, consent_id=consent_id))

    def place_retention_hold(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, law: str, until: date,
        on: date | None = None,
    ) -> tuple[str, int]:
        day = self._on(on)
        hold_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.PLACE_RETENTION_HOLD, "retention_hold_placed",
            lambda h: h.place_retention_hold(
                actor=actor, on=day, hold_id=hold_id, law=law, until=until))
        return hold_id, version

    def request_erasure(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, reason: str,
        on: date | None = None,
    ) -> tuple[str, int]:
        """The privacy officer's request to erase; another person (the municipality's administrator) executes it."""
        day = self._on(on)
        request_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.REQUEST_ERASURE, "erasure_requested",
            lambda h: h.request_erasure(
                actor=actor, on=day, request_id=request_id, reason=reason))
        return request_id, version

    def erase_household(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, reason: str,
        on: date | None = None,
    ) -> int:
        """Erase in three steps: mark the erasure pending, record ``Erased``, shred the data key.

        Returns only once the key is shredded. When the key store is locked at the
        first step nothing changes (:class:`KeyStoreBusyError`); at the last step the
        erasure stays pending, no process serves the key, and a retry (which any
        ``expected_version`` may send), start-up or ``audit verify`` finishes it.
        """
        day = self._on(on)
        hid = parse_household_id(household_id)
        with recording_clock(self.clock):
            household = self._load(hid)
            if household.is_erased and self.keys.has_key(hid):  # an erasure left unfinished
                self.guard.authorise(actor, Action.ERASE_HOUSEHOLD, household, _writes(Action.ERASE_HOUSEHOLD),
                                     save_now=True)
                self.keys.shred(hid)
                log.info("household_erasure_finished", household_id=str(hid), user_id=actor.user_id)
                return household.version

        def erase(h: Household) -> None:
            h.erase(actor=actor, on=day, reason=reason, rules=self.retention_rules)
            self.keys.begin_erasure(hid)  # after the rules allowed it, before Erased is saved

        try:
            version = self._change(actor, hid, expected_version, Action.ERASE_HOUSEHOLD, "household_erased", erase)
        except errors.HouseholdError:
            try:
                self.keys.cancel_erasure(hid)  # refused or stale: nothing was saved
            except KeyStoreError:  # the pending row fails closed; start-up or audit verify drops it
                log.warning("erasure_cancel_failed", household_id=str(hid))
            raise
        self.keys.shred(hid)
        return version
