"""Caseloads: which households each case director (and organisation) carries, by phase and month.

Two span tables, each span ``[start_on, end_on)`` in business days (``end_on`` is the
day the span passed on, exclusive; ``None`` while it lasts; a span with
``end_on == start_on`` is empty and counts nowhere):

* director spans: opened by ``CaseDirectorAssigned`` and ``CaseDirectorReplaced``
  (a replacement ends the previous director's span on its date), ended by
  ``HandedOver`` (a handover ends the director's assignment; docs/architecture.md)
  and by ``Erased``. Closure does *not* end a span: the director stays "one call
  away" during aftercare, and a reopened case carries on with the same director.
* phase spans: the household's phase over time, with the rules of
  ``Household.phase`` (:func:`ledger.aggregates.phase_of`), each
  change dated by the event's business date. One departure, for counting: a case
  closed with an aftercare date is ``aftercare`` up to and including that date and
  ``closed`` from the day after (the aggregate keeps calling it aftercare until it
  is reopened).

A household is in a director's *active caseload* on a day when a director span of
theirs and a phase span other than ``closed`` both cover that day. Business dates
may be recorded out of order (a backdated decision); a change dated before a span's
start leaves that span empty rather than reversed, so spans never overlap.

Knowledge time (issue 14): each span names the ledger ``position`` and business date
(``known_on``) of the event that opened it; every end given to a span (a span's end can move:
a reopen during aftercare, a backdated replacement) is an append-only row of
``view_caseload_span_ends``. The queries take ``known_at`` (a position) and then read a span
only if opened by then (and dated by the day asked), and as its end the latest end row known
by then and dated by that day (docs/evaluation.md).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import singledispatchmethod
from typing import Any

import sqlalchemy as sa

from ledger.aggregates import Household, business_date, phase_of

from .base import Applied, ReadModel, metadata, open_span

__all__ = [
    "Caseloads",
    "by_director",
    "by_organisation",
    "director_spans_table",
    "households_table",
    "known_spans",
    "per_month",
    "phase_spans_table",
    "span_ends_table",
]

households_table = sa.Table(
    "view_caseload_households",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("phase", sa.String(16), nullable=False),  # as Household.phase
    sa.Column("referred_on", sa.Date, nullable=False),
    sa.Column("intake_on", sa.Date),
    sa.Column("coordination_on", sa.Date),
    sa.Column("goals", sa.Integer, nullable=False),
    sa.Column("closed_on", sa.Date),
    sa.Column("aftercare_until", sa.Date),
    sa.Column("erased", sa.Boolean, nullable=False),
)

director_spans_table = sa.Table(
    "view_caseload_directors",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),  # 1, 2, ... per household
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("organisation", sa.String(200), nullable=False),
    sa.Column("start_on", sa.Date, nullable=False),
    sa.Column("end_on", sa.Date),  # exclusive; None while assigned
    sa.Column("ended_by", sa.String(16)),  # replaced, handed_over, erased
    sa.Column("position", sa.BigInteger, nullable=False),  # of the event that opened it
    sa.Column("known_on", sa.Date, nullable=False),  # that event's business date
    sa.Index("ix_view_caseload_directors_user", "user_id", "start_on"),
    sa.Index("ix_view_caseload_directors_org", "organisation", "start_on"),
)

phase_spans_table = sa.Table(
    "view_caseload_phases",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("phase", sa.String(16), nullable=False),
    sa.Column("start_on", sa.Date, nullable=False),
    sa.Column("end_on", sa.Date),  # exclusive; None while it lasts
    sa.Column("position", sa.BigInteger, nullable=False),  # of the event that opened it
    sa.Column("known_on", sa.Date, nullable=False),  # that event's business date
    sa.Index("ix_view_caseload_phases_phase", "phase", "start_on"),
)


span_ends_table = sa.Table(
    "view_caseload_span_ends",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("span", sa.String(16), primary_key=True),  # the table: director, phase
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("position", sa.BigInteger, primary_key=True),  # of the event that gave this end
    sa.Column("known_on", sa.Date, nullable=False),  # that event's business date
    sa.Column("end_on", sa.Date, nullable=False),
    sa.Column("ended_by", sa.String(16)),
)
_SPAN = {"view_caseload_directors": "director", "view_caseload_phases": "phase"}


def _end_spans(e: Any, on: Applied, table: sa.Table, household_id: str, day: date, **values: Any) -> None:
    """End every span of the household still running on or after ``day`` at ``day`` (never before its start)."""
    rows = on.batch.rows(table)
    for row in list(rows.group(household_id).values()):
        if row["end_on"] is None or row["end_on"] > day:
            end = max(row["start_on"], day)
            rows.set(row, end_on=end, **values)
            on.batch.insert(span_ends_table, {"household_id": household_id, "span": _SPAN[table.name], "seq": row["seq"],
                                              "position": on.position, "known_on": business_date(e), "end_on": end,
                                              "ended_by": values.get("ended_by")})


def _open(e: Any, on: Applied, table: sa.Table, household_id: str, day: date, **values: Any) -> None:
    open_span(on, table, household_id, day, position=on.position, known_on=business_date(e), **values)


class Caseloads(ReadModel):
    name = "caseloads"
    version = 2  # 2: spans name the positions that opened and ended them
    tables = (households_table, director_spans_table, phase_spans_table, span_ends_table)

    @singledispatchmethod
    def apply(self, event: Any, on: Applied) -> None:
        """Events that change neither the director nor the phase are skipped."""

    # ---------------------------------------------------------------- helpers
    @staticmethod
    def _change(e: Any, on: Applied, day: date, **values: Any) -> None:
        """Update the household's phase facts; on a change of phase, close the span and open the next on ``day``."""
        hid, rows = str(e.originator_id), on.batch.rows(households_table)
        row = rows.one(hid)
        if values:
            rows.set(row, **values)
        phase = phase_of(closed=row["closed_on"] is not None, aftercare_until=row["aftercare_until"],
                         goals=row["goals"], coordination=row["coordination_on"] is not None,
                         intake=row["intake_on"] is not None)
        if phase == row["phase"]:
            return
        rows.set(row, phase=phase)
        _end_spans(e, on, phase_spans_table, hid, day)
        _open(e, on, phase_spans_table, hid, day, phase=phase)
        if phase == "aftercare":  # counted as closed from the day after the aftercare date
            after = row["aftercare_until"] + timedelta(days=1)
            _end_spans(e, on, phase_spans_table, hid, after)
            _open(e, on, phase_spans_table, hid, after, phase="closed")

    # ---------------------------------------------------------------- handlers
    @apply.register
    def _(self, e: Household.Referred, on: Applied) -> None:
        hid = str(e.originator_id)
        on.batch.rows(households_table).add(
            household_id=hid, phase="referred", referred_on=e.referral.on, goals=0, erased=False)
        _open(e, on, phase_spans_table, hid, e.referral.on, phase="referred")

    @apply.register
    def _(self, e: Household.IntakeHeld, on: Applied) -> None:
        self._change(e, on, e.intake.held_on, intake_on=e.intake.held_on)

    @apply.register
    def _(self, e: Household.CoordinationDecided, on: Applied) -> None:
        self._change(e, on, e.decision.on, coordination_on=e.decision.on)

    @apply.register
    def _(self, e: Household.PlanGoalSet, on: Applied) -> None:
        row = on.batch.rows(households_table).one(str(e.originator_id))
        self._change(e, on, e.goal.set_on, goals=row["goals"] + 1)

    @apply.register
    def _(self, e: Household.Closed, on: Applied) -> None:
        self._change(e, on, e.closure.on, closed_on=e.closure.on, aftercare_until=e.closure.aftercare_until)

    @apply.register
    def _(self, e: Household.Reopened, on: Applied) -> None:
        self._change(e, on, e.on, closed_on=None, aftercare_until=None)

    @apply.register
    def _(self, e: Household.CaseDirectorAssigned, on: Applied) -> None:
        d = e.directorship
        _open(e, on, director_spans_table, str(e.originator_id), d.since,
                   user_id=d.director.user_id, organisation=d.director.organisation)

    @apply.register
    def _(self, e: Household.CaseDirectorReplaced, on: Applied) -> None:
        d, hid = e.directorship, str(e.originator_id)
        _end_spans(e, on, director_spans_table, hid, d.since, ended_by="replaced")
        _open(e, on, director_spans_table, hid, d.since,
                   user_id=d.director.user_id, organisation=d.director.organisation)

    @apply.register
    def _(self, e: Household.HandedOver, on: Applied) -> None:
        _end_spans(e, on, director_spans_table, str(e.originator_id), e.handover.on, ended_by="handed_over")

    @apply.register
    def _(self, e: Household.Erased, on: Applied) -> None:
        hid = str(e.originator_id)
        _end_spans(e, on, director_spans_table, hid, e.erasure.on, ended_by="erased")
        rows = on.batch.rows(households_table)
        row = rows.get(hid)
        if row is not None:
            rows.set(row, erased=True)


