"""The household's commands: one method per use case, named as it (ledger/aggregates/actions.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from ._http import Http
from .values import Written, _seg

__all__ = ["CommandRequests"]


class CommandRequests(Http):
    """A write to one household: it names the version it expects and returns :class:`Written`."""

    def add_referral(self, household_id: str, version: int, sources: Sequence[str], *, reason: str | None = None,
                     on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        """A later referral of a known household (another source): its referral sources grow."""
        return self._command(household_id, "referrals", version, idempotency_key, sources=list(sources),
                             reason=reason, on=on)

    def record_intake(self, household_id: str, version: int, domains_discussed: Sequence[str], *,
                      agencies_involved: Sequence[str] = (), summary: str | None = None,
                      network: Sequence[Mapping[str, Any]] = (),
                      on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        """``network``: the eco-map, each ``{"relation": ..., "name": ... (optional), "supportive": bool}``."""
        return self._command(household_id, "intakes", version, idempotency_key,
                             domains_discussed=list(domains_discussed), agencies_involved=list(agencies_involved),
                             summary=summary, network=[dict(c) for c in network], on=on)

    def record_network(self, household_id: str, version: int, contacts: Sequence[Mapping[str, Any]], *,
                       on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        """The household's own network as it is now (after the intake): contacts as in ``record_intake``."""
        return self._command(household_id, "network", version, idempotency_key,
                             contacts=[dict(c) for c in contacts], on=on)

    def revise_composition(self, household_id: str, version: int, *, composition: str | None = None,
                           relations: Sequence[Mapping[str, str]] | None = None, on: date | str | None = None,
                           idempotency_key: str | None = None) -> Written:
        """The household changed: a composition, or relations it is derived from (they replace the earlier ones)."""
        return self._command(household_id, "composition", version, idempotency_key, composition=composition,
                             relations=list(relations) if relations is not None else None, on=on)

    def hold_orientation_talk(self, household_id: str, version: int, held_with: str, *, notes: str | None = None,
                              on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        """An orientation talk before the coordination decision: ``held_with`` household or professionals."""
        return self._command(household_id, "orientation-talks", version, idempotency_key,
                             held_with=held_with, notes=notes, on=on)

    def schedule_plan_meeting(self, household_id: str, version: int, scheduled_for: date | str, *,
                              on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "plan-meetings", version, idempotency_key,
                             scheduled_for=scheduled_for, on=on)

    def decide_coordination(self, household_id: str, version: int, outcome: str, *, rationale: str | None = None,
                            on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "coordination-decisions", version, idempotency_key,
                             outcome=outcome, rationale=rationale, on=on)

    def set_case_director(self, household_id: str, version: int, user_id: str, organisation: str, *,
                          reason: str | None = None, on: date | str | None = None,
                          idempotency_key: str | None = None) -> Written:
        """Assign the case director, or replace the current one (then give a ``reason``)."""
        return self._command(household_id, "case-director", version, idempotency_key, "PUT",
                             user_id=user_id, organisation=organisation, reason=reason, on=on)

    def grant_consent(self, household_id: str, version: int, *, organisations: Sequence[str],
                      data_categories: Sequence[str] = (), purpose: str = "coordination", basis: str = "consent",
                      member_id: str | None = None, valid_from: date | str | None = None,
                      valid_until: date | str | None = None, legal_reference: str | None = None,
                      on: date | str | None = None, idempotency_key: str | None = None,
                      decided_by: str | None = None, preset: str | None = None) -> Written:
        """A member's consent (``basis="consent"``, name the ``member_id``) or a legal basis; ``item_id`` is its id.

        ``member_id`` is one of the household's ``members[].member_id``; ``preset`` (``coordination``,
        ``life_domains``, ``all``: :data:`ledger.cli.remote.vocabulary.CONSENT_PRESETS`) adds its categories to
        ``data_categories``. ``Written.consent`` is the consent as stored. A legal basis names who decided
        it (``decided_by``, default you) and goes to the privacy officer's review.
        """
        return self._command(household_id, "consents", version, idempotency_key, basis=basis, member_id=member_id,
                             organisations=list(organisations), data_categories=list(data_categories),
                             preset=preset, purpose=purpose, valid_from=valid_from, valid_until=valid_until,
                             legal_reference=legal_reference, on=on, decided_by=decided_by)

    def withdraw_consent(self, household_id: str, version: int, consent_id: str, *, on: date | str | None = None,
                         idempotency_key: str | None = None) -> Written:
        return self._command(household_id, f"consents/{_seg(consent_id)}/withdrawal", version, idempotency_key, on=on)

    def record_zrm_measurement(self, household_id: str, version: int, scores: Mapping[str, int], *, instrument: str = "2017",
                   moment: str = "intake", member_id: str | None = None, on: date | str | None = None,
                   idempotency_key: str | None = None) -> Written:
        """A ZRM measurement: ``scores`` by life domain, 1..5; ``item_id`` is the measurement's id."""
        return self._command(household_id, "zrm-measurements", version, idempotency_key, instrument=instrument,
                             moment=moment, scores=dict(scores), member_id=member_id, on=on)

    def record_measurement(self, household_id: str, version: int, instrument: str, scores: Mapping[str, int], *,
                           moment: str = "intake", member_id: str | None = None, on: date | str | None = None,
                           idempotency_key: str | None = None) -> Written:
        """A measurement with any instrument (``2017``, ``ladder``, ``satisfaction_10``, ``life_score``, ...):
        ``scores`` by the instrument's domain, within its scale; ``item_id`` is the measurement's id."""
        return self._command(household_id, "measurements", version, idempotency_key, instrument=instrument,
                             moment=moment, scores=dict(scores), member_id=member_id, on=on)

    def set_plan_goal(self, household_id: str, version: int, life_domain: str, description: str, *,
                 target_date: date | str | None = None, on: date | str | None = None,
                 idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "plan/goals", version, idempotency_key, life_domain=life_domain,
                             description=description, target_date=target_date, on=on)

    def revise_plan_goal(self, household_id: str, version: int, goal_id: str, *, description: str | None = None,
                         target_date: date | str | None = None, on: date | str | None = None,
                         idempotency_key: str | None = None) -> Written:
        """Reword a goal or move its target date (what is left out stays as it was)."""
        return self._command(household_id, f"plan/goals/{_seg(goal_id)}/revision", version, idempotency_key,
                             description=description, target_date=target_date, on=on)

    def add_plan_action(self, household_id: str, version: int, goal_id: str, description: str, performer_kind: str, *,
                   organisation: str | None = None, due_on: date | str | None = None, on: date | str | None = None,
                   idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "plan/actions", version, idempotency_key, goal_id=goal_id,
                             description=description, performer_kind=performer_kind, organisation=organisation,
                             due_on=due_on, on=on)

    def complete_plan_action(self, household_id: str, version: int, action_id: str, *, on: date | str | None = None,
                        idempotency_key: str | None = None) -> Written:
        return self._command(household_id, f"plan/actions/{_seg(action_id)}/completion", version, idempotency_key,
                             on=on)

    def cancel_plan_action(self, household_id: str, version: int, action_id: str, *, reason: str | None = None,
                      on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        return self._command(household_id, f"plan/actions/{_seg(action_id)}/cancellation", version,
                             idempotency_key, reason=reason, on=on)

    def start_involvement(self, household_id: str, version: int, organisation: str, discipline: str, *,
                          kind: str = "professional", worker_id: str | None = None, contact_name: str | None = None,
                          on: date | str | None = None, already_involved: bool = False,
                          idempotency_key: str | None = None) -> Written:
        """``already_involved``: the agency was involved when the household was referred (``on`` may precede it)."""
        return self._command(household_id, "involvements", version, idempotency_key, kind=kind,
                             organisation=organisation, discipline=discipline, worker_id=worker_id,
                             contact_name=contact_name, on=on, already_involved=already_involved)

    def end_involvement(self, household_id: str, version: int, involvement_id: str, reason: str, *,
                        on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        """``reason``: goal_reached, handed_over, household_stopped, no_contact, capacity, volunteers_took_over, other."""
        return self._command(household_id, f"involvements/{_seg(involvement_id)}/ending", version,
                             idempotency_key, reason=reason, on=on)

    def hold_evaluation(self, household_id: str, version: int, conclusion: str, *, final: bool = False,
                        notes: str | None = None, on: date | str | None = None,
                        idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "evaluations", version, idempotency_key, conclusion=conclusion,
                             final=final, notes=notes, on=on)

    def raise_escalation(self, household_id: str, version: int, level: str, reason: str, *,
                         on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "escalations", version, idempotency_key, level=level, reason=reason,
                             on=on)

    def resolve_escalation(self, household_id: str, version: int, escalation_id: str, *,
                           resolution: str | None = None, on: date | str | None = None,
                           idempotency_key: str | None = None) -> Written:
        return self._command(household_id, f"escalations/{_seg(escalation_id)}/resolution", version,
                             idempotency_key, resolution=resolution, on=on)

    def record_cost(self, household_id: str, version: int, kind: str, stream: str, amount_eur: Decimal | str,
                    period_start: date | str, period_end: date | str, *, description: str | None = None,
                    on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "costs", version, idempotency_key, kind=kind, stream=stream,
                             amount_eur=str(amount_eur), period_start=period_start, period_end=period_end,
                             description=description, on=on)

    def hand_over(self, household_id: str, version: int, to_organisation: str, *, warm: bool = True,
                  notes: str | None = None, on: date | str | None = None,
                  idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "handovers", version, idempotency_key, to_organisation=to_organisation,
                             warm=warm, notes=notes, on=on)

    def record_drop_out(self, household_id: str, version: int, kind: str, *, reason: str | None = None,
                        on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "drop-outs", version, idempotency_key, kind=kind, reason=reason, on=on)

    def close_case(self, household_id: str, version: int, reason: str, *,
                   aftercare_until: date | str | None = None, on: date | str | None = None,
                   idempotency_key: str | None = None) -> Written:
        """Close the case (``close()`` releases the client's connections, as in httpx)."""
        return self._command(household_id, "closure", version, idempotency_key, reason=reason,
                             aftercare_until=aftercare_until, on=on)

    def reopen_case(self, household_id: str, version: int, *, reason: str | None = None, on: date | str | None = None,
               idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "reopening", version, idempotency_key, reason=reason, on=on)
