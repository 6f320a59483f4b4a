"""The evaluation facts as they stood at (as_of, known_at): masked subqueries over the live tables.

Each function's result has the columns of today's fact table, so :func:`ledger.reports.figures.compute`
reads it as it read the table. The rules (docs/evaluation.md, "Two times"):

* an immutable fact (a ZRM score, a cost, an evaluation, a goal, an action, an involvement, an added referral,
  an orientation talk, a scheduled plan meeting, a network record) counts iff its
  event's ``position <= known_at`` and its business date ``<= as_of``;
* a set-once attribute (intake and the intake's network counts, completion, cancellation, an involvement's end, an
  escalation's resolution, erasure) reads its value iff its own position ``<= known_at`` and its date
  ``<= as_of``, NULL otherwise;
* an attribute that can change more than once (closure and drop-out, which a reopen clears; the coordination
  decision, which may be taken again; a goal's target date and revisions) is the value of the change row with
  the highest position among those with ``position <= known_at`` and ``business_on <= as_of``; ``reopens``
  counts such reopen rows; ``revised_composition`` is the latest composition revision's (NULL: never revised).

That is the fold, in position order, of the events with ``position <= known_at`` and ``on <= as_of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from ledger.projections import evaluation_facts as ef

__all__ = ["EMPTY_NOT_RECORDED", "EMPTY_NOT_YET", "Facts", "empty_basis", "facts_as_of"]

EMPTY_NOT_RECORDED = "none recorded by knownAt"
EMPTY_NOT_YET = "no events on or before the as-of date"


@dataclass(frozen=True)
class Facts:
    """The fact tables at one (as_of, known_at), each a subquery with the table's columns."""

    as_of: date
    known_at: int
    referrals: Any
    zrm: Any
    involvements: Any
    plan_goals: Any
    plan_actions: Any
    costs: Any
    evaluations: Any
    escalations: Any
    events: Any
    added_referrals: Any = None  # later referrals of known households (issue 15): immutable, masked like a ZRM score
    orientation_talks: Any = None  # issue 15
    plan_meetings: Any = None
    network_records: Any = None  # the own network recorded after the intake (issue 15): immutable


def _known(position: Any, on: Any, as_of: date, known_at: int) -> sa.ColumnElement[bool]:
    return sa.and_(position <= known_at, on <= as_of)


def _set_once(value: Any, position: Any, on: Any, as_of: date, known_at: int, name: str) -> Any:
    return sa.case((sa.and_(position.is_not(None), _known(position, on, as_of, known_at)), value),
                   else_=sa.null()).label(name)


def _referrals(as_of: date, known_at: int) -> Any:
    r, c, k = ef.fact_referrals, ef.fact_referral_changes, ef.fact_composition_changes

    def latest(kinds: tuple[str, ...], column: str) -> Any:
        return (sa.select(c.c[column]).where(c.c.household_id == r.c.household_id, c.c.kind.in_(kinds),
                                              _known(c.c.position, c.c.business_on, as_of, known_at))
                .order_by(c.c.position.desc()).limit(1).scalar_subquery().label(column))

    closure, drop_out = ("closed", "reopened"), ("dropped_out", "reopened")
    reopens = (sa.select(sa.func.count()).where(c.c.household_id == r.c.household_id, c.c.kind == "reopened",
                                                _known(c.c.position, c.c.business_on, as_of, known_at))
               .scalar_subquery())
    revised = (sa.select(k.c.composition).where(k.c.household_id == r.c.household_id,
                                                _known(k.c.position, k.c.business_on, as_of, known_at))
               .order_by(k.c.position.desc()).limit(1).scalar_subquery().label("revised_composition"))
    erased = sa.and_(r.c.erased_position.is_not(None), _known(r.c.erased_position, r.c.erased_on, as_of, known_at))
    return (sa.select(
        r.c.household_id, r.c.referred_on, r.c.sources, r.c.composition, r.c.adults, r.c.children,
        _set_once(r.c.intake_on, r.c.intake_position, r.c.intake_on, as_of, known_at, "intake_on"),
        _set_once(r.c.network_contacts, r.c.intake_position, r.c.intake_on, as_of, known_at, "network_contacts"),
        _set_once(r.c.network_supportive, r.c.intake_position, r.c.intake_on, as_of, known_at, "network_supportive"),
        latest(("coordination",), "coordination_outcome"), latest(("coordination",), "coordination_on"),
        latest(closure, "closed_on"), latest(closure, "closure_reason"), latest(closure, "aftercare_until"),
        latest(drop_out, "dropped_out_kind"), latest(drop_out, "dropped_out_on"),
        sa.func.coalesce(reopens, 0).label("reopens"),
        sa.case((erased, sa.true()), else_=sa.false()).label("erased"),
        revised, r.c.position,
    ).where(_known(r.c.position, r.c.referred_on, as_of, known_at)).subquery("fact_referrals"))