# ------------------------------------------------------------------- queries
def _covers(t: Any, day: date) -> sa.ColumnElement[bool]:
    return sa.and_(t.c.start_on <= day, sa.or_(t.c.end_on.is_(None), t.c.end_on > day))


def _overlaps(t: Any, start: date, end: date) -> sa.ColumnElement[bool]:
    """The (non-empty) span shares a day with ``[start, end)``."""
    return sa.and_(t.c.start_on < end, sa.or_(t.c.end_on.is_(None), sa.and_(t.c.end_on > start,
                                                                             t.c.end_on > t.c.start_on)))


def known_spans(t: sa.Table, on: date, known_at: int | None) -> Any:
    """The spans as known at ``known_at`` for the day ``on`` (the table itself when ``known_at`` is None)."""
    if known_at is None:
        return t
    e = span_ends_table

    def latest(column: str) -> Any:
        return (sa.select(e.c[column]).where(e.c.household_id == t.c.household_id, e.c.span == _SPAN[t.name],
                                              e.c.seq == t.c.seq, e.c.position <= known_at, e.c.known_on <= on)
                .order_by(e.c.position.desc()).limit(1).scalar_subquery().label(column))

    cols = [latest(c.name) if c.name in ("end_on", "ended_by") else c for c in t.c]
    return sa.select(*cols).where(t.c.position <= known_at, t.c.known_on <= on).subquery(t.name)


