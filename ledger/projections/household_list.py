"""The household list (issue 16, item 7): a caseload line per household, and who may see it, indexed.

The caseload list ``GET /v1/households`` is served from here, filtered by the access policy *in
the query* and paged by a keyset (the position of the household's referral), so a page costs
the same however many households the ledger holds. The rule is the policy's read of the
category ``composition`` (what a caseload line shows; ``ledger.privacy.policy.decide``):

* the **case director** (by user id) sees the household;
* an **involved** professional (an active involvement names the user, or their organisation
  without a worker) sees it when a consent or legal basis in force today covers
  ``composition`` for their organisation and purpose;
* the **intake team** (consultants and professionals of the responsible organisation, while
  no director is assigned) sees it, unless they are involved (then the consent decides);
* the operator sees every household; every other role none.

Three tables, ids, codes and dates only (no personal data):

* ``view_list_households``: the caseload line (version, phase, referral date, director's user
  id, erased) and the policy's facts (the director, the intake organisation while there is no
  director: the last handover's receiver, else the referral's addressee, ``""`` for a
  referral recorded before referrals were addressed: the municipality's own team);
* ``view_list_involvements``: per involvement the organisation, the worker's user id, active;
* ``view_list_consents``: per consent (or legal basis) each organisation and data category it
  covers, with its purpose, validity and withdrawal date.

:func:`page` asks for at most ``limit + 1`` rows per way a user can be related (director,
involved as worker, involved as organisation, intake team), each an ordered index range scan,
and merges them. ``tests/service/test_household_list.py`` holds the query to the policy
household by household (hypothesis), and ``bench/list_scale.py`` a page's cost to the store's size.
"""

from __future__ import annotations

from datetime import date
from functools import singledispatchmethod
from typing import Any

import sqlalchemy as sa

from ledger.aggregates import Household, phase_of
from ledger.aggregates.vocabulary import Phase, Purpose

from .base import Applied, ReadModel, code_of, metadata

__all__ = ["HouseholdList", "PHASES", "consents_table", "households_table", "involvements_table", "page"]

PHASES = tuple(p.value for p in Phase)  # Household.phase's values
CARE_ROLES = ("consultant", "professional")
PURPOSES = frozenset(p.value for p in Purpose)  # an unknown purpose is refused by the policy: no line
LISTED_CATEGORY = "composition"  # what a caseload line discloses (the policy decides this category)

households_table = sa.Table(
    "view_list_households",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False),  # of the referral: the list's order and keyset
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("phase", sa.String(16), nullable=False),
    sa.Column("referred_on", sa.Date, nullable=False),
    sa.Column("intake_on", sa.Date),
    sa.Column("coordination_on", sa.Date),
    sa.Column("goals", sa.Integer, nullable=False),
    sa.Column("closed_on", sa.Date),
    sa.Column("aftercare_until", sa.Date),
    sa.Column("addressed_to", sa.String(200), nullable=False),  # "" : before referrals were addressed
    sa.Column("director", sa.String(128)),  # the case director's user id; None while there is none
    sa.Column("director_organisation", sa.String(200)),
    sa.Column("intake_org", sa.String(200)),  # the responsible organisation while no director; else None
    sa.Column("erased", sa.Boolean, nullable=False),
    sa.Index("ix_view_list_households_position", "position", unique=True),
    sa.Index("ix_view_list_households_phase", "phase", "position"),
    sa.Index("ix_view_list_households_director", "director", "position"),
    sa.Index("ix_view_list_households_intake", "intake_org", "position"),
)

involvements_table = sa.Table(
    "view_list_involvements",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("involvement_id", sa.String(64), primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False),  # the household's (its referral's)
    sa.Column("organisation", sa.String(200), nullable=False),
    sa.Column("worker_id", sa.String(128)),
    sa.Column("active", sa.Boolean, nullable=False),  # as Involvement.active: not ended (whatever the date)
    sa.Index("ix_view_list_involvements_worker", "worker_id", "active", "position"),
    sa.Index("ix_view_list_involvements_org", "organisation", "active", "position"),
)

