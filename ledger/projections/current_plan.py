"""Current plan: per household its phase, case director, goals, actions and ZRM scores.

One row per household (phase, director, closure, erasure), one per plan goal, one
per plan action, and one per scored ZRM domain of each measurement. Whether an
action is late depends on the day you ask, so it is computed by :func:`plan`, not
stored; so are the latest ZRM score per domain and its change since intake.

The phase is ``Household.phase`` (both use :func:`ledger.aggregates.phase_of`): closed with
an aftercare date is ``aftercare`` (for as long as the case stays closed), closed
without is ``closed``; otherwise ``plan`` once a goal was set, ``coordination`` once
the coordination decision was taken, ``intake`` after the integral intake, and
``referred`` before. An erased household keeps its row, flagged ``erased``; its rows
never held personal data (events reach views through the blind mapper), so nothing
else changes.
"""

from __future__ import annotations

from datetime import date
from functools import singledispatchmethod
from typing import Any

import sqlalchemy as sa

from ledger.aggregates import Household, phase_of

from .base import Applied, ReadModel, UtcDateTime, code_of, metadata, update_row

__all__ = [
    "CurrentPlan",
    "actions_table",
    "goals_table",
    "households_table",
    "plan",
    "zrm_scores_table",
]

households_table = sa.Table(
    "view_plan_households",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("phase", sa.String(16), nullable=False),
    sa.Column("referred_on", sa.Date, nullable=False),
    sa.Column("intake_on", sa.Date),
    sa.Column("coordination_on", sa.Date),
    sa.Column("coordination_outcome", sa.String(32)),
    sa.Column("goals", sa.Integer, nullable=False),  # how many goals were set (phase: plan)
    sa.Column("director_user_id", sa.String(128)),
    sa.Column("director_organisation", sa.String(200)),
    sa.Column("director_since", sa.Date),
    sa.Column("handed_over_to", sa.String(200)),  # the last handover's receiving organisation
    sa.Column("handed_over_on", sa.Date),
    sa.Column("drop_out_kind", sa.String(16)),
    sa.Column("drop_out_on", sa.Date),
    sa.Column("closed_on", sa.Date),
    sa.Column("closure_reason", sa.String(32)),
    sa.Column("aftercare_until", sa.Date),
    sa.Column("erased", sa.Boolean, nullable=False),
    sa.Column("erased_on", sa.Date),
    sa.Column("version", sa.Integer, nullable=False),  # the household's version after its last event
    sa.Column("last_event_at", UtcDateTime(), nullable=False),
    sa.Index("ix_view_plan_households_phase", "phase"),
    sa.Index("ix_view_plan_households_director", "director_user_id", "phase"),
    sa.Index("ix_view_plan_households_director_org", "director_organisation", "phase"),
)

goals_table = sa.Table(
    "view_plan_goals",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("goal_id", sa.String(64), primary_key=True),
    sa.Column("life_domain", sa.String(32), nullable=False),
    sa.Column("target_date", sa.Date),
    sa.Column("set_on", sa.Date, nullable=False),
    sa.Column("revisions", sa.Integer, nullable=False),
    sa.Column("revised_on", sa.Date),
    sa.Index("ix_view_plan_goals_domain", "life_domain"),
)

actions_table = sa.Table(
    "view_plan_actions",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("action_id", sa.String(64), primary_key=True),
    sa.Column("goal_id", sa.String(64), nullable=False),
    sa.Column("performer_kind", sa.String(16), nullable=False),
    sa.Column("performer_organisation", sa.String(200)),
    sa.Column("due_on", sa.Date),
    sa.Column("added_on", sa.Date, nullable=False),
    sa.Column("completed_on", sa.Date),
    sa.Column("cancelled_on", sa.Date),
    sa.Index("ix_view_plan_actions_goal", "household_id", "goal_id"),
    sa.Index("ix_view_plan_actions_due", "due_on"),  # late actions across households
)

zrm_scores_table = sa.Table(
    "view_plan_zrm_scores",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("measurement_id", sa.String(64), primary_key=True),
    sa.Column("domain", sa.String(48), primary_key=True),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("instrument", sa.String(16), nullable=False),
    sa.Column("moment", sa.String(16), nullable=False),
    sa.Column("measured_on", sa.Date, nullable=False),
    sa.Column("member_id", sa.String(32)),  # None: measured for the household as a whole
    sa.Column("position", sa.BigInteger, nullable=False),  # orders measurements of one day
    sa.Index("ix_view_plan_zrm_household_domain", "household_id", "domain", "measured_on", "position"),
)


