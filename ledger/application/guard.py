"""The access guard: decide by the policy, record the access, refuse.

Every use case asks the guard before it touches a household's data. The guard decides by
:func:`ledger.privacy.policy.decide`, bounds breaking the glass (:class:`EmergencyThrottle`),
and makes the NEN 7513 access record. A read's record, and a refusal's, is saved through the
group commit (:class:`ledger.persistence.GroupCommit`) before the data goes out or the refusal
is raised (fail closed); a command's record is handed back to be saved with the command's
events, in one transaction.

It is a collaborator, not a base class: the application is given one at construction.
:class:`PassThroughGuard` is the guard of bulk import's staging ledger, which replays a file in
memory through the live command code while the import itself decides and records once per
household.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

import structlog

from ledger.aggregates import Actor, Household, errors
from ledger.aggregates.actions import Action
from ledger.persistence import GroupCommit
from ledger.privacy.access import AccessDeniedError, AccessRecorded, access_record, refused_record
from ledger.privacy.policy import Decision, Disclosure, decide, disclosure, may_see_state
from ledger.privacy.throttle import EmergencyThrottle

__all__ = ["AccessGuard", "PassThroughGuard"]

log = structlog.get_logger("ledger.application")


class AccessGuard:
    """Decides, records and refuses; reads' and refusals' records go through one writer thread."""

    def __init__(self, *, save: Callable[..., list[Any]], clock: Callable[[], datetime], today: Callable[[], date],
                 municipality: str, throttle: EmergencyThrottle | None, noted: Callable[[int], None]) -> None:
        self._save = save  # the application's save: one transaction
        self.clock = clock
        self.today = today
        self.municipality = municipality
        self.throttle = throttle
        self._noted = noted  # tells the application this thread's write position
        self._records = GroupCommit(save)

    def close(self) -> None:
        self._records.stop()

    def authorise(self, actor: Actor, action: Action, household: Household | None, categories: frozenset[Any],
                  **kwargs: Any) -> AccessRecorded | None:
        """A command's access record, to save with its events (``None``: nothing to record)."""
        return self.authorised(actor, action, household, categories, **kwargs)[0]

    def authorised(
        self,
        actor: Actor,
        action: Action,
        household: Household | None,
        categories: frozenset[Any],
        *,
        household_id: UUID | None = None,
        emergency_reason: str | None = None,
        subject_user_id: str | None = None,
        subject_organisation: str | None = None,
        needs_review: str | None = None,
        save_now: bool = False,
        involvement_id: str | None = None,
        plan_action_id: str | None = None,
    ) -> tuple[AccessRecorded, Decision]:
        """Decide by the access policy and make the access record; returns both.

        A refusal's record is saved before the refusal is raised; so is a read's
        (``save_now``) before the data goes out. A command's record is returned to
        be saved with the command's events, in the same transaction.
        """
        now = self.clock()
        decision = decide(actor, action, household, categories, actor.purpose, on=self.today(),
                          emergency_reason=emergency_reason, municipality=self.municipality,
                          subject_organisation=subject_organisation, involvement_id=involvement_id,
                          plan_action_id=plan_action_id)
        hid = household.id if household is not None else household_id
        reason = None
        if decision.emergency and self.throttle is not None:
            admission = self.throttle.admit(actor.user_id, now)
            if not admission.admitted:
                decision = Decision(False, f"You have broken the glass {self.throttle.limit} times within "
                                    "24 hours; ask the privacy officer before doing so again.")
            elif admission.burst:
                needs_review = "emergency_burst"
                reason = (f"{decision.reason} Emergency access {admission.in_window} of this user "
                          "within 24 hours (a burst).")
                log.warning("emergency_access_burst", user_id=actor.user_id, count=admission.in_window)
        sealable = household is not None and not household.is_erased
        record = access_record(
            actor=actor, action=action, household_id=hid, categories=categories, decision=decision,
            at=now, emergency_reason=emergency_reason if sealable else None,
            subject_user_id=subject_user_id, subject_organisation=subject_organisation,
            needs_review=needs_review if decision.allowed else None, reason=reason,
        )
        if not decision.allowed or save_now:
            self.record_now(record)
        if not decision.allowed:
            log.info("access_denied", household_id=str(hid) if hid else None, user_id=actor.user_id, action=action)
            raise AccessDeniedError(decision.reason)
        if decision.emergency:
            log.warning("emergency_access", household_id=str(hid), user_id=actor.user_id, action=action)
        return record, decision

    def disclose(self, actor: Actor, action: Action, household: Household, categories: frozenset[Any], *,
                 emergency_reason: str | None = None) -> Disclosure:
        """A read decided category by category (:func:`ledger.privacy.policy.disclosure`), recorded before it goes out.

        The record's ``data_categories`` are those disclosed, ``withheld_categories`` the others with
        their reasons (a refusal's: the categories asked, as for any refusal). Breaking the glass is
        throttled as in :meth:`authorised`. Raises :class:`AccessDeniedError` (recorded) when refused whole.
        """
        now = self.clock()
        shown = disclosure(actor, action, household, categories, actor.purpose, on=self.today(),
                           emergency_reason=emergency_reason, municipality=self.municipality)
        decision, needs_review, reason = shown.decision, None, None
        if decision.emergency and self.throttle is not None:
            admission = self.throttle.admit(actor.user_id, now)
            if not admission.admitted:
                decision = Decision(False, f"You have broken the glass {self.throttle.limit} times within "
                                    "24 hours; ask the privacy officer before doing so again.")
                shown = Disclosure(decision, frozenset(), {})
            elif admission.burst:
                needs_review = "emergency_burst"
                reason = (f"{decision.reason} Emergency access {admission.in_window} of this user "
                          "within 24 hours (a burst).")
                log.warning("emergency_access_burst", user_id=actor.user_id, count=admission.in_window)
        record = access_record(
            actor=actor, action=action, household_id=household.id,
            categories=shown.disclosed if decision.allowed else frozenset(categories), decision=decision, at=now,
            emergency_reason=emergency_reason if decision.emergency and not household.is_erased else None,
            needs_review=needs_review, reason=reason, withheld=shown.withheld,
        )
        self.record_now(record)
        if not decision.allowed:
            log.info("access_denied", household_id=str(household.id), user_id=actor.user_id, action=action)
            raise AccessDeniedError(decision.reason)
        if decision.emergency:
            log.warning("emergency_access", household_id=str(household.id), user_id=actor.user_id, action=action)
        return shown

    def consider(self, actor: Actor, action: Action, household: Household,
                 categories: frozenset[Any]) -> tuple[AccessRecorded, Decision]:
        """Decide and make the record, but neither save it nor raise: the caller saves it with its own write.

        A referral that finds a known household asks this (no breaking the glass, never an emergency):
        allowed, it adds the referral there; denied, the record goes with the new household's events,
        so the known household's log shows the attempt and the referrer learns nothing.
        """
        decision = decide(actor, action, household, categories, actor.purpose, on=self.today(),
                          municipality=self.municipality)
        record = access_record(actor=actor, action=action, household_id=household.id, categories=categories,
                               decision=decision, at=self.clock())
        return record, decision

    def sees_state(self, actor: Actor, household: Household) -> bool:
        """Whether a refusal may tell ``actor`` about the household's state (:func:`~ledger.privacy.policy.may_see_state`)."""
        return may_see_state(actor, household, on=self.today(), municipality=self.municipality)

    def record_now(self, record: AccessRecorded) -> None:
        """Save ``record`` on its own, committed with other waiting records, before the caller goes on."""
        self._noted(self._records.save(record))

    def refused(self, record: AccessRecorded | None, exc: errors.HouseholdError, *, created: bool = True) -> None:
        """A command the policy allowed but a rule refused: nothing changed, and the attempt is on record.

        The record carries the error's code, never its message (which may echo input).
        """
        if record is None:
            return
        refused = refused_record(record, exc.code, household_id=record.household_id if created else None)
        self._save(refused)
        log.info("command_refused", household_id=refused.household_id, user_id=refused.user_id,
                 action=refused.action, code=exc.code)


class PassThroughGuard(AccessGuard):
    """Allows every command and records nothing: the guard of bulk import's in-memory staging ledger.

    The import decides once per household, as the operator, and saves that record with the
    household's events (:func:`ledger.bulk._import_record`); the steps it replays in staging
    are held to the live command code, not asked again. It serves no reads.
    """

    def authorise(self, actor: Actor, action: Action, household: Household | None, categories: frozenset[Any],
                  **kwargs: Any) -> AccessRecorded | None:
        return None

    def authorised(self, *args: Any, **kwargs: Any) -> tuple[AccessRecorded, Decision]:
        raise AccessDeniedError("The import's staging ledger serves commands only.")

    def record_now(self, record: AccessRecorded) -> None:
        raise AccessDeniedError("The import's staging ledger records nothing.")

    def refused(self, record: AccessRecorded | None, exc: errors.HouseholdError, *, created: bool = True) -> None:
        return None
