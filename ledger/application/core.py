"""The application's core: the eventsourcing wiring every room stands on.

One ``eventsourcing`` Application (its ``name`` is pinned: it names the PostgreSQL tables).
Here: the repository, the sealing mapper and transcodings, ``save`` with the snapshot taken
after it, the hooks that run after a save, the position of this thread's last write
(read-your-writes), the business date, and loading and saving one household. The access
guard (:mod:`.guard`) is composed in at construction.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

import structlog
from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper
from eventsourcing.utils import get_topic

from ledger.aggregates import Household, errors, scrub
from ledger.aggregates.codes import is_organisation_id, is_user_id
from ledger.aggregates.retention import DEFAULT_RULES, RetentionRule
from ledger.application.guard import AccessGuard
from ledger.persistence import FastRepository
from ledger.privacy import KeyStore, SealingMapper, register_transcodings
from ledger.privacy.access import AccessRecorded
from ledger.privacy.throttle import EmergencyThrottle

__all__ = ["LedgerCore", "parse_household_id"]

log = structlog.get_logger("ledger.application")


def _utc_now() -> datetime:
    return datetime.now(tz=UTC)


def _short_id() -> str:
    return uuid.uuid4().hex[:12]


def parse_household_id(value: UUID | str) -> UUID:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value).strip())
    except ValueError:
        # Never echo the input: people paste names into id fields.
        raise errors.NotFoundError("That is not a household id (expected a UUID).") from None


class LedgerCore(Application[UUID]):
    """The wiring and the helpers the rooms share; :class:`~ledger.application.CaseLedger` adds the use cases."""

    name = "Ledger"  # pinned: it names the PostgreSQL tables (ledger_events, ...); CaseLedger pins it again
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
        guard: Callable[..., AccessGuard] = AccessGuard,
        fastforward: bool = True,
    ) -> None:
        self.keys = keys
        self.municipality = municipality  # the organisation that runs this ledger (LEDGER_ORGANISATION)
        self.throttle = throttle  # bounds breaking the glass per user (None: unbounded)
        # The registers that organisation and user ids in commands must be in (bootstrap wires
        # the directory); the defaults accept any well-formed id, for tests.
        self.is_organisation = is_organisation
        self.is_user = is_user
        self.retention_rules = retention_rules
        self.clock = clock
        self.new_id = new_id
        self.new_household_id = new_household_id
        self.tz = ZoneInfo(timezone)
        self.snapshot_interval = snapshot_interval
        # False only for a store no other process writes (bulk staging's in memory): a cached
        # household is then the truth, and a load needs no query for events stored after it.
        self.fastforward = fastforward
        self.after_save: list[Callable[[], Any]] = []  # e.g. extending the hash chain
        self.on_recorded: list[Callable[[list[Any]], Any]] = []  # given each save's recordings (bulk staging)
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
        # (On the instance on purpose: the snapshot store stays, the library's own snapshotting stops.)
        self.snapshotting_intervals = {}  # type: ignore[misc]  # an instance value shadows the class variable
        self.guard = guard(save=self.save, clock=clock, today=self.today, municipality=municipality,
                           throttle=throttle, noted=self.note_position)

    # --------------------------------------------------------------- wiring
    def construct_repository(self) -> Repository[UUID]:
        cache_size = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        return FastRepository(
            self.keys,
            event_store=self.events,
            snapshot_store=self.snapshots,
            cache_maxsize=int(cache_size) if cache_size else None,
            fastforward=self.fastforward,
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
        self.guard.close()
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
        for observer in self.on_recorded:
            observer(recordings)
        for hook in self.after_save:
            try:
                hook()
            except Exception as e:  # noqa: BLE001 - the follower catches up; say so, without data
                log.warning("after_save_hook_failed", hook=getattr(hook, "__qualname__", "?"), error_type=type(e).__name__)

    def note_position(self, position: int) -> None:
        """This thread wrote up to ``position`` (a record saved for it by the guard's writer thread)."""
        self._written.position = position

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
            household: Household = self.repository.get(hid, version=version)
        except AggregateNotFoundError:
            raise errors.NotFoundError(f"No household with id {hid}.") from None
        return household

    def _save(self, household: Household, *records: AccessRecorded | None) -> int:
        """Save the household's new events and their access records in one transaction (``None``: no record)."""
        try:
            self.save(household, *records)
        except IntegrityError:
            raise errors.StaleVersionError(
                "Someone else changed this household at the same moment; reload it and try again."
            ) from None
        return household.version

    def _check_registered(self, organisations: Iterable[str | None], users: Iterable[str | None]) -> None:
        """Organisation and user ids in a command must be registered.

        Only well-formed ids are looked up; the aggregate refuses the rest with the rule on their form.
        """
        for org in organisations:
            org = org.strip() if isinstance(org, str) else org
            if org is not None and is_organisation_id(org) and not self.is_organisation(org):
                raise errors.UnregisteredOrganisationError(
                    f"The organisation {errors.shown(org)} is not in the organisation register.")
        for user_id in users:
            if user_id is not None and is_user_id(user_id) and not self.is_user(user_id):
                raise errors.UnregisteredUserError(f"The user {errors.shown(user_id)} is not in the user directory.")

    # ---------------------------------------------------------- the streams
    def _events(self, household_id: UUID | str) -> Iterator[DomainEventProtocol[UUID]]:
        hid = parse_household_id(household_id)
        events = self.events.get(hid)
        first = next(events, None)
        if first is None:
            raise errors.NotFoundError(f"No household with id {hid}.")
        yield first
        yield from events

    def _history_of(self, household: Household) -> list[DomainEventProtocol[UUID]]:
        """Every event of the household, oldest first; personal data scrubbed if the household is erased."""
        with self.keys.scope():
            events = list(self._events(household.id))
        return [_scrubbed_event(e) for e in events] if household.is_erased else events

    def _notifications_of(self, cls: type) -> Iterator[Any]:
        topic = get_topic(cls)
        start = 1
        while page := self.recorder.select_notifications(start=start, limit=500, topics=[topic]):
            yield from page
            start = page[-1].id + 1

    def _referred_ids(self) -> Iterator[UUID]:
        for n in self._notifications_of(Household.Referred):
            yield n.originator_id


def _scrubbed_event(event: DomainEventProtocol[UUID]) -> DomainEventProtocol[UUID]:
    clean = object.__new__(type(event))
    object.__setattr__(clean, "__dict__", scrub(dict(vars(event))))
    return clean
