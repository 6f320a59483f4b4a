"""The command side: one ``eventsourcing`` Application, one method per use case.

Each command loads the household, checks the version the caller expects, lets
the aggregate decide, and saves once. Personal values arrive here as plain
strings and are wrapped as :class:`Personal` at this boundary; the mapper seals
them with the household's own key before anything is written.

Reads take the acting user too: the access policy and access records (privacy
issue) hook in here, so every interface gets them without code of its own.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

import structlog
from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper
from eventsourcing.utils import get_topic

from ledger.aggregates import Actor, Household, Member, NetworkContact, StaffRef, errors, scrub
from ledger.aggregates.actions import Action
from ledger.aggregates.codes import is_organisation_id, is_user_id
from ledger.aggregates.vocabulary import DataCategory
from ledger.aggregates.clock import recording_clock
from ledger.aggregates.retention import DEFAULT_RULES, RetentionRule
from ledger.aggregates.personal import personal
from ledger.privacy import KeyStore, KeyStoreError, SealingMapper, register_transcodings
from ledger.privacy.erasure import ErasureReport, KeyCheck, check_keys, finish_erasures
from ledger.privacy.access import (
    ALL_CATEGORIES,
    COMMAND_CATEGORIES,
    IDENTITY_CHECKS,
    REQUESTERS,
    AccessDeniedError,
    REVIEW_VERDICTS,
    AccessRecorded,
    AccessRequestRecorded,
    EmergencyReviewed,
    access_record,
    refused_record,
)
from ledger.privacy.chain import ChainTailChained
from ledger.privacy.policy import Decision, decide
from ledger.privacy.throttle import EmergencyThrottle
from ledger.presenters import event_view, household_view, plain

__all__ = ["CaseLedger", "HouseholdSummary", "NewMember"]

log = structlog.get_logger("ledger.application")


@dataclass(frozen=True)
class NewMember:
    """A household member as entered at referral (plain values; sealed on save)."""

    role: str
    name: str
    bsn: str | None = None
    birth_date: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class HouseholdSummary:
    household_id: UUID
    version: int
    phase: str
    referred_on: date
    case_director: str | None
    erased: bool


def _utc_now() -> datetime:
    return datetime.now(tz=UTC)


def _short_id() -> str:
    return uuid.uuid4().hex[:12]


class CaseLedger(Application[UUID]):
    """The household ledger's use cases."""

    name = "Ledger"  # pinned: it names the PostgreSQL tables (ledger_events, ...)
    snapshotting_intervals: ClassVar = {Household: 50}

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        keys: KeyStore,
        clock: Callable[[], datetime] = _utc_now,
        new_id: Callable[[], str] = _short_id,
        new_household_id: Callable[[], UUID] = uuid.uuid4,
        timezone: str = "Europe/Amsterdam",
        snapshot_interval: int = 50,
        retention_rules: tuple[RetentionRule, ...] = DEFAULT_RULES,
        cache_size: int = 500,
        municipality: str = "municipality",
        throttle: EmergencyThrottle | None = None,
        is_organisation: Callable[[str], bool] = is_organisation_id,
        is_user: Callable[[str], bool] = is_user_id,
    ) -> None:
        self.keys = keys
        self.municipality = municipality  # the organisation that runs this ledger (LEDGER_ORGANISATION)
        self.throttle = throttle  # bounds breaking the glass per user (None: unbounded, e.g. bulk staging)
        # The registers that organisation and user ids in commands must be in (bootstrap wires
        # the directory); the defaults accept any well-formed id, for tests and the bulk stage.
        self.is_organisation = is_organisation
        self.is_user = is_user
        self.retention_rules = retention_rules
        self.clock = clock
        self.new_id = new_id
        self.new_household_id = new_household_id
        self.tz = ZoneInfo(timezone)
        self.snapshot_interval = snapshot_interval
        self.after_save: list[Callable[[], Any]] = []  # e.g. extending the hash chain
        self._written = threading.local()
        # Households last used stay in memory (LRU); each load fast-forwards the cached one
        # with the events stored after it (one query), so another process's writes are seen,
        # and hands out a copy, so a refused or failed command never alters the cache.
        env = dict(env or {})
        if cache_size > 0:  # eventsourcing reads 0 as "unbounded"; here it means no cache
            env.setdefault(self.AGGREGATE_CACHE_MAXSIZE, str(cache_size))
        super().__init__(env)
        # Snapshots are taken by save() below from the household in memory; the library
        # would rebuild it from the store (snapshot + up to 49 events) to take one.
        self.snapshotting_intervals = {}
        self._records = _GroupCommit(self.save)

    # --------------------------------------------------------------- wiring
    def construct_repository(self) -> Repository[UUID]:
        """The library's repository, projecting without its per-event protocol check.

        ``project_aggregate`` asserts ``isinstance(event, CanMutateProtocol)`` for every
        event; the protocol is ``runtime_checkable``, so each check inspects the class's
        members, and it was the largest single cost of loading a household. Our events are
        the household's own classes and always mutate.
        """
        cache_size = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        return _Repository(
            self.keys,
            event_store=self.events,
            snapshot_store=self.snapshots,
            cache_maxsize=int(cache_size) if cache_size else None,
            fastforward=True,
            deepcopy_from_cache=True,  # a command alters the copy it is given, never the cached household
        )

    def construct_mapper(self) -> Mapper[UUID]:
        return SealingMapper(
            transcoder=self.construct_transcoder(),
            keys=self.keys,
            cipher=self.factory.cipher(),
            compressor=self.factory.compressor(),
        )

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)

    def close(self) -> None:
        self._records.stop()
        super().close()

    def save(self, *objs: Any, **kwargs: Any) -> list[Any]:
        """Save, then snapshot each household whose new events reached a multiple of the interval.

        The snapshot is the saved household itself (its state equals a replay of its
        events: ``audit verify`` checks that of every snapshot).
        """
        recordings = super().save(*objs, **kwargs)
        if self.snapshots is not None and self.snapshot_interval:
            due = {r.domain_event.originator_id for r in recordings
                   if r.domain_event.originator_version % self.snapshot_interval == 0}
            snapshots = [Household.Snapshot.take(obj) for obj in objs if isinstance(obj, Household) and obj.id in due]
            if snapshots:
                self.snapshots.put(snapshots)
        return recordings

    def _notify(self, recordings: list[Any]) -> None:
        """After a save: note its position (read-your-writes), run the hooks; a failing hook never undoes it."""
        ids = [r.notification.id for r in recordings if getattr(r, "notification", None) is not None]
        if ids:
            self._written.position = max(ids)
        for hook in self.after_save:
            try:
                hook()
            except Exception as e:  # noqa: BLE001 - the follower catches up; say so, without data
                log.warning("after_save_hook_failed", hook=getattr(hook, "__qualname__", "?"), error_type=type(e).__name__)

    @property
    def last_written_position(self) -> int:
        """The ledger position of this thread's last save: what a caller waits for to read its own write."""
        return getattr(self._written, "position", 0)

    # -------------------------------------------------------------- helpers
    def today(self) -> date:
        return self.clock().astimezone(self.tz).date()

    def _on(self, on: date | None) -> date:
        today = self.today()
        if on is None:
            return today
        if on > today:
            raise errors.DateInFutureError(f"The date {on.isoformat()} lies in the future.")
        return on

    def _load(self, household_id: UUID | str, version: int | None = None) -> Household:
        hid = parse_household_id(household_id)
        try:
            return self.repository.get(hid, version=version)
        except AggregateNotFoundError:
            raise errors.NotFoundError(f"No household with id {hid}.") from None

    def _save(self, household: Household, *records: AccessRecorded) -> int:
        """Save the household's new events and their access records in one transaction."""
        try:
            self.save(household, *records)
        except IntegrityError:
            raise errors.StaleVersionError(
                "Someone else changed this household at the same moment; reload it and try again."
            ) from None
        return household.version

    def _authorise(self, *args: Any, **kwargs: Any) -> AccessRecorded:
        """:meth:`_authorised`, for callers that need the record only."""
        return self._authorised(*args, **kwargs)[0]

    def _authorised(
        self,
        actor: Actor,
        action: str,
        household: Household | None,
        categories: frozenset[Any],
        *,
        household_id: UUID | None = None,
        emergency_reason: str | None = None,
        subject_user_id: str | None = None,
        subject_organisation: str | None = None,
        needs_review: str | None = None,
        save_now: bool = False,
    ) -> tuple[AccessRecorded, Decision]:
        """Decide by the access policy and make the access record; returns both.

        A refusal's record is saved before the refusal is raised; so is a read's
        (``save_now``) before the data goes out. A command's record is returned to
        be saved with the command's events, in the same transaction.
        """
        now = self.clock()
        decision = decide(actor, action, household, categories, actor.purpose, on=self.today(),
                          emergency_reason=emergency_reason, municipality=self.municipality,
                          subject_organisation=subject_organisation)
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
            self._written.position = self._records.save(record)  # committed with other waiting records
        if not decision.allowed:
            log.info("access_denied", household_id=str(hid) if hid else None, user_id=actor.user_id, action=action)
            raise AccessDeniedError(decision.reason)
        if decision.emergency:
            log.warning("emergency_access", household_id=str(hid), user_id=actor.user_id, action=action)
        return record, decision

    def _change(
        self,
        actor: Actor,
        household_id: UUID | str,
        expected_version: int,
        action: str,
        fact: str,
        command: Callable[[Household], Any],
        *,
        needs_review: str | None = None,
        organisations: Iterable[str | None] = (),
        users: Iterable[str | None] = (),
    ) -> int:
        with recording_clock(self.clock), self.keys.scope():  # the load's key read also seals the new events
            household = self._load(household_id)
            record = self._authorise(actor, action, household, COMMAND_CATEGORIES[action], needs_review=needs_review)
            try:
                if household.version != expected_version:
                    raise errors.StaleVersionError(
                        f"The household is at version {household.version}, not {expected_version}; "
                        "reload it and try again."
                    )
                self._check_registered(organisations, users)
                command(household)
                version = self._save(household, record)
            except errors.HouseholdError as exc:
                self._record_refusal(record, exc)
                raise
        log.info(fact, household_id=str(household.id), version=version, user_id=actor.user_id)
        return version

    def _check_registered(self, organisations: Iterable[str | None], users: Iterable[str | None]) -> None:
        """Organisation and user ids in a command must be registered.

        Only well-formed ids are looked up; the aggregate refuses the rest with the rule on their form.
        """
        for org in organisations:
            org = org.strip() if isinstance(org, str) else org
            if is_organisation_id(org) and not self.is_organisation(org):
                raise errors.UnregisteredOrganisationError(
                    f"The organisation {errors.shown(org)} is not in the organisation register.")
        for user_id in users:
            if is_user_id(user_id) and not self.is_user(user_id):  # type: ignore[arg-type]
                raise errors.UnregisteredUserError(f"The user {errors.shown(user_id)} is not in the user directory.")

    def _record_refusal(self, record: AccessRecorded, exc: errors.HouseholdError, *, created: bool = True) -> None:
        """A command the policy allowed but a rule refused: nothing changed, and the attempt is on record.

        The record carries the error's code, never its message (which may echo input).
        """
        refused = refused_record(record, exc.code, household_id=record.household_id if created else None)
        self.save(refused)
        log.info("command_refused", household_id=refused.household_id, user_id=refused.user_id,
                 action=refused.action, code=exc.code)

    # ------------------------------------------------------------- commands
    def refer_household(
        self,
        actor: Actor,
        *,
        sources: list[str],
        members: list[NewMember],
        address: str | None = None,
        reason: str | None = None,
        on: date | None = None,
        addressed_to: str | None = None,
    ) -> tuple[UUID, int]:
        """Referral: a new household, addressed to an organisation's intake team (default: the municipality's)."""
        day = self._on(on)
        members_ = [
            Member(
                member_id=f"m{i}",
                role=m.role,  # type: ignore[arg-type]
                name=personal(m.name),  # type: ignore[arg-type]
                bsn=personal(m.bsn.replace(" ", "").replace(".", "") if m.bsn else None),
                birth_date=personal(m.birth_date),
                phone=personal(m.phone),
                email=personal(m.email),
            )
            for i, m in enumerate(members, start=1)
        ]
        household_id = self.new_household_id()
        with recording_clock(self.clock), self.keys.scope():
            record = self._authorise(actor, Action.REFER_HOUSEHOLD, None, COMMAND_CATEGORIES[Action.REFER_HOUSEHOLD],
                                     household_id=household_id)
            try:
                self._check_registered([addressed_to], ())
                household = Household.refer(
                    household_id=household_id, actor=actor, on=day, sources=sources, members=members_,
                    address=personal(address), reason=personal(reason),
                    addressed_to=addressed_to or self.municipality,
                )
            except errors.HouseholdError as exc:
                self._record_refusal(record, exc, created=False)  # no household came to be
                raise
            self.keys.create(household_id)
            try:
                version = self._save(household, record)
            except BaseException:
                self.keys.destroy(household_id)
                raise
        log.info("household_referred", household_id=str(household_id), version=version, user_id=actor.user_id)
        return household_id, version

    def record_intake(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, domains_discussed: list[str],
        network: list[tuple[str, str | None]] = (), agencies_involved: list[str] = (),  # type: ignore[assignment]
        summary: str | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.RECORD_INTAKE, "intake_recorded", lambda h: h.hold_intake(
            actor=actor, on=day, domains_discussed=domains_discussed,
            network=[NetworkContact(relation, personal(name)) for relation, name in network],  # type: ignore[arg-type]
            agencies_involved=list(agencies_involved), summary=personal(summary)),
            organisations=agencies_involved)

    def decide_coordination(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, outcome: str,
        rationale: str | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.DECIDE_COORDINATION, "coordination_decided", lambda h: h.decide_coordination(
            actor=actor, on=day, outcome=outcome, rationale=personal(rationale)))

    def assign_case_director(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, user_id: str, organisation: str,
        on: date | None = None,
    ) -> int:
        day = self._on(on)
        director = StaffRef(user_id, organisation)
        return self._change(actor, household_id, expected_version, Action.ASSIGN_CASE_DIRECTOR, "case_director_assigned", lambda h: h.assign_case_director(
            actor=actor, on=day, director=director), organisations=[organisation], users=[user_id])

    def set_case_director(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, user_id: str, organisation: str,
        reason: str | None = None, on: date | None = None,
    ) -> int:
        """Assign the case director, or replace the current one (the HTTP API's PUT)."""
        if self._load(household_id).case_director is None:
            return self.assign_case_director(actor, household_id, expected_version=expected_version,
                                             user_id=user_id, organisation=organisation, on=on)
        return self.replace_case_director(actor, household_id, expected_version=expected_version, user_id=user_id,
                                          organisation=organisation, reason=reason, on=on)

    def replace_case_director(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, user_id: str, organisation: str,
        reason: str | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        director = StaffRef(user_id, organisation)
        return self._change(actor, household_id, expected_version, Action.REPLACE_CASE_DIRECTOR, "case_director_replaced", lambda h: h.replace_case_director(
            actor=actor, on=day, director=director, reason=personal(reason)),
            organisations=[organisation], users=[user_id])

    def grant_consent(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, basis: str, member_id: str | None,
        organisations: list[str], data_categories: list[str], purpose: str, valid_from: date | None = None,
        valid_until: date | None = None, legal_reference: str | None = None, on: date | None = None,
        decided_by: str | None = None,
    ) -> tuple[str, int]:
        """A member's consent, or a legal basis; a legal basis names who decided it and goes to the privacy officer's review."""
        day = self._on(on)
        consent_id = self.new_id()
        legal_basis = basis != "consent"
        version = self._change(actor, household_id, expected_version, Action.GRANT_CONSENT, "consent_granted", lambda h: h.grant_consent(
            actor=actor, on=day, consent_id=consent_id, basis=basis, member_id=member_id,
            organisations=organisations, data_categories=data_categories, purpose=purpose,
            valid_from=valid_from or day, valid_until=valid_until, legal_reference=legal_reference,
            decided_by=(decided_by or actor.user_id) if legal_basis else None),
            needs_review="legal_basis" if legal_basis else None,
            organisations=organisations, users=[decided_by] if legal_basis else ())
        return consent_id, version

    def withdraw_consent(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, consent_id: str,
        on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.WITHDRAW_CONSENT, "consent_withdrawn", lambda h: h.withdraw_consent(
            actor=actor, on=day, consent_id=consent_id))

    def record_zrm_measurement(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, instrument: str, moment: str,
        scores: dict[str, int], member_id: str | None = None, on: date | None = None,
    ) -> tuple[str, int]:
        day = self._on(on)
        measurement_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.RECORD_ZRM_MEASUREMENT, "zrm_measurement_recorded", lambda h: h.measure_zrm(
            actor=actor, on=day, measurement_id=measurement_id, instrument=instrument, moment=moment,
            scores=scores, member_id=member_id))
        return measurement_id, version

    def set_plan_goal(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, life_domain: str,
        description: str, target_date: date | None = None, on: date | None = None,
    ) -> tuple[str, int]:
        day = self._on(on)
        goal_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.SET_PLAN_GOAL, "plan_goal_set", lambda h: h.set_plan_goal(
            actor=actor, on=day, goal_id=goal_id, life_domain=life_domain,
            description=personal(description), target_date=target_date))
        return goal_id, version

    def revise_plan_goal(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, goal_id: str,
        description: str | None = None, target_date: date | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.REVISE_PLAN_GOAL, "plan_goal_revised", lambda h: h.revise_plan_goal(
            actor=actor, on=day, goal_id=goal_id, description=personal(description), target_date=target_date))

    def add_plan_action(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, goal_id: str, description: str,
        performer_kind: str, organisation: str | None = None, due_on: date | None = None, on: date | None = None,
    ) -> tuple[str, int]:
        day = self._on(on)
        action_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.ADD_PLAN_ACTION, "plan_action_added", lambda h: h.add_plan_action(
            actor=actor, on=day, action_id=action_id, goal_id=goal_id, description=personal(description),
            performer_kind=performer_kind, organisation=organisation, due_on=due_on),
            organisations=[organisation])
        return action_id, version

    def complete_plan_action(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, action_id: str,
        on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.COMPLETE_PLAN_ACTION, "plan_action_completed", lambda h: h.complete_plan_action(
            actor=actor, on=day, action_id=action_id))

    def cancel_plan_action(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, action_id: str,
        reason: str | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.CANCEL_PLAN_ACTION, "plan_action_cancelled", lambda h: h.cancel_plan_action(
            actor=actor, on=day, action_id=action_id, reason=personal(reason)))

    def start_involvement(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, kind: str, organisation: str,
        discipline: str, worker_id: str | None = None, contact_name: str | None = None, on: date | None = None,
    ) -> tuple[str, int]:
        day = self._on(on)
        involvement_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.START_INVOLVEMENT, "involvement_started", lambda h: h.start_involvement(
            actor=actor, on=day, involvement_id=involvement_id, kind=kind, organisation=organisation,
            discipline=discipline, worker_id=worker_id, contact_name=personal(contact_name)),
            organisations=[organisation], users=[worker_id])
        return involvement_id, version

    def end_involvement(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, involvement_id: str,
        reason: str, on: date | None = None,
    ) -> int:
        """``reason``: an InvolvementEndReason code (goal_reached, handed_over, ...)."""
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.END_INVOLVEMENT, "involvement_ended", lambda h: h.end_involvement(
            actor=actor, on=day, involvement_id=involvement_id, reason=reason))

    def hold_evaluation(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, conclusion: str,
        final: bool = False, notes: str | None = None, on: date | None = None,
    ) -> tuple[str, int]:
        day = self._on(on)
        evaluation_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.HOLD_EVALUATION, "evaluation_held", lambda h: h.hold_evaluation(
            actor=actor, on=day, evaluation_id=evaluation_id, conclusion=conclusion, final=final,
            notes=personal(notes)))
        return evaluation_id, version

    def raise_escalation(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, level: str, reason: str,
        on: date | None = None,
    ) -> tuple[str, int]:
        day = self._on(on)
        escalation_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.RAISE_ESCALATION, "escalation_raised", lambda h: h.raise_escalation(
            actor=actor, on=day, escalation_id=escalation_id, level=level, reason=personal(reason)))
        return escalation_id, version

    def resolve_escalation(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, escalation_id: str,
        resolution: str | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.RESOLVE_ESCALATION, "escalation_resolved", lambda h: h.resolve_escalation(
            actor=actor, on=day, escalation_id=escalation_id, resolution=personal(resolution)))

    def record_cost(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, kind: str, stream: str,
        amount_eur: Decimal | str, period_start: date, period_end: date, description: str | None = None,
        on: date | None = None,
    ) -> tuple[str, int]:
        day = self._on(on)
        cost_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.RECORD_COST, "cost_recorded", lambda h: h.record_cost(
            actor=actor, on=day, cost_id=cost_id, kind=kind, stream=stream, amount_eur=amount_eur,
            period_start=period_start, period_end=period_end, description=personal(description)))
        return cost_id, version

    def hand_over(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, to_organisation: str,
        warm: bool = True, notes: str | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.HAND_OVER, "household_handed_over", lambda h: h.hand_over(
            actor=actor, on=day, to_organisation=to_organisation, warm=warm, notes=personal(notes)),
            organisations=[to_organisation])

    def record_drop_out(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, kind: str,
        reason: str | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.RECORD_DROP_OUT, "drop_out_recorded", lambda h: h.record_drop_out(
            actor=actor, on=day, kind=kind, reason=personal(reason)))

    def close_case(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, reason: str,
        aftercare_until: date | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.CLOSE_CASE, "case_closed", lambda h: h.close(
            actor=actor, on=day, reason=reason, aftercare_until=aftercare_until))

    def reopen_case(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, reason: str | None = None,
        on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.REOPEN_CASE, "case_reopened", lambda h: h.reopen(
            actor=actor, on=day, reason=personal(reason)))

    def place_retention_hold(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, law: str, until: date,
        on: date | None = None,
    ) -> tuple[str, int]:
        day = self._on(on)
        hold_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.PLACE_RETENTION_HOLD, "retention_hold_placed", lambda h: h.place_retention_hold(
            actor=actor, on=day, hold_id=hold_id, law=law, until=until))
        return hold_id, version

    def request_erasure(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, reason: str,
        on: date | None = None,
    ) -> tuple[str, int]:
        """The privacy officer's request to erase; another person (the municipality's administrator) executes it."""
        day = self._on(on)
        request_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.REQUEST_ERASURE, "erasure_requested", lambda h: h.request_erasure(
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
                self._authorise(actor, Action.ERASE_HOUSEHOLD, household, COMMAND_CATEGORIES[Action.ERASE_HOUSEHOLD],
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

    def record_user_management(self, actor: Actor, action: str, subject_user_id: str,
                               subject_organisation: str | None = None) -> None:
        """Authorise and record an add or disable of a user (kept outside household events, but audited).

        ``subject_organisation``: the organisation of the user added or disabled (an administrator
        manages their own organisation's users; the municipality's administrator every organisation's).
        """
        self._authorise(actor, action, None, frozenset(), subject_user_id=subject_user_id,
                        subject_organisation=subject_organisation, save_now=True)

    def record_directory_change(self, by: Actor, action: str, subject: str, events: Sequence[Any],
                                subject_organisation: str | None = None) -> None:
        """A directory change (``UserDirectory``): authorised, and saved with its access record in one transaction.

        Registering an organisation is the municipality's administrator's (and the local operator's);
        a user is managed by an administrator of the user's organisation or of the municipality.
        A refusal is recorded before it is raised; so is a change that loses to another
        (``IntegrityError``: the stream already has that version).
        """
        org = action == Action.ADD_ORGANISATION
        record = self._authorise(
            by, action, None, frozenset(), subject_user_id=None if org else subject,
            subject_organisation=subject if org else subject_organisation)
        try:
            self.save(*events, record)
        except IntegrityError:
            self.save(refused_record(record, "already-exists", household_id=None))
            raise

    def record_chain_tail(self, actor: Actor, first: int, last: int) -> None:
        """After the operator chained positions ``first``..``last`` (``ledger audit chain-tail``): on record."""
        record = self._authorise(actor, Action.CHAIN_TAIL, None, frozenset())
        self.save(ChainTailChained(  # type: ignore[call-arg]
            originator_id=uuid.uuid4(), originator_version=1, timestamp=self.clock(), first=first, last=last,
            by_user_id=actor.user_id), record)

    def directory_stream(self, originator_id: UUID) -> list[Any]:
        """The stored events of one directory stream (an organisation or a user), in order."""
        return list(self.events.get(originator_id))

    def review_emergency(self, actor: Actor, record_id: UUID | str, verdict: str) -> None:
        """The privacy officer's conclusion on one record under review (an emergency access, a legal basis).

        Recorded, and then off the review list. A partner's privacy officer reviews the records of
        their own organisation's staff only.
        """
        if verdict not in REVIEW_VERDICTS:
            raise errors.InvalidInputError(
                f"Unknown verdict {errors.shown(verdict)}; expected one of: {', '.join(sorted(REVIEW_VERDICTS))}.")
        access, decision = self._authorised(actor, Action.REVIEW_EMERGENCY, None, frozenset())
        try:
            first = next(iter(self.repository.event_store.get(parse_household_id(record_id))), None)
        except errors.HouseholdError:
            first = None
        if (not isinstance(first, AccessRecorded) or not (first.emergency or first.needs_review)
                or (decision.scope is not None and first.organisation != decision.scope)):
            raise errors.NotFoundError("No access record under review with that id.")
        self.save(access, EmergencyReviewed(  # type: ignore[call-arg]
            originator_id=uuid.uuid4(), originator_version=1, timestamp=self.clock(),
            record_id=str(first.originator_id), reviewer_id=actor.user_id, verdict=verdict))

    def record_access_request(
        self, actor: Actor, household_id: UUID | str, *, requester: str, identity_check: str,
        received_on: date | None = None,
    ) -> UUID:
        """The municipality's privacy officer records a data subject's access request; an export answers it.

        Returns the request id (an export names it). The record of this step carries the
        household's id, so the request shows in the household's own access log.
        """
        if requester not in REQUESTERS:
            raise errors.InvalidInputError(
                f"Unknown requester {errors.shown(requester)}; expected one of: {', '.join(sorted(REQUESTERS))}.")
        if identity_check not in IDENTITY_CHECKS:
            raise errors.InvalidInputError(
                f"Unknown identity check {errors.shown(identity_check)}; "
                f"expected one of: {', '.join(sorted(IDENTITY_CHECKS))}.")
        day = self._on(received_on)
        household = self._load(household_id)
        access = self._authorise(actor, Action.RECORD_ACCESS_REQUEST, household, frozenset())
        request = AccessRequestRecorded(  # type: ignore[call-arg]
            originator_id=uuid.uuid4(), originator_version=1, timestamp=self.clock(),
            household_id=str(household.id), requester=requester, identity_check=identity_check,
            received_on=day.isoformat(), recorded_by=actor.user_id)
        self.save(access, request)
        log.info("access_request_recorded", household_id=str(household.id), user_id=actor.user_id)
        return request.originator_id

    def _access_request(self, request_id: UUID | str, household: Household) -> AccessRequestRecorded:
        try:
            first = next(iter(self.repository.event_store.get(parse_household_id(request_id))), None)
        except errors.HouseholdError:
            first = None
        if not isinstance(first, AccessRequestRecorded) or first.household_id != str(household.id):
            raise errors.NotFoundError("No access request with that id for this household; record the request first.")
        return first

    # ---------------------------------------------------------------- reads
    def record_read(
        self, actor: Actor, action: str, household_id: UUID | str | None = None,
        categories: frozenset[Any] = frozenset(), *, emergency_reason: str | None = None,
    ) -> Decision:
        """Decide and record a read served from elsewhere (a view), before its data goes out.

        Returns the decision (its ``scope`` limits an oversight read to one organisation's staff).
        Raises :class:`AccessDeniedError` (recorded too) when the policy refuses.
        """
        household = self._load(household_id) if household_id is not None else None
        return self._authorised(actor, action, household, categories, emergency_reason=emergency_reason,
                                save_now=True)[1]

    def get_household(
        self, actor: Actor, household_id: UUID | str, *, as_of: datetime | None = None,
        emergency_reason: str | None = None,
    ) -> Household:
        """Current state, or the state as recorded at ``as_of``; access-recorded first."""
        household = self._load(household_id)
        self._authorise(actor, Action.READ_HOUSEHOLD, household, ALL_CATEGORIES,
                        emergency_reason=emergency_reason, save_now=True)
        if as_of is None:
            return household
        with self.keys.scope():
            events = list(self._events(household_id))
        past = [e for e in events if e.timestamp <= as_of]
        if not past:
            raise errors.NotFoundError(f"Household {household.id} did not exist yet then.")
        then = None
        for e in past:
            then = e.mutate(then)  # type: ignore[attr-defined]
        assert isinstance(then, Household)
        if household.is_erased:
            # Time travel never resurrects personal data of a household erased since.
            for name, value in list(vars(then).items()):
                setattr(then, name, scrub(value))
        return then

    def history(
        self, actor: Actor, household_id: UUID | str, *, emergency_reason: str | None = None
    ) -> list[DomainEventProtocol[UUID]]:
        """Every event of the household, oldest first; personal data erased if the household is."""
        household = self._load(household_id)
        self._authorise(actor, Action.READ_HISTORY, household, ALL_CATEGORIES,
                        emergency_reason=emergency_reason, save_now=True)
        return self._history_of(household)

    def list_households(self, actor: Actor) -> list[HouseholdSummary]:
        """The households this user may see, in referral order, access-recorded first.

        A scan until the caseload projection replaces it. Each household is filtered by
        the policy (composition is what a caseload line shows); oversight roles see none.
        """
        today = self.today()
        visible = [
            h for h in map(self._load, self._referred_ids())
            if decide(actor, Action.READ, h, [DataCategory.COMPOSITION], actor.purpose, on=today,
                      municipality=self.municipality).allowed
        ]
        listing = Decision(True, "Caseload list: only households this user may see.", "relationship")
        self.save(access_record(
            actor=actor, action=Action.LIST_HOUSEHOLDS, household_id=None,
            categories=frozenset({DataCategory.COMPOSITION}), decision=listing, at=self.clock(),
        ))
        return [
            HouseholdSummary(
                household_id=h.id, version=h.version, phase=h.phase, referred_on=h.referred_on,
                case_director=h.case_director.director.user_id if h.case_director else None,
                erased=h.is_erased,
            )
            for h in visible
        ]

    def access_log(
        self, actor: Actor, *, household_id: UUID | str | None = None, user_id: str | None = None,
        since: datetime | None = None, until: datetime | None = None,
    ) -> list[AccessRecorded]:
        """Access records, oldest first, filtered (NEN 7513 views: per household, user, period).

        Reading the log is itself recorded. A scan for now; the access-log projection
        (projections issue) indexes it.
        """
        hid = str(parse_household_id(household_id)) if household_id is not None else None
        scope = self.record_read(actor, Action.READ_ACCESS_LOG).scope
        records = self._access_records(household_id=hid, user_id=user_id, since=since, until=until)
        return [r for r in records if scope is None or r.organisation == scope]

    def export_household(
        self, actor: Actor, household_id: UUID | str, *, since: datetime | None = None,
        until: datetime | None = None, request_id: UUID | str | None = None,
    ) -> dict[str, Any]:
        """A data subject's access request (AVG art. 15) answered: their data and who accessed it.

        ``request_id`` names the recorded access request it answers (:meth:`record_access_request`);
        required for everyone but the local operator. The export's access record names it.
        """
        household = self._load(household_id)
        record = self._authorise(actor, Action.EXPORT_HOUSEHOLD, household, ALL_CATEGORIES)
        try:
            if request_id is None and actor.role != "operator":
                raise errors.NotFoundError("An export answers a recorded access request; name its id.")
            request = self._access_request(request_id, household) if request_id is not None else None
        except errors.HouseholdError as exc:
            self._record_refusal(record, exc)
            raise
        if request is not None:
            record = dataclasses.replace(record, authorisation=f"{record.authorisation}:{request.originator_id}")
        self._written.position = self._records.save(record)
        events = self._history_of(household)
        records = self._access_records(household_id=str(household.id), since=since, until=until)
        return {
            "household": household_view(household),
            "events": [event_view(e) for e in events],
            "accessed_by": [
                {
                    "at": r.timestamp.isoformat(), "user_id": r.user_id, "organisation": r.organisation,
                    "role": r.role, "on_behalf_of": r.on_behalf_of, "action": r.action, "purpose": r.purpose,
                    "data_categories": list(r.data_categories), "authorisation": r.authorisation,
                    "outcome": r.outcome, "emergency": r.emergency,
                    "emergency_reason": plain(r.emergency_reason),
                }
                for r in records
            ],
            "period": {"since": since.isoformat() if since else None, "until": until.isoformat() if until else None},
        }

    def _history_of(self, household: Household) -> list[DomainEventProtocol[UUID]]:
        with self.keys.scope():
            events = list(self._events(household.id))
        return [_scrubbed_event(e) for e in events] if household.is_erased else events

    def _access_records(
        self, *, household_id: str | None = None, user_id: str | None = None,
        since: datetime | None = None, until: datetime | None = None,
    ) -> list[AccessRecorded]:
        topic = get_topic(AccessRecorded)
        out: list[AccessRecorded] = []
        start = 1
        while page := self.recorder.select_notifications(start=start, limit=1000, topics=[topic]):
            with self.keys.scope():  # a page's records of one household share its key read
                decoded = [self.mapper.to_domain_event(n) for n in page]
            for r in decoded:
                if household_id is not None and r.household_id != household_id:
                    continue
                if user_id is not None and r.user_id != user_id:
                    continue
                if (since is not None and r.timestamp < since) or (until is not None and r.timestamp > until):
                    continue
                out.append(r)  # type: ignore[arg-type]
            start = page[-1].id + 1
        return out

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
        replayed, events = None, iter(self.events.get(household_id)) if stored else iter(())
        for row in stored:  # oldest first, like the events
            while replayed is None or replayed.version < row.originator_version:
                event = next(events, None)
                if event is None:
                    break  # the snapshot claims a version the events never reached
                replayed = event.mutate(replayed)  # type: ignore[attr-defined]
            try:
                snapshot = self.mapper.to_domain_event(row)
                matches = snapshot.mutate(None) == replayed  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - an undecodable or altered snapshot is a bad one
                matches = False
            if not matches:
                yield household_id, row.originator_version

    def finish_erasures(self) -> ErasureReport:
        """Shred the key of every erasure left pending after its ``Erased`` was saved (start-up runs this)."""
        return finish_erasures(self.keys, self._is_erased_in_store)

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

    def _notifications_of(self, cls: type) -> Iterator[Any]:
        topic = get_topic(cls)
        start = 1
        while page := self.recorder.select_notifications(start=start, limit=500, topics=[topic]):
            yield from page
            start = page[-1].id + 1

    def _events(self, household_id: UUID | str) -> Iterator[DomainEventProtocol[UUID]]:
        hid = parse_household_id(household_id)
        events = self.events.get(hid)
        first = next(events, None)
        if first is None:
            raise errors.NotFoundError(f"No household with id {hid}.")
        yield first
        yield from events

    def _referred_ids(self) -> Iterator[UUID]:
        for n in self._notifications_of(Household.Referred):
            yield n.originator_id  # type: ignore[misc]


class _GroupCommit:
    """Group commit for the access records of reads (and refusals), saved on their own.

    Each caller hands its record to one writer thread and waits until it is committed,
    so a read's record is still durable before its data goes out. The writer saves all
    records that queued up while it was busy as one ``save(*records)``: one transaction,
    one table lock and one set of chain links per batch, instead of one each, in turn,
    for every concurrent read (``bench http``: the lock wait was most of an audited
    read's time at 20 clients). If that save fails, every read of the batch fails.
    A command's record is not handed here: it is saved with the command's events.
    """

    MAX_BATCH = 200

    def __init__(self, save: Callable[..., list[Any]]) -> None:
        self._save = save
        self._queue: queue.SimpleQueue[tuple[Any, Future[int]] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def save(self, record: Any) -> int:
        """Save ``record`` with whatever else is waiting; return the batch's last notification id."""
        done: Future[int] = Future()
        with self._lock:
            if self._stopped:
                raise RuntimeError("The ledger is closed.")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="ledger-record-writer", daemon=True)
                self._thread.start()
            self._queue.put((record, done))
        return done.result()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            while len(batch) < self.MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)  # stop after this batch
                    break
                batch.append(item)
            try:
                recordings = self._save(*(record for record, _ in batch))
            except BaseException as exc:  # noqa: BLE001 - each waiting read fails closed, with the cause
                for _, done in batch:
                    done.set_exception(exc)
                continue
            position = max((r.notification.id for r in recordings if getattr(r, "notification", None)), default=0)
            for _, done in batch:
                done.set_result(position)


def _project(aggregate: Any, events: Iterable[Any]) -> Any:
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class _Repository(Repository[UUID]):
    """:class:`Repository` whose default projector is :func:`_project`; a load is one key scope."""

    def __init__(self, keys: KeyStore, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.keys = keys

    def get(self, aggregate_id: UUID, *, projector_func: Any = _project, **kwargs: Any) -> Any:  # type: ignore[override]
        with self.keys.scope():  # the household's key is read once per load, never kept after it
            return super().get(aggregate_id, projector_func=projector_func, **kwargs)


def parse_household_id(value: UUID | str) -> UUID:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value).strip())
    except ValueError:
        # Never echo the input: people paste names into id fields.
        raise errors.NotFoundError("That is not a household id (expected a UUID).") from None


def _scrubbed_event(event: DomainEventProtocol[UUID]) -> DomainEventProtocol[UUID]:
    clean = object.__new__(type(event))
    object.__setattr__(clean, "__dict__", scrub(dict(vars(event))))
    return clean