def _plan_goals(as_of: date, known_at: int) -> Any:
    g, v = ef.fact_plan_goals, ef.fact_goal_revisions

    def latest(column: str) -> Any:
        return (sa.select(v.c[column]).where(v.c.household_id == g.c.household_id, v.c.goal_id == g.c.goal_id,
                                              _known(v.c.position, v.c.business_on, as_of, known_at))
                .order_by(v.c.position.desc()).limit(1).scalar_subquery())

    revised = sa.exists().where(v.c.household_id == g.c.household_id, v.c.goal_id == g.c.goal_id,
                                _known(v.c.position, v.c.business_on, as_of, known_at))
    return (sa.select(
        g.c.household_id, g.c.goal_id, g.c.life_domain, g.c.set_on,
        sa.case((revised, latest("target_date")), else_=g.c.target_date).label("target_date"),
        sa.case((revised, latest("revisions")), else_=g.c.revisions).label("revisions"),
        g.c.position,
    ).where(_known(g.c.position, g.c.set_on, as_of, known_at)).subquery("fact_plan_goals"))


def _plan_actions(as_of: date, known_at: int) -> Any:
    a = ef.fact_plan_actions
    return (sa.select(
        a.c.household_id, a.c.action_id, a.c.goal_id, a.c.life_domain, a.c.performer_kind, a.c.performer_org,
        a.c.added_on, a.c.due_on,
        _set_once(a.c.completed_on, a.c.completed_position, a.c.completed_on, as_of, known_at, "completed_on"),
        _set_once(a.c.cancelled_on, a.c.cancelled_position, a.c.cancelled_on, as_of, known_at, "cancelled_on"),
        a.c.position,
    ).where(_known(a.c.position, a.c.added_on, as_of, known_at)).subquery("fact_plan_actions"))


def _involvements(as_of: date, known_at: int) -> Any:
    i = ef.fact_involvements
    return (sa.select(
        i.c.household_id, i.c.involvement_id, i.c.kind, i.c.organisation, i.c.discipline, i.c.started_on,
        _set_once(i.c.ended_on, i.c.ended_position, i.c.ended_on, as_of, known_at, "ended_on"),
        _set_once(i.c.end_reason, i.c.ended_position, i.c.ended_on, as_of, known_at, "end_reason"),
        i.c.already_involved, i.c.position,
    ).where(_known(i.c.position, i.c.started_on, as_of, known_at)).subquery("fact_involvements"))


def _escalations(as_of: date, known_at: int) -> Any:
    x = ef.fact_escalations
    return (sa.select(
        x.c.household_id, x.c.escalation_id, x.c.level, x.c.raised_on,
        _set_once(x.c.resolved_on, x.c.resolved_position, x.c.resolved_on, as_of, known_at, "resolved_on"),
        x.c.position,
    ).where(_known(x.c.position, x.c.raised_on, as_of, known_at)).subquery("fact_escalations"))


def _immutable(table: sa.Table, on: str, as_of: date, known_at: int) -> Any:
    return sa.select(table).where(_known(table.c.position, table.c[on], as_of, known_at)).subquery(
        table.name.removeprefix("view_"))


def facts_as_of(as_of: date, known_at: int) -> Facts:
    """Every fact table masked to (as_of, known_at); no query runs until one is read."""
    e = ef.fact_events
    events = sa.select(e).where(e.c.position <= known_at, sa.or_(e.c.business_on.is_(None), e.c.business_on <= as_of))
    return Facts(
        as_of=as_of, known_at=known_at,
        referrals=_referrals(as_of, known_at),
        zrm=_immutable(ef.fact_zrm, "measured_on", as_of, known_at),
        involvements=_involvements(as_of, known_at),
        plan_goals=_plan_goals(as_of, known_at),
        plan_actions=_plan_actions(as_of, known_at),
        costs=_immutable(ef.fact_costs, "recorded_on", as_of, known_at),
        evaluations=_immutable(ef.fact_evaluations, "held_on", as_of, known_at),
        escalations=_escalations(as_of, known_at),
        events=events.subquery("fact_events"),
        added_referrals=_immutable(ef.fact_added_referrals, "referred_on", as_of, known_at),
        orientation_talks=_immutable(ef.fact_orientation_talks, "held_on", as_of, known_at),
        plan_meetings=_immutable(ef.fact_plan_meetings, "scheduled_on", as_of, known_at),
        network_records=_immutable(ef.fact_network_records, "business_on", as_of, known_at),
    )


def empty_basis(conn: sa.Connection, facts: Facts) -> str | None:
    """Why nothing counts (None: something does): nothing recorded by known_at, or nothing dated by as_of."""
    if conn.execute(sa.select(facts.events.c.position).limit(1)).first() is not None:
        return None
    e = ef.fact_events
    recorded = conn.execute(sa.select(e.c.position).where(e.c.position <= facts.known_at).limit(1)).first()
    return EMPTY_NOT_YET if recorded is not None else EMPTY_NOT_RECORDED