consents_table = sa.Table(
    "view_list_consents",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("consent_id", sa.String(64), primary_key=True),
    sa.Column("organisation", sa.String(200), primary_key=True),
    sa.Column("category", sa.String(32), primary_key=True),
    sa.Column("purpose", sa.String(32), nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_until", sa.Date),
    sa.Column("withdrawn_on", sa.Date),
)


class HouseholdList(ReadModel):
    name = "household_list"
    version = 1
    tables = (households_table, involvements_table, consents_table)

    @singledispatchmethod
    def apply(self, event: Any, on: Applied) -> None:
        """Events of other aggregates are skipped."""

    # ---------------------------------------------------------------- helpers
    @staticmethod
    def _row(e: Any, on: Applied, **values: Any) -> dict[str, Any] | None:
        """The household's line, its version moved to the event's, ``values`` set, and its phase recomputed."""
        rows = on.batch.rows(households_table)
        row = rows.get(str(e.originator_id))
        if row is None:
            return None
        changes = {"version": e.originator_version, **values}
        merged = {**row, **changes}
        changes["phase"] = phase_of(
            closed=merged["closed_on"] is not None, aftercare_until=merged["aftercare_until"], goals=merged["goals"],
            coordination=merged["coordination_on"] is not None, intake=merged["intake_on"] is not None)
        rows.set(row, **changes)
        return row

    # ---------------------------------------------------------------- handlers
    @apply.register
    def _(self, e: Household.Event, on: Applied) -> None:
        self._row(e, on)  # every event moves the version

    @apply.register
    def _(self, e: Household.Referred, on: Applied) -> None:
        addressed = e.referral.addressed_to or ""
        on.batch.rows(households_table).add(
            household_id=str(e.originator_id), position=on.position, version=e.originator_version,
            phase="referred", referred_on=e.referral.on, goals=0, addressed_to=addressed, director=None,
            director_organisation=None, intake_org=addressed, erased=False)

    @apply.register
    def _(self, e: Household.IntakeHeld, on: Applied) -> None:
        self._row(e, on, intake_on=e.intake.held_on)

    @apply.register
    def _(self, e: Household.CoordinationDecided, on: Applied) -> None:
        self._row(e, on, coordination_on=e.decision.on)

    @apply.register
    def _(self, e: Household.PlanGoalSet, on: Applied) -> None:
        row = on.batch.rows(households_table).get(str(e.originator_id))
        if row is not None:
            self._row(e, on, goals=row["goals"] + 1)

    @apply.register
    def _(self, e: Household.Closed, on: Applied) -> None:
        self._row(e, on, closed_on=e.closure.on, aftercare_until=e.closure.aftercare_until)

    @apply.register
    def _(self, e: Household.Reopened, on: Applied) -> None:
        self._row(e, on, closed_on=None, aftercare_until=None)

    @apply.register
    def _(self, e: Household.CaseDirectorAssigned, on: Applied) -> None:
        d = e.directorship.director
        self._row(e, on, director=d.user_id, director_organisation=d.organisation, intake_org=None)

    @apply.register
    def _(self, e: Household.CaseDirectorReplaced, on: Applied) -> None:
        d = e.directorship.director
        self._row(e, on, director=d.user_id, director_organisation=d.organisation, intake_org=None)

    @apply.register
    def _(self, e: Household.HandedOver, on: Applied) -> None:
        # The director steps back; the receiving organisation's staff are the intake team now.
        self._row(e, on, director=None, director_organisation=None, intake_org=e.handover.to_organisation)

    @apply.register
    def _(self, e: Household.Erased, on: Applied) -> None:
        self._row(e, on, erased=True)  # erasure scrubs personal values; the relations stay (as in the aggregate)

    @apply.register
    def _(self, e: Household.InvolvementStarted, on: Applied) -> None:
        row = self._row(e, on)
        if row is None:
            return
        i = e.involvement
        on.batch.rows(involvements_table).add(
            household_id=str(e.originator_id), involvement_id=i.involvement_id, position=row["position"],
            organisation=i.organisation, worker_id=i.worker_id, active=i.ended_on is None)

    @apply.register
    def _(self, e: Household.InvolvementEnded, on: Applied) -> None:
        self._row(e, on)
        rows = on.batch.rows(involvements_table)
        row = rows.get(str(e.originator_id), e.involvement_id)
        if row is not None:
            rows.set(row, active=False)

    @apply.register
    def _(self, e: Household.ConsentGranted, on: Applied) -> None:
        self._row(e, on)
        c, hid, rows = e.consent, str(e.originator_id), on.batch.rows(consents_table)
        for organisation in dict.fromkeys(c.organisations):
            for category in dict.fromkeys(code_of(x) for x in c.data_categories):
                rows.add(household_id=hid, consent_id=c.consent_id, organisation=organisation, category=category,
                         purpose=code_of(c.purpose), valid_from=c.valid_from, valid_until=c.valid_until,
                         withdrawn_on=c.withdrawn_on)

    @apply.register
    def _(self, e: Household.ConsentWithdrawn, on: Applied) -> None:
        self._row(e, on)
        rows = on.batch.rows(consents_table)
        for key, row in list(rows.group(str(e.originator_id)).items()):
            if key[1] == e.consent_id:
                rows.set(row, withdrawn_on=e.on)


# ------------------------------------------------------------------- queries
COLUMNS = ("household_id", "position", "version", "phase", "referred_on", "director", "erased")


def _covered(h: Any, organisation: str, purpose: str, today: date) -> sa.ColumnElement[bool]:
    """A consent or legal basis in force ``today`` covers the listed category for this organisation and purpose."""
    c = consents_table
    return sa.exists().where(
        c.c.household_id == h.c.household_id, c.c.organisation == organisation, c.c.category == LISTED_CATEGORY,
        c.c.purpose == purpose, c.c.withdrawn_on.is_(None), c.c.valid_from <= today,
        sa.or_(c.c.valid_until.is_(None), c.c.valid_until >= today))


def _mine(i: Any, user_id: str, organisation: str) -> sa.ColumnElement[bool]:
    """An active involvement names the user, or their organisation without a worker (``relationship_of``)."""
    return sa.and_(i.c.active.is_(True), sa.or_(
        i.c.worker_id == user_id, sa.and_(i.c.worker_id.is_(None), i.c.organisation == organisation)))


def _ways(user_id: str, organisation: str, purpose: str, today: date, municipality: str) -> list[sa.Select[Any]]:
    """One ordered, index-driven selection of ``(position, household_id)`` per way the user can be related."""
    h, i = households_table, involvements_table
    other = i.alias("mine")
    involved_mine = sa.exists().where(other.c.household_id == h.c.household_id, _mine(other, user_id, organisation))
    intake_orgs = [organisation, ""] if organisation == municipality else [organisation]
    # An involvement of the user's is an index range on (worker_id | organisation, active, position).
    by_worker = (sa.select(i.c.position).where(i.c.worker_id == user_id, i.c.active.is_(True)))
    by_organisation = (sa.select(i.c.position).where(i.c.organisation == organisation, i.c.active.is_(True),
                                                     i.c.worker_id.is_(None)))
    return [
        # the case director
        sa.select(h.c.position).where(h.c.director == user_id),
        # involved (as worker, or as organisation): the consent decides (unless director: the first way)
        by_worker.join_from(i, h, h.c.household_id == i.c.household_id)
        .where(_covered(h, organisation, purpose, today)),
        by_organisation.join_from(i, h, h.c.household_id == i.c.household_id)
        .where(_covered(h, organisation, purpose, today)),
        # the intake team while no director is assigned, unless involved (then the consent decides)
        sa.select(h.c.position).where(h.c.intake_org.in_(intake_orgs), ~involved_mine),
    ]


def page(
    conn: sa.Connection, *, user_id: str, organisation: str, role: str, purpose: str, today: date,
    municipality: str, after: int = 0, limit: int = 100, phase: str | None = None,
) -> list[dict[str, Any]]:
    """The next ``limit`` caseload lines this user may see, after the referral position ``after``, in referral order.

    Each line: ``household_id``, ``position`` (the keyset), ``version``, ``phase``, ``referred_on``,
    ``case_director`` (a user id) and ``erased``. ``phase`` narrows the list (never widens it).
    """
    h = households_table
    if purpose not in PURPOSES:
        return []  # the policy refuses an unknown purpose, whatever the role
    if role == "operator":
        positions = sa.select(h.c.position).where(h.c.position > after)
        if phase is not None:
            positions = positions.where(h.c.phase == phase)
        wanted = [p for (p,) in conn.execute(positions.order_by(h.c.position).limit(limit))]
    elif role in CARE_ROLES:
        found: set[int] = set()
        for way in _ways(user_id, organisation, purpose, today, municipality):
            column = way.selected_columns[0]
            q = way.where(column > after)
            if phase is not None:
                q = q.where(h.c.phase == phase)  # every way joins the household's line
            found.update(p for (p,) in conn.execute(q.distinct().order_by(column).limit(limit)))
        wanted = sorted(found)[:limit]
    else:
        return []  # privacy officers, administrators and evaluators see no household (the policy)
    if not wanted:
        return []
    rows = conn.execute(sa.select(*(h.c[c] for c in COLUMNS)).where(h.c.position.in_(wanted))
                        .order_by(h.c.position))
    return [{"household_id": r.household_id, "position": r.position, "version": r.version, "phase": r.phase,
             "referred_on": r.referred_on, "case_director": r.director, "erased": r.erased} for r in rows]

