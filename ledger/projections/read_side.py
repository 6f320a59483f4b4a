"""The views as the interfaces use them: each read decided by the access policy and recorded first.

Every method takes the acting user, asks the application to decide and record the
read (``CaseLedger.record_read``: the same policy and the same NEN 7513 records as a
read of the household itself), and only then queries the view. ``min_position``
gives read-your-writes: pass the position your own write returned and the read waits
(briefly) until the views have applied it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from ledger.aggregates import Actor, errors
from ledger.aggregates.actions import Action
from ledger.aggregates.vocabulary import DataCategory as C

from . import Followed, access_log, as_of, caseloads, current_plan, household_list, involvement
from .plan_words import Names, in_words
from .household_as_of import household_views
from .knowledge import KnownAt, known_at_of
from .runner import Runner

_CATEGORIES = tuple(c.value for c in C)

__all__ = ["ReadSide", "ViewsBehindError"]

PLAN_CATEGORIES = frozenset({C.PLAN, C.ZRM, C.INVOLVEMENT})
INVOLVEMENT_CATEGORIES = frozenset({C.INVOLVEMENT})


def _times(folded: Any) -> dict[str, Any]:
    """Both times of an as-of answer: the business date, and the ledger position with its recording moment."""
    return {"as_of": folded.as_of, "known_at": {"position": folded.known_at.position, "at": folded.known_at.at}}


class ViewsBehindError(TimeoutError):
    """The views did not reach the asked position in time (the ledger itself is fine)."""


class ReadSide:
    def __init__(self, runner: Runner, wait_seconds: float = 5.0, names: Names | None = None) -> None:
        self.runner = runner
        self.app = runner.app
        self.wait_seconds = wait_seconds
        # organisation and worker names for the plan in words (the composition root wires the directory)
        self.names = names or Names()

    @classmethod
    def as_of(cls, ledger: Followed, at: datetime) -> ReadSide:
        """Every view as it stood at ``at``, replayed from the ledger into a private in-memory database.

        The whole-ledger reference (and what caseloads and the access log use as of a moment); one
        household's plan or involved parties as of a date come from :meth:`plan_as_of` and
        :meth:`involved_as_of`, which fold only that household's events.
        """
        return cls(as_of(ledger, at))

    def _ready(self, min_position: int, view: str | None = None) -> None:
        if min_position > self.runner.head():
            raise errors.InvalidInputError(
                f"Position {min_position} is beyond the ledger's last position; pass the position of a write.")
        if min_position and not self.runner.wait_for(min_position, timeout=self.wait_seconds,
                                                     views=None if view is None else [view]):
            raise ViewsBehindError(f"The views have not reached position {min_position} yet; try again shortly.")

    def _held(self, view: str, query: Callable[[Connection], dict[str, Any] | None]) -> dict[str, Any]:
        """Query a view for a household the ledger holds (the policy decision just loaded it).

        A view that does not hold it yet is behind, not missing: a reader who did not write has no
        position to pass, so the read waits (briefly) for the view to reach the ledger's head and asks
        again; still behind, :class:`ViewsBehindError` (503 with Retry-After), never a 404.
        """
        with self.runner.engine.connect() as conn:
            data = query(conn)
        if data is not None:
            return data
        head = self.runner.head()
        if self.runner.wait_for(head, timeout=self.wait_seconds, views=[view]):
            with self.runner.engine.connect() as conn:
                data = query(conn)
            if data is not None:
                return data
        raise ViewsBehindError(f"The views have not reached this household yet (ledger position {head}); try again shortly.")

    def plan(self, actor: Actor, household_id: UUID | str, *, today: date | None = None,
             min_position: int = 0, emergency_reason: str | None = None) -> dict[str, Any]:
        """The household's current plan (phase, director, goals, actions with late flags, ZRM change), in words.

        The view's rows with the goals' and actions' texts, who acts and the director's name joined on
        (:mod:`.plan_words`) after the read is decided and recorded.
        """
        self.app.record_read(actor, Action.READ_PLAN, household_id, PLAN_CATEGORIES, emergency_reason=emergency_reason)
        self._ready(min_position, current_plan.CurrentPlan.name)
        day = today or self.app.today()
        data = self._held(current_plan.CurrentPlan.name, lambda conn: current_plan.plan(conn, str(household_id), day))
        # in the household's own words: texts from the sealed ledger, names from the registers (never stored)
        return in_words(data, self.app.household_in_words(household_id), self.names)

    def involved(self, actor: Actor, household_id: UUID | str, *, on: date | None = None,
                 min_position: int = 0, emergency_reason: str | None = None) -> dict[str, Any]:
        """Who else works with this household, now and before (``on``: who was active that day)."""
        self.app.record_read(actor, Action.READ_INVOLVEMENT, household_id, INVOLVEMENT_CATEGORIES,
                             emergency_reason=emergency_reason)
        self._ready(min_position, involvement.WhoIsInvolved.name)
        return self._held(involvement.WhoIsInvolved.name, lambda conn: involvement.involved(conn, str(household_id), on))

    def plan_as_of(self, actor: Actor, household_id: UUID | str, *, as_of: date | None = None,
                   known_at: int | datetime | None = None, emergency_reason: str | None = None) -> dict[str, Any]:
        """The plan at business date ``as_of`` (default today) as known at ``known_at`` (default the head).

        Decided and recorded first; then only this household's events are folded into private
        views (:mod:`.household_as_of`), so the cost does not grow with the ledger. Late flags are
        as of ``as_of``. The answer names both times (``as_of``, ``known_at``: position and moment).
        Not yet referred by then: :class:`NotFoundError` naming the time that excluded it.
        """
        self.app.record_read(actor, Action.READ_PLAN, household_id, PLAN_CATEGORIES, emergency_reason=emergency_reason)
        folded = self.app.blind_household_as_of(household_id, as_of=as_of, known_at=known_at)
        hid = str(folded.household.id)
        with household_views(hid, folded.events) as conn:
            data = current_plan.plan(conn, hid, folded.as_of)
        assert data is not None  # the fold holds its referral
        then = self.app.household_in_words(hid, as_of=folded.as_of, known_at=folded.known_at.position)
        return {**in_words(data, then, self.names), **_times(folded)}

    def involved_as_of(self, actor: Actor, household_id: UUID | str, *, as_of: date | None = None,
                       known_at: int | datetime | None = None, emergency_reason: str | None = None) -> dict[str, Any]:
        """Who was involved on ``as_of`` (default today) as known at ``known_at`` (default the head); see :meth:`plan_as_of`."""
        self.app.record_read(actor, Action.READ_INVOLVEMENT, household_id, INVOLVEMENT_CATEGORIES,
                             emergency_reason=emergency_reason)
        folded = self.app.blind_household_as_of(household_id, as_of=as_of, known_at=known_at)
        hid = str(folded.household.id)
        with household_views(hid, folded.events) as conn:
            data = involvement.involved(conn, hid, folded.as_of)
        assert data is not None
        return {**data, **_times(folded)}

    def caseloads(self, actor: Actor, *, on: date | None = None, by: str = "director",
                  min_position: int = 0, known_at: int | datetime | None = None) -> list[Any]:
        """Active households by phase, per case director or per organisation, on a day (business time), as
        known at ``known_at`` (a position or a moment; default everything recorded)."""
        return self.caseloads_known(actor, on=on, by=by, min_position=min_position, known_at=known_at)[0]

    def caseloads_known(self, actor: Actor, *, on: date | None = None, by: str = "director", min_position: int = 0,
                        known_at: int | datetime | None = None) -> tuple[list[Any], KnownAt]:
        """:meth:`caseloads` and the knowledge time it answers at (position and recording time)."""
        self.app.record_read(actor, Action.READ_CASELOADS)
        head = self.runner.head()
        with self.runner.engine.connect() as conn:
            knew = known_at_of(conn, known_at, head)
        # as known now: as fresh as the view is (read-your-writes via min_position); as known then: that far
        self._ready(min_position if known_at is None else max(min_position, knew.position), caseloads.Caseloads.name)
        day = on or self.app.today()
        position = None if known_at is None else knew.position
        with self.runner.engine.connect() as conn:
            if by == "organisation":
                return list(caseloads.by_organisation(conn, day, position)), knew
            return list(caseloads.by_director(conn, day, position)), knew

    def households(self, actor: Actor, *, after: int = 0, limit: int = 100, phase: str | None = None,
                   min_position: int = 0) -> list[dict[str, Any]]:
        """The caseload list: the next ``limit`` households this user may see after the keyset ``after``.

        Filtered by the access policy in the query (:mod:`.household_list`), in referral order.
        Recorded first (one ``list_households`` record); then it waits until the view holds the
        ledger as it was when asked (and ``min_position``), so a consent withdrawn or a director
        replaced a moment ago already counts.
        """
        if phase is not None and phase not in household_list.PHASES:
            raise errors.InvalidInputError(
                f"Unknown phase {errors.shown(phase)}; known: {', '.join(household_list.PHASES)}.")
        head = self.runner.head()
        if min_position > head:
            self._ready(min_position)  # refused before anything is recorded
        self.app.record_list(actor)
        self._ready(max(min_position, head), household_list.HouseholdList.name)
        with self.runner.engine.connect() as conn:
            return household_list.page(
                conn, user_id=actor.user_id, organisation=actor.organisation, role=actor.role,
                purpose=actor.purpose, today=self.app.today(), municipality=self.app.municipality,
                after=after, limit=limit, phase=phase)

    def access_records(self, actor: Actor, *, household_id: str | None = None, user_id: str | None = None,
                       day: date | None = None, category: str | None = None, emergency: bool | None = None,
                       since: datetime | None = None, until: datetime | None = None, after: int = 0,
                       limit: int = 1000) -> list[dict[str, Any]]:
        """The NEN 7513 views (per household, user, day, record; emergencies), for the privacy officer.

        Complete up to the moment of asking: it waits until the view holds every record written before.
        A ``category`` that is no data category is refused (it could match no record).
        """
        if category is not None and category not in _CATEGORIES:
            raise errors.InvalidInputError(
                f"Unknown data category {errors.shown(category)}; known: {', '.join(_CATEGORIES)}.")
        head = self.runner.head()
        scope = self.app.record_read(actor, Action.READ_ACCESS_LOG).scope  # a partner's officer: own staff only
        self._ready(head, access_log.AccessLog.name)
        with self.runner.engine.connect() as conn:
            return access_log.records(conn, household_id=household_id, user_id=user_id, day=day,
                                      category=category, emergency=emergency, since=since, until=until,
                                      after=after, limit=limit, organisation=scope)

    def emergencies_awaiting_review(self, actor: Actor, *, after: int = 0,
                                    limit: int = 1000) -> tuple[list[dict[str, Any]], bool]:
        """Records awaiting the privacy officer's review (break-the-glass accesses, legal bases), up to the moment of asking.

        The next ``limit`` after the position ``after`` (keyset), oldest first. Each with its stated
        reason (unsealed from the ledger, the showing recorded first: only this page's reasons), the
        categories disclosed and withheld and the household's relations then (issue 16, item 3).
        Returns the page and whether more follow (one row beyond the page is read, not shown).
        """
        head = self.runner.head()
        scope = self.app.record_read(actor, Action.READ_ACCESS_LOG).scope
        self._ready(head, access_log.AccessLog.name)
        with self.runner.engine.connect() as conn:
            rows = access_log.awaiting_review(conn, organisation=scope, after=after, limit=limit + 1)
        return _named(self.app.stated_reasons(actor, rows[:limit]), self.names.fresh()), len(rows) > limit

    def access_record(self, actor: Actor, record_id: str) -> dict[str, Any]:
        """One access record for the privacy officer's review (:meth:`CaseLedger.access_record`), the view complete."""
        head = self.runner.head()

        def find(rid: str, organisation: str | None) -> dict[str, Any] | None:
            self._ready(head, access_log.AccessLog.name)
            with self.runner.engine.connect() as conn:
                return access_log.record(conn, rid, organisation)
        return _named([self.app.access_record(actor, record_id, find)], self.names.fresh())[0]


def _named(rows: list[dict[str, Any]], names: Names) -> list[dict[str, Any]]:
    """Review rows with the names a privacy officer judges by: the reader's, and those in the relations then.

    Staff display names from the user directory and organisation names from the register, joined
    after the review's access records are saved; nothing joined is written anywhere (``None`` for an
    id the directory or register does not know).
    """
    for row in rows:
        row["user_name"] = names.of_user(row.get("user_id"))
        row["organisation_name"] = names.of_organisation(row.get("organisation"))
        rel = row.get("relations")
        if not rel:
            continue
        director = rel.get("case_director")
        if director:
            director["name"] = names.of_user(director["user_id"])
            director["organisation_name"] = names.of_organisation(director["organisation"])
        rel["responsible_organisation_name"] = names.of_organisation(rel.get("responsible_organisation"))
        for inv in rel.get("involvements") or []:
            inv["organisation_name"] = names.of_organisation(inv["organisation"])
            inv["worker_name"] = names.of_user(inv.get("worker_id"))
    return rows