class CurrentPlan(ReadModel):
    name = "current_plan"
    version = 2  # 2: last_event_at read back in UTC
    tables = (households_table, goals_table, actions_table, zrm_scores_table)

    @singledispatchmethod
    def apply(self, event: Any, on: Applied) -> None:
        """Access records and anything else that is not a household event."""

    # ---------------------------------------------------------------- helpers
    @staticmethod
    def _touch(e: Any, on: Applied, rephase: bool = False, **values: Any) -> None:
        """Move the household's version (and set ``values``); with ``rephase``, recompute its phase."""
        rows = on.batch.rows(households_table)
        row = rows.get(str(e.originator_id))
        if row is None:  # as an UPDATE of no row: nothing
            if rephase:
                raise LookupError(f"{households_table.name}: no household {e.originator_id}")
            return
        rows.set(row, version=e.originator_version, last_event_at=on.at, **values)
        if rephase:
            phase = phase_of(closed=row["closed_on"] is not None, aftercare_until=row["aftercare_until"],
                             goals=row["goals"], coordination=row["coordination_on"] is not None,
                             intake=row["intake_on"] is not None)
            if phase != row["phase"]:
                rows.set(row, phase=phase)

    # ---------------------------------------------------------------- handlers
    @apply.register
    def _(self, e: Household.Event, on: Applied) -> None:
        """Any other household event still moves the household's version."""
        self._touch(e, on)

    @apply.register
    def _(self, e: Household.Referred, on: Applied) -> None:
        on.batch.rows(households_table).add(
            household_id=str(e.originator_id), phase="referred", referred_on=e.referral.on, goals=0, erased=False,
            version=e.originator_version, last_event_at=on.at,
        )

    @apply.register
    def _(self, e: Household.IntakeHeld, on: Applied) -> None:
        self._touch(e, on, rephase=True, intake_on=e.intake.held_on)

    @apply.register
    def _(self, e: Household.CoordinationDecided, on: Applied) -> None:
        self._touch(e, on, rephase=True, coordination_on=e.decision.on,
                    coordination_outcome=code_of(e.decision.outcome))

    @apply.register
    def _(self, e: Household.CaseDirectorAssigned, on: Applied) -> None:
        d = e.directorship
        self._touch(e, on, director_user_id=d.director.user_id, director_organisation=d.director.organisation,
                    director_since=d.since)

    @apply.register
    def _(self, e: Household.CaseDirectorReplaced, on: Applied) -> None:
        d = e.directorship
        self._touch(e, on, director_user_id=d.director.user_id, director_organisation=d.director.organisation,
                    director_since=d.since)

    @apply.register
    def _(self, e: Household.HandedOver, on: Applied) -> None:
        """A handover ends the director's assignment (the aggregate clears it)."""
        self._touch(e, on, director_user_id=None, director_organisation=None, director_since=None,
                    handed_over_to=e.handover.to_organisation, handed_over_on=e.handover.on)

    @apply.register
    def _(self, e: Household.PlanGoalSet, on: Applied) -> None:
        g, hid = e.goal, str(e.originator_id)
        on.batch.rows(goals_table).add(
            household_id=hid, goal_id=g.goal_id, life_domain=code_of(g.life_domain),
            target_date=g.target_date, set_on=g.set_on, revisions=g.revisions, revised_on=g.revised_on,
        )
        row = on.batch.rows(households_table).get(hid)
        self._touch(e, on, rephase=True, goals=(row["goals"] + 1) if row is not None else 1)

    @apply.register
    def _(self, e: Household.PlanGoalRevised, on: Applied) -> None:
        g = e.goal
        update_row(goals_table, on, (str(e.originator_id), g.goal_id),
                     target_date=g.target_date, revisions=g.revisions, revised_on=g.revised_on)
        self._touch(e, on)

    @apply.register
    def _(self, e: Household.PlanActionAdded, on: Applied) -> None:
        a = e.action
        on.batch.rows(actions_table).add(
            household_id=str(e.originator_id), action_id=a.action_id, goal_id=a.goal_id,
            performer_kind=code_of(a.performer.kind), performer_organisation=a.performer.organisation,
            due_on=a.due_on, added_on=a.added_on, completed_on=a.completed_on, cancelled_on=a.cancelled_on,
        )
        self._touch(e, on)

    @apply.register
    def _(self, e: Household.PlanActionCompleted, on: Applied) -> None:
        update_row(actions_table, on, (str(e.originator_id), e.action_id), completed_on=e.on)
        self._touch(e, on)

    @apply.register
    def _(self, e: Household.PlanActionCancelled, on: Applied) -> None:
        update_row(actions_table, on, (str(e.originator_id), e.action_id), cancelled_on=e.on)
        self._touch(e, on)

    @apply.register
    def _(self, e: Household.ZrmMeasured, on: Applied) -> None:
        m, hid, rows = e.measurement, str(e.originator_id), on.batch.rows(zrm_scores_table)
        moment = code_of(m.moment)
        for domain, score in sorted(m.scores.items()):
            rows.add(household_id=hid, measurement_id=m.measurement_id, domain=domain, score=int(score),
                     instrument=m.instrument, moment=moment, measured_on=m.measured_on, member_id=m.member_id,
                     position=on.position)
        self._touch(e, on)

    @apply.register
    def _(self, e: Household.DroppedOut, on: Applied) -> None:
        self._touch(e, on, drop_out_kind=code_of(e.drop_out.kind), drop_out_on=e.drop_out.on)

    @apply.register
    def _(self, e: Household.Closed, on: Applied) -> None:
        c = e.closure
        self._touch(e, on, rephase=True, closed_on=c.on, closure_reason=code_of(c.reason),
                    aftercare_until=c.aftercare_until)

    @apply.register
    def _(self, e: Household.Reopened, on: Applied) -> None:
        """Reopening clears the closure and a recorded drop-out, as the aggregate does."""
        self._touch(e, on, rephase=True, closed_on=None, closure_reason=None, aftercare_until=None,
                    drop_out_kind=None, drop_out_on=None)

    @apply.register
    def _(self, e: Household.Erased, on: Applied) -> None:
        self._touch(e, on, erased=True, erased_on=e.erasure.on)