def _active_join(d: Any, p: Any) -> Any:
    return d.join(p, sa.and_(p.c.household_id == d.c.household_id, p.c.phase != "closed"))


def by_director(conn: sa.Connection, on: date, known_at: int | None = None) -> list[dict[str, Any]]:
    """Active caseloads on ``on`` (as known at ``known_at``, a position; default all recorded): per director
    (user id, organisation) and phase, how many households."""
    d, p = known_spans(director_spans_table, on, known_at), known_spans(phase_spans_table, on, known_at)
    households = sa.func.count(sa.distinct(d.c.household_id))
    q = (sa.select(d.c.user_id, d.c.organisation, p.c.phase, households.label("households"))
         .select_from(_active_join(d, p)).where(_covers(d, on), _covers(p, on))
         .group_by(d.c.user_id, d.c.organisation, p.c.phase)
         .order_by(d.c.organisation, d.c.user_id, p.c.phase))
    return [dict(r._mapping) for r in conn.execute(q)]


def by_organisation(conn: sa.Connection, on: date, known_at: int | None = None) -> list[dict[str, Any]]:
    """Active caseloads on ``on`` (as known at ``known_at``): per organisation of the case director and phase."""
    d, p = known_spans(director_spans_table, on, known_at), known_spans(phase_spans_table, on, known_at)
    households = sa.func.count(sa.distinct(d.c.household_id))
    q = (sa.select(d.c.organisation, p.c.phase, households.label("households"))
         .select_from(_active_join(d, p)).where(_covers(d, on), _covers(p, on))
         .group_by(d.c.organisation, p.c.phase).order_by(d.c.organisation, p.c.phase))
    return [dict(r._mapping) for r in conn.execute(q)]


def _months(first: date, last: date) -> list[tuple[date, date]]:
    """``[first of month, first of next month)`` for every month from ``first``'s to ``last``'s."""
    out = []
    month = first.replace(day=1)
    while month <= last:
        following = (month + timedelta(days=32)).replace(day=1)
        out.append((month, following))
        month = following
    return out


def per_month(
    conn: sa.Connection, first: date, last: date, director: str | None = None, organisation: str | None = None,
) -> list[tuple[date, int]]:
    """Caseload per calendar month, ``(first day of the month, households)``, from ``first``'s month to ``last``'s.

    A household counts in a month when on at least one day of that month it had a case
    director (``director``, a user id, and/or of ``organisation``, when given; any
    director otherwise) *and* its case was open, i.e. in a phase other than ``closed``
    (referred, intake, coordination, plan, or aftercare up to its aftercare date).
    Both must hold on the same day: a household closed in May whose director was
    assigned only in June does not count in June. Each household counts once per month
    however many directors it had in it.
    """
    d, p = director_spans_table, phase_spans_table
    out = []
    for start, end in _months(first, last):
        q = (sa.select(sa.func.count(sa.distinct(d.c.household_id))).select_from(_active_join(d, p))
             .where(_overlaps(d, start, end), _overlaps(p, start, end),
                    # the director span and the open phase span share a day (then, being intervals
                    # that each meet the month and each other, all three share one)
                    d.c.start_on < sa.func.coalesce(p.c.end_on, end),
                    p.c.start_on < sa.func.coalesce(d.c.end_on, end)))
        if director is not None:
            q = q.where(d.c.user_id == director)
        if organisation is not None:
            q = q.where(d.c.organisation == organisation)
        out.append((start, conn.execute(q).scalar_one()))
    return out
