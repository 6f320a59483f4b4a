"""Who is involved: per household the organisations, professionals and volunteers, now and before.

One row per involvement (kind, organisation, discipline, the worker's user id when
one is named, start and end, and the end reason when the event records one), and
the household's case-director spans (as in :mod:`ledger.projections.caseloads`:
a replacement, a handover or the erasure ends a span; closure does not).
Contact names are personal data and never reach a view.

Days are half-open: an involvement that ended on a day is no longer current on
that day. An involvement stays current until it is ended, also on a closed case
(the aggregate does the same); :func:`involved` and :func:`households_of` report
the household's ``closed_on`` so a caller can tell.
"""

from __future__ import annotations

from datetime import date
from functools import singledispatchmethod
from typing import Any

import sqlalchemy as sa

from ledger.aggregates import Household

from .base import Applied, ReadModel, code_of, metadata, open_span, update_row

__all__ = [
    "WhoIsInvolved",
    "directors_table",
    "households_of",
    "households_table",
    "involved",
    "involvements_table",
]

households_table = sa.Table(
    "view_involved_households",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("referred_on", sa.Date, nullable=False),
    sa.Column("closed_on", sa.Date),
    sa.Column("erased", sa.Boolean, nullable=False),
)

involvements_table = sa.Table(
    "view_involvements",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("involvement_id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # professional, volunteer
    sa.Column("organisation", sa.String(200), nullable=False),
    sa.Column("discipline", sa.String(200), nullable=False),
    sa.Column("worker_id", sa.String(128)),
    sa.Column("started_on", sa.Date, nullable=False),
    sa.Column("ended_on", sa.Date),
    sa.Column("end_reason", sa.String(32)),  # a code, from InvolvementEnded version 2 on
    sa.Index("ix_view_involvements_org", "organisation", "ended_on"),
    sa.Index("ix_view_involvements_worker", "worker_id", "ended_on"),
)

directors_table = sa.Table(
    "view_involved_directors",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("organisation", sa.String(200), nullable=False),
    sa.Column("start_on", sa.Date, nullable=False),
    sa.Column("end_on", sa.Date),  # exclusive; None while assigned
    sa.Column("ended_by", sa.String(16)),  # replaced, handed_over, erased
    sa.Index("ix_view_involved_directors_user", "user_id", "end_on"),
    sa.Index("ix_view_involved_directors_org", "organisation", "end_on"),
)


def _end_director(on: Applied, household_id: str, day: date, ended_by: str) -> None:
    rows = on.batch.rows(directors_table)
    for row in list(rows.group(household_id).values()):
        if row["end_on"] is None:
            rows.set(row, end_on=max(row["start_on"], day), ended_by=ended_by)


def _open_director(on: Applied, e: Any) -> None:
    d = e.directorship
    open_span(on, directors_table, str(e.originator_id), d.since, user_id=d.director.user_id,
              organisation=d.director.organisation)


class WhoIsInvolved(ReadModel):
    name = "involvement"
    version = 1
    tables = (households_table, involvements_table, directors_table)

    @singledispatchmethod
    def apply(self, event: Any, on: Applied) -> None:
        """Events that change no involvement are skipped."""

    @apply.register
    def _(self, e: Household.Referred, on: Applied) -> None:
        on.batch.rows(households_table).add(household_id=str(e.originator_id), referred_on=e.referral.on,
                                            erased=False)

    @apply.register
    def _(self, e: Household.InvolvementStarted, on: Applied) -> None:
        i = e.involvement
        on.batch.rows(involvements_table).add(
            household_id=str(e.originator_id), involvement_id=i.involvement_id, kind=code_of(i.kind),
            organisation=i.organisation, discipline=i.discipline, worker_id=i.worker_id, started_on=i.started_on,
            ended_on=i.ended_on, end_reason=code_of(getattr(i, "end_reason", None)),
        )

    @apply.register
    def _(self, e: Household.InvolvementEnded, on: Applied) -> None:
        update_row(involvements_table, on, (str(e.originator_id), e.involvement_id),
             ended_on=e.on, end_reason=code_of(getattr(e, "reason", None)))

    @apply.register
    def _(self, e: Household.CaseDirectorAssigned, on: Applied) -> None:
        _open_director(on, e)

    @apply.register
    def _(self, e: Household.CaseDirectorReplaced, on: Applied) -> None:
        _end_director(on, str(e.originator_id), e.directorship.since, "replaced")
        _open_director(on, e)

    @apply.register
    def _(self, e: Household.HandedOver, on: Applied) -> None:
        _end_director(on, str(e.originator_id), e.handover.on, "handed_over")

    @apply.register
    def _(self, e: Household.Closed, on: Applied) -> None:
        update_row(households_table, on, (str(e.originator_id),), closed_on=e.closure.on)

    @apply.register
    def _(self, e: Household.Reopened, on: Applied) -> None:
        update_row(households_table, on, (str(e.originator_id),), closed_on=None)

    @apply.register
    def _(self, e: Household.Erased, on: Applied) -> None:
        hid = str(e.originator_id)
        _end_director(on, hid, e.erasure.on, "erased")
        update_row(households_table, on, (hid,), erased=True)


# ------------------------------------------------------------------- queries
def _current_clause(started: sa.Column[Any], ended: sa.Column[Any], on: date | None) -> sa.ColumnElement[bool]:
    if on is None:
        return ended.is_(None)
    return sa.and_(started <= on, sa.or_(ended.is_(None), ended > on))


def involved(conn: sa.Connection, household_id: str, on: date | None = None) -> dict[str, Any] | None:
    """Who is involved with the household: ``{"current": [...], "previous": [...]}``, plus its status.

    Entries are dicts with ``kind`` (``professional``, ``volunteer`` or ``case_director``),
    ``involvement_id`` (``None`` for a case director), ``organisation``, ``discipline``,
    ``worker_id`` (the director's or worker's user id, when named), ``started_on``,
    ``ended_on`` and ``end_reason``. Without ``on``: current = not ended. With ``on``:
    current = started on or before ``on`` and not ended by then; previous = ended on or
    before ``on``; what started later is left out. Empty case-director spans (assigned
    and replaced on one day) are left out. ``None`` for an unknown household.
    """
    h = households_table
    row = conn.execute(sa.select(h).where(h.c.household_id == household_id)).one_or_none()
    if row is None:
        return None
    entries: list[tuple[bool, dict[str, Any]]] = []
    i = involvements_table
    for r in conn.execute(sa.select(i, _current_clause(i.c.started_on, i.c.ended_on, on).label("current"))
                          .where(i.c.household_id == household_id)):
        if on is not None and r.started_on > on:
            continue
        entries.append((bool(r.current), {
            "kind": r.kind, "involvement_id": r.involvement_id, "organisation": r.organisation,
            "discipline": r.discipline, "worker_id": r.worker_id, "started_on": r.started_on,
            "ended_on": r.ended_on, "end_reason": r.end_reason,
        }))
    d = directors_table
    for r in conn.execute(sa.select(d, _current_clause(d.c.start_on, d.c.end_on, on).label("current"))
                          .where(d.c.household_id == household_id)):
        if (r.end_on is not None and r.end_on <= r.start_on) or (on is not None and r.start_on > on):
            continue
        entries.append((bool(r.current), {
            "kind": "case_director", "involvement_id": None, "organisation": r.organisation, "discipline": None,
            "worker_id": r.user_id, "started_on": r.start_on, "ended_on": r.end_on, "end_reason": r.ended_by,
        }))

    def order(e: dict[str, Any]) -> tuple[Any, ...]:
        return (e["started_on"], e["kind"], e["organisation"], e["involvement_id"] or "")

    return {
        "household_id": household_id, "closed_on": row.closed_on, "erased": row.erased,
        "current": sorted((e for cur, e in entries if cur), key=order),
        "previous": sorted((e for cur, e in entries if not cur), key=order),
    }


def households_of(
    conn: sa.Connection, organisation: str | None = None, worker_id: str | None = None, *,
    on: date | None = None, include_erased: bool = False,
) -> list[dict[str, Any]]:
    """Households where the organisation and/or worker (a user id) is involved now (or on ``on``).

    Involved means an involvement of theirs that is current, or being the current case
    director (``worker_id`` matches the director's user id, ``organisation`` their
    organisation). Each result: ``household_id``, ``involvement_ids`` (sorted),
    ``case_director`` (bool), ``closed_on`` and ``erased``. Erased households are left
    out unless ``include_erased``. With neither filter, every household with anyone involved.
    """
    i, d, h = involvements_table, directors_table, households_table
    qi = sa.select(i.c.household_id, i.c.involvement_id).where(_current_clause(i.c.started_on, i.c.ended_on, on))
    qd = sa.select(d.c.household_id).where(_current_clause(d.c.start_on, d.c.end_on, on))
    if organisation is not None:
        qi = qi.where(i.c.organisation == organisation)
        qd = qd.where(d.c.organisation == organisation)
    if worker_id is not None:
        qi = qi.where(i.c.worker_id == worker_id)
        qd = qd.where(d.c.user_id == worker_id)
    found: dict[str, dict[str, Any]] = {}
    for hid, inv_id in conn.execute(qi):
        found.setdefault(hid, {"involvement_ids": [], "case_director": False})["involvement_ids"].append(inv_id)
    for (hid,) in conn.execute(qd):
        found.setdefault(hid, {"involvement_ids": [], "case_director": False})["case_director"] = True
    if not found:
        return []
    status = {r.household_id: r for r in conn.execute(sa.select(h).where(h.c.household_id.in_(list(found))))}
    out = []
    for hid in sorted(found):
        s = status[hid]
        if s.erased and not include_erased:
            continue
        out.append({"household_id": hid, "involvement_ids": sorted(found[hid]["involvement_ids"]),
                    "case_director": found[hid]["case_director"], "closed_on": s.closed_on, "erased": s.erased})
    return out