# ------------------------------------------------------------------- queries
def _action_status(row: Any) -> str:
    if row.completed_on is not None:
        return "done"
    if row.cancelled_on is not None:
        return "cancelled"
    return "open"


def plan(conn: sa.Connection, household_id: str, today: date) -> dict[str, Any] | None:
    """The household's plan as it stands, with late actions and ZRM progress as of ``today``.

    An action is late when it is open (neither done nor cancelled) and ``due_on < today``.
    Measurements, per member (``None``: the household as a whole), domain and instrument: the latest score
    (last by ``measured_on``, then by ledger position) and its ``change`` since the
    baseline: the first measurement with moment ``intake`` that scored the domain, else
    the first that scored it. ``change`` is ``None`` while the baseline is the latest.
    ``None`` when the view has no such household.
    """
    h = households_table
    row = conn.execute(sa.select(h).where(h.c.household_id == household_id)).one_or_none()
    if row is None:
        return None
    out: dict[str, Any] = {
        "household_id": row.household_id, "phase": row.phase, "referred_on": row.referred_on,
        "intake_on": row.intake_on, "coordination_on": row.coordination_on,
        "coordination_outcome": row.coordination_outcome,
        "director": None if row.director_user_id is None else {
            "user_id": row.director_user_id, "organisation": row.director_organisation, "since": row.director_since},
        "handed_over_to": row.handed_over_to, "handed_over_on": row.handed_over_on,
        "drop_out_kind": row.drop_out_kind, "drop_out_on": row.drop_out_on,
        "closed_on": row.closed_on, "closure_reason": row.closure_reason, "aftercare_until": row.aftercare_until,
        "erased": row.erased, "erased_on": row.erased_on, "version": row.version,
        "last_event_at": row.last_event_at,
    }
    g = goals_table
    out["goals"] = [
        {"goal_id": r.goal_id, "life_domain": r.life_domain, "target_date": r.target_date, "set_on": r.set_on,
         "revisions": r.revisions, "revised_on": r.revised_on}
        for r in conn.execute(sa.select(g).where(g.c.household_id == household_id).order_by(g.c.set_on, g.c.goal_id))
    ]
    a = actions_table
    actions = []
    for r in conn.execute(sa.select(a).where(a.c.household_id == household_id).order_by(a.c.added_on, a.c.action_id)):
        status = _action_status(r)
        actions.append({
            "action_id": r.action_id, "goal_id": r.goal_id, "performer_kind": r.performer_kind,
            "performer_organisation": r.performer_organisation, "due_on": r.due_on, "added_on": r.added_on,
            "completed_on": r.completed_on, "cancelled_on": r.cancelled_on, "status": status,
            "late": status == "open" and r.due_on is not None and r.due_on < today,
        })
    out["actions"] = actions
    out["zrm"] = _zrm_progress(conn, household_id)
    return out


def _zrm_progress(conn: sa.Connection, household_id: str) -> list[dict[str, Any]]:
    z = zrm_scores_table
    rows = conn.execute(sa.select(z).where(z.c.household_id == household_id)
                        .order_by(z.c.measured_on, z.c.position)).all()
    # chronological per (member, instrument, domain): a change is only ever within one instrument and version
    # (ZRM 2013 vs 2017, satisfaction 1-5 vs 1-10 share domain codes but are never compared)
    series: dict[tuple[str, str, str], list[Any]] = {}
    for r in rows:
        series.setdefault((r.member_id or "", r.domain, r.instrument), []).append(r)
    out = []
    for (_member, domain, _instrument), scores in sorted(series.items()):
        latest = scores[-1]
        baseline = next((s for s in scores if s.moment == "intake"), scores[0])
        out.append({
            "member_id": latest.member_id, "domain": domain, "score": latest.score,
            "measured_on": latest.measured_on, "moment": latest.moment, "instrument": latest.instrument,
            "baseline": baseline.score, "baseline_on": baseline.measured_on,
            "change": None if baseline is latest else latest.score - baseline.score,
        })
    return out
