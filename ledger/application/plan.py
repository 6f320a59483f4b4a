"""The plan's commands: ZRM measurements, goals and actions, involvements, evaluations, escalations, costs.

Each is one :meth:`~ledger.application.commands.Commands._change`: load, authorise, check,
call the aggregate, save once. Item ids (goal, action, ...) come from the application's
``new_id`` and are returned with the new version.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from ledger.aggregates import Actor
from ledger.aggregates.actions import Action
from ledger.aggregates.personal import Personal, personal
from ledger.application.commands import Commands

__all__ = ["PlanCommands"]


def _required(value: str) -> Personal:
    """A required personal text: ``personal()`` as every command wraps it (``None`` stays ``None``, for the rule)."""
    return personal(value)


class PlanCommands(Commands):
    """The commands that carry a household's plan and the work on it."""

    def record_zrm_measurement(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, instrument: str, moment: str,
        scores: dict[str, int], member_id: str | None = None, on: date | None = None,
    ) -> tuple[str, int]:
        day = self._on(on)
        measurement_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.RECORD_ZRM_MEASUREMENT, "zrm_measurement_recorded",
            lambda h: h.measure_zrm(
                actor=actor, on=day, measurement_id=measurement_id, instrument=instrument, moment=moment,
                scores=scores, member_id=member_id))
        return measurement_id, version

    def record_measurement(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, instrument: str, moment: str,
        scores: dict[str, int], member_id: str | None = None, on: date | None = None,
    ) -> tuple[str, int]:
        """A measurement with any registered instrument (``ledger.aggregates.instruments``)."""
        day = self._on(on)
        measurement_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.RECORD_MEASUREMENT, "measurement_recorded",
            lambda h: h.record_measurement(
                actor=actor, on=day, measurement_id=measurement_id, instrument=instrument, moment=moment,
                scores=scores, member_id=member_id))
        return measurement_id, version

    def set_plan_goal(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, life_domain: str,
        description: str, target_date: date | None = None, on: date | None = None,
    ) -> tuple[str, int]:
        day = self._on(on)
        goal_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.SET_PLAN_GOAL, "plan_goal_set",
            lambda h: h.set_plan_goal(
                actor=actor, on=day, goal_id=goal_id, life_domain=life_domain,
                description=_required(description), target_date=target_date))
        return goal_id, version

    def revise_plan_goal(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, goal_id: str,
        description: str | None = None, target_date: date | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.REVISE_PLAN_GOAL, "plan_goal_revised",
            lambda h: h.revise_plan_goal(
                actor=actor, on=day, goal_id=goal_id, description=personal(description), target_date=target_date))

    def add_plan_action(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, goal_id: str, description: str,
        performer_kind: str, organisation: str | None = None, due_on: date | None = None, on: date | None = None,
    ) -> tuple[str, int]:
        day = self._on(on)
        action_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.ADD_PLAN_ACTION, "plan_action_added",
            lambda h: h.add_plan_action(
                actor=actor, on=day, action_id=action_id, goal_id=goal_id, description=_required(description),
                performer_kind=performer_kind, organisation=organisation, due_on=due_on),
            organisations=[organisation])
        return action_id, version

    def complete_plan_action(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, action_id: str,
        on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.COMPLETE_PLAN_ACTION, "plan_action_completed",
            lambda h: h.complete_plan_action(
                actor=actor, on=day, action_id=action_id),
            plan_action_id=action_id)  # the policy: an involved professional, only their organisation's

    def cancel_plan_action(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, action_id: str,
        reason: str | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.CANCEL_PLAN_ACTION, "plan_action_cancelled",
            lambda h: h.cancel_plan_action(
                actor=actor, on=day, action_id=action_id, reason=personal(reason)),
            plan_action_id=action_id)

    def start_involvement(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, kind: str, organisation: str,
        discipline: str, worker_id: str | None = None, contact_name: str | None = None, on: date | None = None,
        already_involved: bool = False,
    ) -> tuple[str, int]:
        """``already_involved``: the agency was involved when the household was referred (may be dated before it)."""
        day = self._on(on)
        involvement_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.START_INVOLVEMENT, "involvement_started",
            lambda h: h.start_involvement(
                actor=actor, on=day, involvement_id=involvement_id, kind=kind, organisation=organisation,
                discipline=discipline, worker_id=worker_id, contact_name=personal(contact_name),
                already_involved=already_involved),
            organisations=[organisation], users=[worker_id])
        return involvement_id, version

    def end_involvement(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, involvement_id: str,
        reason: str, on: date | None = None,
    ) -> int:
        """``reason``: an InvolvementEndReason code (goal_reached, handed_over, ...)."""
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.END_INVOLVEMENT, "involvement_ended",
            lambda h: h.end_involvement(
                actor=actor, on=day, involvement_id=involvement_id, reason=reason),
            involvement_id=involvement_id)  # the policy: an involved professional ends only their own

    def hold_evaluation(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, conclusion: str,
        final: bool = False, notes: str | None = None, on: date | None = None,
    ) -> tuple[str, int]:
        day = self._on(on)
        evaluation_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.HOLD_EVALUATION, "evaluation_held",
            lambda h: h.hold_evaluation(
                actor=actor, on=day, evaluation_id=evaluation_id, conclusion=conclusion, final=final,
                notes=personal(notes)))
        return evaluation_id, version

    def raise_escalation(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, level: str, reason: str,
        on: date | None = None,
    ) -> tuple[str, int]:
        day = self._on(on)
        escalation_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.RAISE_ESCALATION, "escalation_raised",
            lambda h: h.raise_escalation(
                actor=actor, on=day, escalation_id=escalation_id, level=level, reason=_required(reason)))
        return escalation_id, version

    def resolve_escalation(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, escalation_id: str,
        resolution: str | None = None, on: date | None = None,
    ) -> int:
        day = self._on(on)
        return self._change(actor, household_id, expected_version, Action.RESOLVE_ESCALATION, "escalation_resolved",
            lambda h: h.resolve_escalation(
                actor=actor, on=day, escalation_id=escalation_id, resolution=personal(resolution)))

    def record_cost(
        self, actor: Actor, household_id: UUID | str, *, expected_version: int, kind: str, stream: str,
        amount_eur: Decimal | str, period_start: date, period_end: date, description: str | None = None,
        on: date | None = None,
    ) -> tuple[str, int]:
        day = self._on(on)
        cost_id = self.new_id()
        version = self._change(actor, household_id, expected_version, Action.RECORD_COST, "cost_recorded",
            lambda h: h.record_cost(
                actor=actor, on=day, cost_id=cost_id, kind=kind, stream=stream, amount_eur=amount_eur,
                period_start=period_start, period_end=period_end, description=personal(description)))
        return cost_id, version
