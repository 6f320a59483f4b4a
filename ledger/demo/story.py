"""One household's story, its arcs: short cases, a short push, a long plan with evaluations, closure and after."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ledger.aggregates.dates import add_years

from .steps import Ref, Step
from .names import CONSULTANTS, END_REASONS, HANDOVER_ORGS, MUNICIPALITY, ORGANISATIONS, VOLUNTEERS, VOLUNTEER_ORGS
from .texts import (
    ACTIONS, CANCEL_REASONS, DROP_OUT_REASONS, ESCALATION_REASONS, FINAL_NOTES, GOALS,
    CHILD_SOURCES, INTERIM_NOTES, LIFE_DOMAIN_LABELS, ORIENTATION_NOTES, REFERRAL_REASONS, SOURCES,
    PERFORMER_WEIGHTS, PROFESSIONAL_FOR, RATIONALES, REFUSAL_REASONS, REOPEN_REASONS,
    REPLACE_REASONS, RESOLUTIONS, SHORT, YOUTH_LAW_RETENTION,
)
from .people import _between, _weighted
from .story_steps import _StorySteps


class _Story(_StorySteps):
    """Plans one household's steps; dates are chosen so every command is valid."""

    def plan(self) -> list[Step]:
        p, rng = self.p, self.rng
        self.refer()
        talked = self.orientation()
        if talked is not None and p.outcome in SHORT and "reopen" not in p.flags and rng.random() < 0.6:
            # as in the pilots: decided after the orientation talks, no integral intake (only the coordinated get one)
            decision = talked + timedelta(days=rng.randint(0, 7))
            self.add(decision, "decide_coordination", outcome=p.outcome,
                     rationale=self.pick_text(RATIONALES[p.outcome]))
            self.after_closure(self.short_case(decision))
            return self.steps
        intake = p.referred_on + timedelta(days=rng.choice((7, 8, 10, 12, 14, 14, 15, 18, 21, 24, 28)))
        self.refer_again(intake)
        consents = self.intake_day(max(intake, talked or intake))
        decision = self.intake_on + timedelta(days=rng.randint(0, 14))
        self.revise_composition(self.intake_on, decision)
        self.add(decision, "decide_coordination", outcome=p.outcome,
                 rationale=self.pick_text(RATIONALES[p.outcome]))
        if p.outcome in SHORT:
            close_day = self.short_case(decision)
        elif p.outcome == "short_push_then_handover":
            close_day = self.short_push(decision)
        else:
            close_day = self.long_case(decision, consents)
        self.after_closure(close_day)
        return self.steps


    def refer_again(self, intake: date) -> None:
        """Some households are referred a second time before their intake (the pilots' double referrals).

        Drawn from a generator of its own, seeded from the story's, so the rest of the story stays as it was.
        """
        sub = random.Random(repr(self.rng.getstate()[1][:4]))
        if sub.random() >= 0.12:
            return
        day = self.p.referred_on + timedelta(days=sub.randint(1, max(1, (intake - self.p.referred_on).days - 1)))
        source = sub.choice([s for s in SOURCES if s != "household_itself" and (self.p.children or s not in CHILD_SOURCES)])
        self.add(day, "add_referral", sources=[source], reason=self.text(REFERRAL_REASONS[source]))

    def orientation(self) -> date | None:
        """Orientation talks after the referral, for most households: with them, or with the professionals only.

        Returns the day of the last talk (None: no talk)."""
        rng, day = self.rng, self.p.referred_on
        if rng.random() >= 0.85:
            return None
        for _ in range(rng.choice((1, 1, 2))):
            day += timedelta(days=rng.randint(1, 4))
            with_ = "household" if rng.random() < 0.7 else "professionals"
            self.add(day, "hold_orientation_talk", "talk", held_with=with_,
                     notes=self.pick_text(ORIENTATION_NOTES[with_]))
        return day

    # -------------------------------------------------------- short cases
    def short_case(self, decision: date) -> date:
        """Coordination stays with partners, is not needed, or the household declines."""
        close_day = decision + timedelta(days=self.rng.randint(0, 10))
        if self.p.outcome == "household_declines":
            self.add(decision, "record_drop_out", kind="refusal", reason=self.pick_text(REFUSAL_REASONS))
            self.add(close_day, "close_case", reason="household_declined")
        else:
            self.add(close_day, "close_case", reason="coordination_not_needed")
        return close_day

    def assign(self, day: date) -> None:
        self.director = self.rng.choice(CONSULTANTS)
        self.add(day, "assign_case_director", user_id=self.director, organisation=MUNICIPALITY)

    def short_push(self, decision: date) -> date:
        """A short push by the broker, then a warm handover."""
        rng = self.rng
        self.assign(decision)
        handover = decision + timedelta(days=rng.randint(28, 70))
        self.last_open = handover - timedelta(days=1)
        plan_day = decision + timedelta(days=rng.randint(0, 7))
        for category in self.goal_categories()[:2]:
            self.set_goal(plan_day, category, rng.randint(1, 2))
        if rng.random() < 0.5:
            self.measure(handover, "final")
        org = rng.choice(HANDOVER_ORGS if self.p.children else HANDOVER_ORGS[:1] + HANDOVER_ORGS[2:])
        self.add(handover, "hold_evaluation", "evaluation", conclusion="hand_over", final=True,
                 notes=self.text("Evaluatie: de regie kan naar {org}; warme overdracht gepland met {naam}.",
                                 org=ORGANISATIONS[org]))
        self.add(handover, "hand_over", to_organisation=org, warm=True,
                 notes=self.text("Warme overdracht aan {org} in een gezamenlijk gesprek met {naam}.",
                                 org=ORGANISATIONS[org]))
        self.add(handover, "close_case", reason="handed_over")
        return handover

    # ------------------------------------------------------------ the plan
    def goal_categories(self) -> list[str]:
        """The goals' life domains: each problem domain's canonical life domain (ZRM 2013 ``adl`` and 2017
        ``basic_adl`` are both ``adl``; ``time_use`` is ``daytime_activities``), as the instrument declares it."""
        life = (self.matrix.domain(d).life_domain for d in self.problems)
        return list(dict.fromkeys(str(d) for d in life if d is not None))[:4]

    def set_goal(self, day: date, category: str, n_actions: int) -> None:
        rng = self.rng
        target = day + timedelta(days=rng.randint(90, 270))
        ref = self.add(day, "set_plan_goal", "goal", life_domain=category, description=self.pick_text(GOALS[category]),
                       target_date=target)
        assert ref is not None
        self.goals.append((ref, category, target))
        for _ in range(n_actions):
            self.add_action(day, ref, category)

    def add_action(self, day: date, goal: Ref, category: str) -> None:
        rng = self.rng
        kind = _weighted(rng, PERFORMER_WEIGHTS.get(self.p.outcome, PERFORMER_WEIGHTS["broker_coordinates"]))
        org = None
        if kind == "professional":
            org = rng.choice(PROFESSIONAL_FOR[category])
        elif kind == "volunteer":
            org = rng.choice(VOLUNTEER_ORGS)
        due = day + timedelta(days=rng.randint(30, 120))
        action = self.add(day, "add_plan_action", "action", goal_id=goal,
                          description=self.pick_text(ACTIONS[category][kind]),
                          performer_kind=kind, organisation=org, due_on=due)
        u = rng.random()
        if u < 0.55:
            done = _between(rng, day + timedelta(days=7), min(due + timedelta(days=30), self.last_open))
            if done is not None:
                self.add(done, "complete_plan_action", action_id=action)
        elif u < 0.70:
            stop = _between(rng, day + timedelta(days=7), min(due + timedelta(days=60), self.last_open))
            if stop is not None:
                self.add(stop, "cancel_plan_action", action_id=action, reason=self.pick_text(CANCEL_REASONS))
        # else: stays open (and becomes late once its due date passes)

    # ------------------------------------------------------------ long cases
    def long_case(self, decision: date, consents: list[Ref]) -> date:
        """The broker (or volunteers with light coordination) runs a plan for months."""
        p, rng = self.p, self.rng
        self.assign(decision)
        plan_day = decision + timedelta(days=rng.randint(0, 21))
        if "short" in p.flags:
            close_day = plan_day + timedelta(days=rng.randint(120, 180))
        elif "hand_over" in p.flags:
            close_day = plan_day + timedelta(days=rng.randint(120, 300))
        else:
            close_day = plan_day + timedelta(days=rng.randint(150, 420))
        drop_day = None
        if "drop_out" in p.flags:
            drop_day = plan_day + timedelta(days=rng.randint(40, 120))
            close_day = drop_day + timedelta(days=rng.randint(7, 30))
        # the last day for plan work: the day before the drop-out or the closure
        self.last_open = (drop_day or close_day) - timedelta(days=1)

        if p.outcome == "volunteers_deployed":
            for _ in range(rng.randint(1, 2)):
                self.start_involvement(decision, "volunteer", *rng.choice(VOLUNTEERS))
        # the plan meeting, scheduled between the decision and the day the plan is made there
        scheduled = decision + timedelta(days=rng.randint(0, (plan_day - decision).days))
        self.add(scheduled, "schedule_plan_meeting", "meeting", scheduled_for=plan_day)
        for category in self.goal_categories():
            self.set_goal(plan_day, category, rng.randint(1, 3))
        # more volunteers step in, some professionals step out (the Woerden pattern)
        for _ in range(rng.randint(1, 2)):
            day = _between(rng, plan_day, min(plan_day + timedelta(days=120), self.last_open))
            if day is not None:
                self.start_involvement(day, "volunteer", *rng.choice(VOLUNTEERS))
        for ref, started, kind in list(self.involvements):
            if rng.random() < (0.3 if kind == "professional" else 0.15):
                day = _between(rng, max(started, plan_day) + timedelta(days=30), self.last_open)
                if day is not None:
                    self.add(day, "end_involvement", involvement_id=ref, reason=_weighted(rng, END_REASONS[kind]))
        # the eco-map redrawn later: the intake's contacts, some no longer supportive, and one new friend or neighbour
        if rng.random() < 0.5:
            day = _between(rng, plan_day + timedelta(days=60), self.last_open)
            if day is not None:
                contacts = [{"relation": rel, "name": name, "supportive": rng.random() < 0.8}
                            for rel, name in self.network]
                contacts.append({"relation": rng.choice(["friend", "neighbour"]), "name": None, "supportive": True})
                self.add(day, "record_network", contacts=contacts)
        self.interim_cycles(plan_day, (drop_day or close_day) - timedelta(days=20))
        if "costs" in p.flags:
            self.intervention_costs(plan_day)
        if "escalate" in p.flags:
            raised = _between(rng, plan_day + timedelta(days=14),
                              min(plan_day + timedelta(days=120), self.last_open - timedelta(days=10)))
            if raised is not None:
                org = rng.choice(self.professionals)[0]
                escalation = self.add(raised, "raise_escalation", "escalation",
                               level=_weighted(rng, {"work_table": 6, "civil_service_steering_group": 3,
                                                     "administrative_steering_group": 1}),
                               reason=self.pick_text(ESCALATION_REASONS, org=ORGANISATIONS[org]))
                resolved = _between(rng, raised + timedelta(days=7), min(raised + timedelta(days=60), self.last_open))
                assert resolved is not None
                self.add(resolved, "resolve_escalation", escalation_id=escalation, resolution=rng.choice(RESOLUTIONS))
        if "replace" in p.flags:
            day = _between(rng, decision + timedelta(days=30),
                           min(decision + timedelta(days=180), self.last_open - timedelta(days=7)))
            if day is not None:
                self.director = rng.choice([c for c in CONSULTANTS if c != self.director])
                self.add(day, "replace_case_director", user_id=self.director, organisation=MUNICIPALITY,
                         reason=self.pick_text(REPLACE_REASONS))
        if "revise" in p.flags or rng.random() < 0.3:
            ref, _, target = rng.choice(self.goals)
            day = _between(rng, plan_day + timedelta(days=30), min(plan_day + timedelta(days=150), self.last_open))
            if day is not None:
                new_target = (target or day) + timedelta(days=rng.randint(60, 120))
                description = (self.text("Bijgesteld met {naam}: eerst een tussenstap, daarna het einddoel.")
                               if rng.random() < 0.5 else None)
                self.add(day, "revise_plan_goal", goal_id=ref, description=description, target_date=new_target)
        if "withdraw" in p.flags:
            day = _between(rng, plan_day + timedelta(days=20), min(plan_day + timedelta(days=150), self.last_open))
            if day is not None:
                self.add(day, "withdraw_consent", consent_id=consents[0])
        return self.end_long_case(close_day, drop_day)

    def interim_cycles(self, plan_day: date, until: date) -> None:
        rng = self.rng
        day = plan_day + timedelta(days=rng.randint(80, 100))
        while day <= until:
            self.measure(day, "interim")
            domain = LIFE_DOMAIN_LABELS[rng.choice(self.goals)[1]] if self.goals else "financiën"
            self.add(day, "hold_evaluation", "evaluation", conclusion="continue",
                     notes=self.pick_text(INTERIM_NOTES, domein=domain))
            for _ in range(rng.choice((0, 1, 1, 2))):
                ref, category, _ = rng.choice(self.goals)
                self.add_action(day, ref, category)
            day += timedelta(days=rng.randint(80, 100))

    def end_long_case(self, close_day: date, drop_day: date | None) -> date:
        p, rng = self.p, self.rng
        if drop_day is not None:
            self.add(drop_day, "record_drop_out", kind="drop_out", reason=self.pick_text(DROP_OUT_REASONS))
            self.add(close_day, "close_case", reason="dropped_out")
            return close_day
        self.measure(close_day, "final")
        if "hand_over" in p.flags:
            org = rng.choice(HANDOVER_ORGS)
            warm = rng.random() < 0.85
            notes = ("Warme overdracht aan {org} in een gezamenlijk gesprek met {naam}." if warm
                     else "Overdracht per brief aan {org}; {naam} was niet bereikbaar voor een gesprek.")
            self.add(close_day, "hold_evaluation", "evaluation", conclusion="hand_over", final=True,
                     notes=self.text("Eindevaluatie: de regie gaat naar {org}.", org=ORGANISATIONS[org]))
            self.add(close_day, "hand_over", to_organisation=org, warm=warm,
                     notes=self.text(notes, org=ORGANISATIONS[org]))
            self.add(close_day, "close_case", reason="handed_over")
            return close_day
        no_longer = rng.random() < 0.3
        self.add(close_day, "hold_evaluation", "evaluation",
                 conclusion="coordination_no_longer_needed" if no_longer else "close", final=True,
                 notes=self.pick_text(FINAL_NOTES))
        self.add(close_day, "close_case", reason="coordination_not_needed" if no_longer else "goals_achieved",
                 aftercare_until=close_day + timedelta(days=rng.randint(60, 120)))
        return close_day

    # ---------------------------------------------------- after closure
    def after_closure(self, close_day: date) -> None:
        p, rng = self.p, self.rng
        if "reopen" in p.flags:
            reopened = close_day + timedelta(days=rng.randint(14, 45))
            self.add(reopened, "reopen_case", reason=self.pick_text(REOPEN_REASONS))
            second_close = reopened + timedelta(days=rng.randint(45, 90))
            self.last_open = second_close - timedelta(days=1)
            restart = reopened + timedelta(days=rng.randint(0, 7))
            self.measure(restart, "interim")
            self.add(restart, "hold_evaluation", "evaluation", conclusion="continue",
                     notes=self.text("Na terugval opnieuw gestart met {naam}; plan bijgesteld."))
            ref, category, _ = self.goals[0]
            self.add_action(restart, ref, category)
            self.measure(second_close, "final")
            self.add(second_close, "hold_evaluation", "evaluation", conclusion="close", final=True,
                     notes=self.pick_text(FINAL_NOTES))
            self.add(second_close, "close_case", reason="goals_achieved",
                     aftercare_until=second_close + timedelta(days=rng.randint(60, 120)))
            close_day = second_close
        if "hold" in p.flags:
            placed = close_day + timedelta(days=rng.randint(0, 10))
            self.add(placed, "place_retention_hold", law=YOUTH_LAW_RETENTION, until=add_years(placed, 20))
        if "erase" in p.flags:
            erase_day = close_day + timedelta(days=rng.randint(30, 90))  # the privacy officer's request, executed that day
            self.add(erase_day, "request_erasure", reason="data_subject_request")
            self.add(erase_day, "erase_household", reason="data_subject_request")
