"""Evaluation facts: flat, pseudonymous fact tables for the evaluation reports.

One table per kind of fact, keyed by the household's pseudonymous id and the item's
id, holding codes, dates, counts and amounts only: referrals (with composition and
how the case ended), ZRM scores per domain, involvements, plan goals and actions
(each action with its goal's life domain), costs (EUR, ``Numeric(12, 2)``),
evaluations and escalations, orientation talks and scheduled plan meetings, the own network
(contacts and supportive contacts: at the intake and each later record). Free texts and every other personal value stay sealed
in the ledger; events reach views through the blind mapper.

A reopened case loses its closure and drop-out here as in the aggregate; ``reopens``
counts how often that happened. An erased household keeps its facts, flagged.

Bitemporal (issue 14): every fact names the ledger ``position`` of the event that made
it, beside its business date, so that ``ledger.reports.facts_as_of`` can mask the tables
to any (as_of, known_at) with indexed queries. Immutable facts carry ``position``;
set-once attributes (intake, completion, cancellation, an involvement's
end, an escalation's resolution, erasure) their own ``*_position``; attributes that can
change more than once (closure and drop-out with reopen, the coordination decision, a
goal's target date and revisions) are append-only change rows (``fact_referral_changes``, ``fact_goal_revisions``).
``fact_events`` holds one row per household event (position, business date, recording
time): the report's basis and the resolution of a ``knownAt`` timestamp.
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any

import sqlalchemy as sa

from ledger.aggregates import Household, business_date

from .base import Applied, ReadModel, UtcDateTime, code_of, codes_of, metadata, update_row

__all__ = [
    "EvaluationFacts",
    "fact_composition_changes",
    "fact_added_referrals",
    "fact_costs",
    "fact_events",
    "fact_goal_revisions",
    "fact_referral_changes",
    "fact_escalations",
    "fact_evaluations",
    "fact_involvements",
    "fact_network_records",
    "fact_orientation_talks",
    "fact_plan_actions",
    "fact_plan_goals",
    "fact_plan_meetings",
    "fact_referrals",
    "fact_zrm",
]

fact_referrals = sa.Table(
    "view_fact_referrals",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("referred_on", sa.Date, nullable=False),
    sa.Column("sources", sa.String(500), nullable=False),  # codes, comma-joined, in the referral's order
    sa.Column("composition", sa.String(32), nullable=False),
    sa.Column("adults", sa.Integer, nullable=False),
    sa.Column("children", sa.Integer, nullable=False),
    sa.Column("intake_on", sa.Date),
    sa.Column("coordination_outcome", sa.String(32)),
    sa.Column("coordination_on", sa.Date),
    sa.Column("closed_on", sa.Date),
    sa.Column("closure_reason", sa.String(32)),
    sa.Column("aftercare_until", sa.Date),
    sa.Column("dropped_out_kind", sa.String(16)),
    sa.Column("dropped_out_on", sa.Date),
    sa.Column("reopens", sa.Integer, nullable=False),
    sa.Column("erased", sa.Boolean, nullable=False),
    # the two times (issue 14): positions of the events that set them
    sa.Column("position", sa.BigInteger, nullable=False),  # of Referred
    sa.Column("intake_position", sa.BigInteger),
    sa.Column("coordination_position", sa.BigInteger),
    sa.Column("erased_on", sa.Date),
    sa.Column("erased_position", sa.BigInteger),
    sa.Column("network_contacts", sa.Integer),  # the intake's own network (issue 15): set with intake_position
    sa.Column("network_supportive", sa.Integer),
    sa.Index("ix_view_fact_referrals_referred", "referred_on"),
    sa.Index("ix_view_fact_referrals_closed", "closed_on"),
)

fact_zrm = sa.Table(
    "view_fact_zrm",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("measurement_id", sa.String(64), primary_key=True),
    sa.Column("domain", sa.String(48), primary_key=True),
    sa.Column("instrument", sa.String(16), nullable=False),
    sa.Column("moment", sa.String(16), nullable=False),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("measured_on", sa.Date, nullable=False),
    sa.Column("member_id", sa.String(32)),  # None: the household as a whole
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Index("ix_view_fact_zrm_domain", "domain", "moment", "measured_on"),
)

fact_involvements = sa.Table(
    "view_fact_involvements",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("involvement_id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("organisation", sa.String(200), nullable=False),
    sa.Column("discipline", sa.String(200), nullable=False),
    sa.Column("started_on", sa.Date, nullable=False),
    sa.Column("ended_on", sa.Date),
    sa.Column("end_reason", sa.String(32)),  # InvolvementEnded version 2 on
    sa.Column("already_involved", sa.Boolean, nullable=False, default=False),  # involved at the referral (issue 15)
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("ended_position", sa.BigInteger),
    sa.Index("ix_view_fact_involvements_org", "organisation", "started_on"),
)

fact_plan_goals = sa.Table(
    "view_fact_plan_goals",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("goal_id", sa.String(64), primary_key=True),
    sa.Column("life_domain", sa.String(32), nullable=False),
    sa.Column("set_on", sa.Date, nullable=False),
    sa.Column("target_date", sa.Date),
    sa.Column("revisions", sa.Integer, nullable=False),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Index("ix_view_fact_plan_goals_domain", "life_domain"),
)

fact_plan_actions = sa.Table(
    "view_fact_plan_actions",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("action_id", sa.String(64), primary_key=True),
    sa.Column("goal_id", sa.String(64), nullable=False),
    sa.Column("life_domain", sa.String(32), nullable=False),  # its goal's
    sa.Column("performer_kind", sa.String(16), nullable=False),
    sa.Column("performer_org", sa.String(200)),
    sa.Column("added_on", sa.Date, nullable=False),
    sa.Column("due_on", sa.Date),
    sa.Column("completed_on", sa.Date),
    sa.Column("cancelled_on", sa.Date),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("completed_position", sa.BigInteger),
    sa.Column("cancelled_position", sa.BigInteger),
    sa.Index("ix_view_fact_plan_actions_domain", "life_domain", "performer_kind"),
)

fact_costs = sa.Table(
    "view_fact_costs",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("cost_id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # baseline, intervention
    sa.Column("stream", sa.String(32), nullable=False),
    sa.Column("amount_eur", sa.Numeric(12, 2), nullable=False),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("period_end", sa.Date, nullable=False),
    sa.Column("recorded_on", sa.Date, nullable=False),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Index("ix_view_fact_costs_kind", "kind", "stream"),
)

fact_evaluations = sa.Table(
    "view_fact_evaluations",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("evaluation_id", sa.String(64), primary_key=True),
    sa.Column("held_on", sa.Date, nullable=False),
    sa.Column("final", sa.Boolean, nullable=False),
    sa.Column("conclusion", sa.String(48), nullable=False),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Index("ix_view_fact_evaluations_held", "held_on"),
)

fact_escalations = sa.Table(
    "view_fact_escalations",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("escalation_id", sa.String(64), primary_key=True),
    sa.Column("level", sa.String(48), nullable=False),
    sa.Column("raised_on", sa.Date, nullable=False),
    sa.Column("resolved_on", sa.Date),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("resolved_position", sa.BigInteger),
)

# Issue 15: the pilots' funnel (DOMAIN.md, "How a pilot counts"). Immutable facts, each dated by its ``on``.
fact_orientation_talks = sa.Table(
    "view_fact_orientation_talks",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("talk_id", sa.String(64), primary_key=True),
    sa.Column("held_with", sa.String(16), nullable=False),  # OrientationWith: household, professionals
    sa.Column("held_on", sa.Date, nullable=False),
    sa.Column("position", sa.BigInteger, nullable=False),
)

fact_plan_meetings = sa.Table(
    "view_fact_plan_meetings",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("meeting_id", sa.String(64), primary_key=True),
    sa.Column("scheduled_on", sa.Date, nullable=False),  # the business date: the day it was scheduled
    sa.Column("scheduled_for", sa.Date, nullable=False),
    sa.Column("position", sa.BigInteger, nullable=False),
)

fact_referral_changes = sa.Table(
    "view_fact_referral_changes",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("position", sa.BigInteger, primary_key=True),
    sa.Column("business_on", sa.Date, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # closed, dropped_out, reopened, coordination
    sa.Column("closed_on", sa.Date),
    sa.Column("closure_reason", sa.String(32)),
    sa.Column("aftercare_until", sa.Date),
    sa.Column("dropped_out_kind", sa.String(16)),
    sa.Column("dropped_out_on", sa.Date),
    sa.Column("coordination_outcome", sa.String(32)),  # coordination may be decided again: each decision a row
    sa.Column("coordination_on", sa.Date),
)

fact_goal_revisions = sa.Table(
    "view_fact_goal_revisions",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("goal_id", sa.String(64), primary_key=True),
    sa.Column("position", sa.BigInteger, primary_key=True),
    sa.Column("business_on", sa.Date, nullable=False),
    sa.Column("target_date", sa.Date),
    sa.Column("revisions", sa.Integer, nullable=False),
)

fact_composition_changes = sa.Table(  # issue 15: each CompositionRevised, to mask "as revised" to any two times
    "view_fact_composition_changes",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("position", sa.BigInteger, primary_key=True),
    sa.Column("business_on", sa.Date, nullable=False),
    sa.Column("composition", sa.String(32), nullable=False),
)

# A later referral of a known household (ReferralAdded, issue 15): one immutable row per referral added.
fact_added_referrals = sa.Table(
    "view_fact_added_referrals",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("position", sa.BigInteger, primary_key=True),
    sa.Column("referred_on", sa.Date, nullable=False),
    sa.Column("sources", sa.String(500), nullable=False),  # codes, comma-joined, in the referral's order
)

# The own network as recorded after the intake (NetworkRecorded, issue 15): one immutable row per record.
fact_network_records = sa.Table(
    "view_fact_network_records",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("position", sa.BigInteger, primary_key=True),
    sa.Column("business_on", sa.Date, nullable=False),  # the record's on
    sa.Column("contacts", sa.Integer, nullable=False),
    sa.Column("supportive", sa.Integer, nullable=False),
)

fact_events = sa.Table(
    "view_fact_events",
    metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("position", sa.BigInteger, primary_key=True),
    sa.Column("business_on", sa.Date),  # the business date (business_date)
    sa.Column("at", UtcDateTime(), nullable=False),  # recorded (UTC, aware on every backend: views equal a replay elsewhere)
    sa.Index("ix_view_fact_events_position", "position"),
    sa.Index("ix_view_fact_events_at", "at"),
)


GOAL_NOT_YET = "goal_not_yet"  # an action's life domain when its goal is dated after the as-of day (replays)


class EvaluationFacts(ReadModel):
    name = "evaluation_facts"
    version = 3  # 2: bitemporal (positions, change rows, fact_events); 3: issue 15's pilot counting
    tables = (fact_referrals, fact_zrm, fact_involvements, fact_plan_goals, fact_plan_actions, fact_costs,
              fact_evaluations, fact_escalations, fact_referral_changes, fact_goal_revisions, fact_events,
              fact_composition_changes, fact_added_referrals, fact_orientation_talks, fact_plan_meetings,
              fact_network_records)

    @singledispatchmethod
    def apply(self, event: Any, on: Applied) -> None:
        """Notifications that are no household event are skipped."""

    @apply.register
    def _(self, e: Household.Event, on: Applied) -> None:
        """Every household event: its two times (``fact_events``), then its facts."""
        on.batch.insert(fact_events, {"household_id": str(e.originator_id), "position": on.position,
                                      "business_on": business_date(e), "at": on.at})
        _FACTS.dispatch(type(e))(self, e, on)

    @singledispatchmethod
    def fact(self, event: Any, on: Applied) -> None:
        """Events that add no fact are skipped."""

    @staticmethod
    def _change(e: Any, on: Applied, kind: str, **values: Any) -> None:
        row = {"closed_on": None, "closure_reason": None, "aftercare_until": None, "dropped_out_kind": None,
               "dropped_out_on": None, "coordination_outcome": None, "coordination_on": None, **values}
        on.batch.insert(fact_referral_changes, {"household_id": str(e.originator_id), "position": on.position,
                                                "business_on": business_date(e), "kind": kind, **row})

    @staticmethod
    def _referral(e: Any, on: Applied, **values: Any) -> None:
        update_row(fact_referrals, on, (str(e.originator_id),), **values)

    # ---------------------------------------------------------------- referral
    @fact.register
    def _(self, e: Household.Referred, on: Applied) -> None:
        r = e.referral
        on.batch.rows(fact_referrals).add(
            household_id=str(e.originator_id), referred_on=r.on, sources=codes_of(r.sources),
            composition=code_of(r.composition), adults=r.adults, children=r.children, reopens=0, erased=False,
            position=on.position,
        )

    @fact.register
    def _(self, e: Household.CompositionRevised, on: Applied) -> None:
        on.batch.insert(fact_composition_changes, {"household_id": str(e.originator_id), "position": on.position,
                                                   "business_on": e.on, "composition": code_of(e.composition)})

    @fact.register
    def _(self, e: Household.ReferralAdded, on: Applied) -> None:
        r = e.referral
        on.batch.insert(fact_added_referrals, {"household_id": str(e.originator_id), "position": on.position,
                                               "referred_on": r.on, "sources": codes_of(r.sources)})

    @fact.register
    def _(self, e: Household.IntakeHeld, on: Applied) -> None:
        network = e.intake.network
        self._referral(e, on, intake_on=e.intake.held_on, intake_position=on.position, network_contacts=len(network),
                       network_supportive=sum(1 for c in network if c.supportive))

    @fact.register
    def _(self, e: Household.NetworkRecorded, on: Applied) -> None:
        contacts = e.record.contacts
        on.batch.insert(fact_network_records, {"household_id": str(e.originator_id), "position": on.position,
                                               "business_on": e.record.on, "contacts": len(contacts),
                                               "supportive": sum(1 for c in contacts if c.supportive)})

    @fact.register
    def _(self, e: Household.CoordinationDecided, on: Applied) -> None:
        values = {"coordination_outcome": code_of(e.decision.outcome), "coordination_on": e.decision.on}
        self._referral(e, on, **values, coordination_position=on.position)
        self._change(e, on, "coordination", **values)

    @fact.register
    def _(self, e: Household.DroppedOut, on: Applied) -> None:
        values = {"dropped_out_kind": code_of(e.drop_out.kind), "dropped_out_on": e.drop_out.on}
        self._referral(e, on, **values)
        self._change(e, on, "dropped_out", **values)

    @fact.register
    def _(self, e: Household.Closed, on: Applied) -> None:
        c = e.closure
        values = {"closed_on": c.on, "closure_reason": code_of(c.reason), "aftercare_until": c.aftercare_until}
        self._referral(e, on, **values)
        self._change(e, on, "closed", **values)

    @fact.register
    def _(self, e: Household.Reopened, on: Applied) -> None:
        rows = on.batch.rows(fact_referrals)
        row = rows.get(str(e.originator_id))
        if row is not None:
            rows.set(row, closed_on=None, closure_reason=None, aftercare_until=None, dropped_out_kind=None,
                     dropped_out_on=None, reopens=row["reopens"] + 1)
            self._change(e, on, "reopened")

    @fact.register
    def _(self, e: Household.Erased, on: Applied) -> None:
        self._referral(e, on, erased=True, erased_on=e.erasure.on, erased_position=on.position)

    # ------------------------------------------- orientation and plan meeting (issue 15)
    @fact.register
    def _(self, e: Household.OrientationTalkHeld, on: Applied) -> None:
        t = e.talk
        on.batch.rows(fact_orientation_talks).add(
            household_id=str(e.originator_id), talk_id=t.talk_id, held_with=code_of(t.held_with), held_on=t.on,
            position=on.position)

    @fact.register
    def _(self, e: Household.PlanMeetingScheduled, on: Applied) -> None:
        m = e.meeting
        on.batch.rows(fact_plan_meetings).add(
            household_id=str(e.originator_id), meeting_id=m.meeting_id, scheduled_on=m.on,
            scheduled_for=m.scheduled_for, position=on.position)

    # --------------------------------------------------------------------- ZRM
    @fact.register
    def _(self, e: Household.ZrmMeasured, on: Applied) -> None:
        m, hid, rows = e.measurement, str(e.originator_id), on.batch.rows(fact_zrm)
        moment = code_of(m.moment)
        for domain, score in sorted(m.scores.items()):
            rows.add(household_id=hid, measurement_id=m.measurement_id, domain=domain, instrument=m.instrument,
                     moment=moment, score=int(score), measured_on=m.measured_on, member_id=m.member_id,
                     position=on.position)

    # ------------------------------------------------------------- involvement
    @fact.register
    def _(self, e: Household.InvolvementStarted, on: Applied) -> None:
        i = e.involvement
        on.batch.rows(fact_involvements).add(
            household_id=str(e.originator_id), involvement_id=i.involvement_id, kind=code_of(i.kind),
            organisation=i.organisation, discipline=i.discipline, started_on=i.started_on, ended_on=i.ended_on,
            end_reason=code_of(getattr(i, "end_reason", None)), already_involved=bool(i.already_involved),
            position=on.position,
            ended_position=on.position if i.ended_on is not None else None,
        )

    @fact.register
    def _(self, e: Household.InvolvementEnded, on: Applied) -> None:
        update_row(fact_involvements, on, (str(e.originator_id), e.involvement_id),
             ended_on=e.on, end_reason=code_of(getattr(e, "reason", None)), ended_position=on.position)

    # -------------------------------------------------------------------- plan
    @fact.register
    def _(self, e: Household.PlanGoalSet, on: Applied) -> None:
        g = e.goal
        on.batch.rows(fact_plan_goals).add(
            household_id=str(e.originator_id), goal_id=g.goal_id, life_domain=code_of(g.life_domain),
            set_on=g.set_on, target_date=g.target_date, revisions=g.revisions, position=on.position,
        )

    @fact.register
    def _(self, e: Household.PlanGoalRevised, on: Applied) -> None:
        g = e.goal
        update_row(fact_plan_goals, on, (str(e.originator_id), g.goal_id), target_date=g.target_date,
             revisions=g.revisions)
        on.batch.insert(fact_goal_revisions, {"household_id": str(e.originator_id), "goal_id": g.goal_id,
                                              "position": on.position, "business_on": business_date(e),
                                              "target_date": g.target_date, "revisions": g.revisions})

    @fact.register
    def _(self, e: Household.PlanActionAdded, on: Applied) -> None:
        a, hid = e.action, str(e.originator_id)
        goal = on.batch.rows(fact_plan_goals).get(hid, a.goal_id)
        # an action may be dated before its goal: a replay as of a day between has the action, not the goal yet
        domain = goal["life_domain"] if goal is not None else GOAL_NOT_YET
        on.batch.rows(fact_plan_actions).add(
            household_id=hid, action_id=a.action_id, goal_id=a.goal_id, life_domain=domain,
            performer_kind=code_of(a.performer.kind), performer_org=a.performer.organisation, added_on=a.added_on,
            due_on=a.due_on, completed_on=a.completed_on, cancelled_on=a.cancelled_on, position=on.position,
            completed_position=on.position if a.completed_on is not None else None,
            cancelled_position=on.position if a.cancelled_on is not None else None,
        )

    @fact.register
    def _(self, e: Household.PlanActionCompleted, on: Applied) -> None:
        update_row(fact_plan_actions, on, (str(e.originator_id), e.action_id), completed_on=e.on,
                   completed_position=on.position)

    @fact.register
    def _(self, e: Household.PlanActionCancelled, on: Applied) -> None:
        update_row(fact_plan_actions, on, (str(e.originator_id), e.action_id), cancelled_on=e.on,
                   cancelled_position=on.position)

    # --------------------------------------------------- costs and evaluations
    @fact.register
    def _(self, e: Household.CostRecorded, on: Applied) -> None:
        c = e.cost
        on.batch.rows(fact_costs).add(
            household_id=str(e.originator_id), cost_id=c.cost_id, kind=code_of(c.kind), stream=code_of(c.stream),
            amount_eur=c.amount_eur, period_start=c.period_start, period_end=c.period_end,
            recorded_on=c.recorded_on, position=on.position,
        )

    @fact.register
    def _(self, e: Household.EvaluationHeld, on: Applied) -> None:
        v = e.evaluation
        on.batch.rows(fact_evaluations).add(
            household_id=str(e.originator_id), evaluation_id=v.evaluation_id, held_on=v.held_on,
            final=bool(v.final), conclusion=code_of(v.conclusion), position=on.position,
        )

    @fact.register
    def _(self, e: Household.EscalationRaised, on: Applied) -> None:
        x = e.escalation
        on.batch.rows(fact_escalations).add(
            household_id=str(e.originator_id), escalation_id=x.escalation_id, level=code_of(x.level),
            raised_on=x.raised_on, resolved_on=x.resolved_on, position=on.position,
            resolved_position=on.position if x.resolved_on is not None else None,
        )

    @fact.register
    def _(self, e: Household.EscalationResolved, on: Applied) -> None:
        update_row(fact_escalations, on, (str(e.originator_id), e.escalation_id), resolved_on=e.on,
                   resolved_position=on.position)


_FACTS = EvaluationFacts.__dict__["fact"].dispatcher  # resolved per class once (the runner does the same for apply)
