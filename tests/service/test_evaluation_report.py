"""The evaluation report, replayed from the ledger: every figure against a hand-computed answer.

A small municipality of five households is written through the application's commands,
day by day, in the order things happened (the clock set to each business day). Its
report is checked in full as of two dates, D1 and D2; the events recorded between them
are exactly what changes between the two reports. A report taken live on D1 equals the
report replayed later as of D1. The service serves it over HTTP as JSON, HTML and CSV,
to evaluators and consultants only.

Five households are too few for disclosure control (tests/service/test_report_disclosure.py
covers it at the service's default): the exact tables run on a deployment configured with
``LEDGER_REPORT_MIN_CELL=1`` (internal analysis), and one test shows the rules at a minimum of 2.

The households (the cohort is every referral from 2026-01-01; H5 was referred before):

=====  ==========  ============================  =================================================
H1     2026-01-05  wmo_desk + police, 2 adults   intake 01-12 (7 d), ZRM 2017 intake, 2 professionals,
                   + 1 child (two_parents)       director u-dir1 01-14, baseline costs, plan 01-19
                                                 (3 actions), volunteer 01-20; after D1: interim
                                                 evaluation and ZRM 04-19, intervention costs
H2     2026-01-20  social_work, adult + child    intake 02-04 (15 d), ZRM 2013 intake for m1, one
                   (single_parent)               professional; after D1: director u-dir1, baseline
                                                 costs, plan 03-03, ZRM 2013 interims, a 2017 interim
H3     2026-02-02  wmo_desk, 1 adult             intake 02-09, not_needed, closed 02-10; erased after D1
H4     2026-03-02  police + wmo_desk, 2 adults   after D1 only: intake 03-11 (9 d), refusal, closed
H5     2025-12-15  general_practitioner, 1 adult before the period: only in caseloads (director
                                                 u-dir2, phase intake) and the report from the start
=====  ==========  ============================  =================================================
"""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Any

import httpx
import pytest

from report_flows import flows
from conftest import OPERATOR, Api, FixedClock, Store
from ledger.aggregates import Actor
from ledger.application import NewMember
from ledger.privacy.access import AccessDeniedError
from ledger.privacy.chain import Digest
from ledger.reports import evaluation_report, render_csv, render_html
from ledger.reports.figures import CASELOAD_NORMS, ZRM_RULE

EVALUATOR = Actor("u-eval", "gemeente-testdorp", "evaluator")  # the municipality's own (issue 12, item 7)
START = date(2026, 1, 1)
D1, D2 = date(2026, 2, 10), date(2026, 5, 4)
GEMEENTE, WIJKTEAM = "gemeente-testdorp", "wijkteam-testdorp"


class Town:
    """Households driven through the application as the operator, each step on its own day, in order."""

    def __init__(self, ledger: Any, clock: FixedClock) -> None:
        self.ledger, self.app, self.clock = ledger, ledger.app, clock
        self.ids: dict[str, Any] = {}
        self.version: dict[str, int] = {}
        self.events: list[tuple[str, date]] = []  # one per command: (household, day)

    def refer(self, key: str, day: date, sources: list[str], roles: list[str]) -> None:
        self.clock.set(day)
        members = [NewMember(role, f"Persoon {key}-{i}") for i, role in enumerate(roles, start=1)]
        self.ids[key], self.version[key] = self.app.refer_household(OPERATOR, sources=sources, members=members)
        self.events.append((key, day))

    def __call__(self, key: str, day: date, command: str, **kwargs: Any) -> Any:
        self.clock.set(day)
        result = getattr(self.app, command)(OPERATOR, self.ids[key], expected_version=self.version[key], **kwargs)
        self.events.append((key, day))
        if isinstance(result, tuple):
            item, self.version[key] = result
            return item
        self.version[key] = result
        return None

    def count(self, households: set[str], until: date) -> int:
        return sum(1 for key, day in self.events if key in households and day <= until)


def build_until_d1(town: Town) -> dict[str, str]:
    t, d = town, date
    t.refer("H5", d(2025, 12, 15), ["general_practitioner"], ["adult"])
    t("H5", d(2025, 12, 22), "record_intake", domains_discussed=["finances"])
    t("H5", d(2025, 12, 22), "assign_case_director", user_id="u-dir2", organisation=WIJKTEAM)
    t("H5", d(2025, 12, 22), "record_cost", kind="baseline", stream="income_support", amount_eur="8000.00",
      period_start=d(2023, 12, 15), period_end=d(2025, 12, 14))
    t.refer("H1", d(2026, 1, 5), ["wmo_desk", "police"], ["adult", "adult", "child"])
    t("H5", d(2026, 1, 10), "record_cost", kind="intervention", stream="care", amount_eur="500.00",
      period_start=d(2025, 12, 15), period_end=d(2025, 12, 31))
    t("H1", d(2026, 1, 12), "record_intake", domains_discussed=["finances", "housing", "mental_health"])
    t("H1", d(2026, 1, 12), "record_zrm_measurement", instrument="2017", moment="intake",
      scores={"finances": 2, "housing": 3, "mental_health": 4})
    # a member-level baseline too: the household-level series comes first
    t("H1", d(2026, 1, 12), "record_zrm_measurement", instrument="2017", moment="intake", scores={"housing": 1},
      member_id="m1")
    t("H1", d(2026, 1, 12), "start_involvement", kind="professional", organisation="ggz-regio", discipline="mental_health_care")
    schuldhulp = t("H1", d(2026, 1, 12), "start_involvement", kind="professional",
                   organisation="schuldhulp-testdorp", discipline="debt_counselling")
    t("H1", d(2026, 1, 14), "decide_coordination", outcome="broker_coordinates")
    t("H1", d(2026, 1, 14), "assign_case_director", user_id="u-dir1", organisation=GEMEENTE)
    for stream, amount in (("income_support", "20000.00"), ("care", "10000.00")):
        t("H1", d(2026, 1, 14), "record_cost", kind="baseline", stream=stream, amount_eur=amount,
          period_start=d(2024, 1, 5), period_end=d(2026, 1, 4))
    goal = t("H1", d(2026, 1, 19), "set_plan_goal", life_domain="finances", description="Schulden op orde")
    a1 = t("H1", d(2026, 1, 19), "add_plan_action", goal_id=goal, description="x", performer_kind="self",
           due_on=d(2026, 2, 1))
    t("H1", d(2026, 1, 19), "add_plan_action", goal_id=goal, description="x", performer_kind="professional",
      organisation="schuldhulp-testdorp", due_on=d(2026, 3, 1))
    a3 = t("H1", d(2026, 1, 19), "add_plan_action", goal_id=goal, description="x", performer_kind="volunteer")
    t("H1", d(2026, 1, 20), "start_involvement", kind="volunteer", organisation="humanitas", discipline="buddy")
    t.refer("H2", d(2026, 1, 20), ["social_work"], ["adult", "child"])
    t("H1", d(2026, 1, 30), "complete_plan_action", action_id=a1)
    t("H1", d(2026, 2, 2), "end_involvement", involvement_id=schuldhulp, reason="goal_reached")
    t.refer("H3", d(2026, 2, 2), ["wmo_desk"], ["adult"])
    t("H2", d(2026, 2, 4), "record_intake", domains_discussed=["finances", "housing"])
    t("H2", d(2026, 2, 4), "record_zrm_measurement", instrument="2013", moment="intake",
      scores={"finances": 1, "housing": 2}, member_id="m1")
    t("H2", d(2026, 2, 4), "start_involvement", kind="professional", organisation="jeugdteam", discipline="youth_care")
    t("H3", d(2026, 2, 9), "record_intake", domains_discussed=["finances"])
    t("H3", d(2026, 2, 9), "decide_coordination", outcome="not_needed")
    t("H3", d(2026, 2, 10), "close_case", reason="coordination_not_needed")
    return {"a3": a3}


def build_until_d2(town: Town, items: dict[str, str]) -> None:
    t, d = town, date
    t("H2", d(2026, 2, 17), "decide_coordination", outcome="volunteers_deployed")
    t("H2", d(2026, 2, 17), "assign_case_director", user_id="u-dir1", organisation=GEMEENTE)
    t("H2", d(2026, 2, 17), "record_cost", kind="baseline", stream="care", amount_eur="4000.00",
      period_start=d(2024, 1, 20), period_end=d(2026, 1, 19))
    t.refer("H4", d(2026, 3, 2), ["police", "wmo_desk"], ["adult", "adult"])
    goal = t("H2", d(2026, 3, 3), "set_plan_goal", life_domain="housing", description="Wonen")
    t("H2", d(2026, 3, 3), "add_plan_action", goal_id=goal, description="x", performer_kind="network",
      due_on=d(2026, 4, 1))
    t("H2", d(2026, 3, 3), "add_plan_action", goal_id=goal, description="x", performer_kind="professional",
      organisation="jeugdteam", due_on=d(2026, 6, 1))
    t("H4", d(2026, 3, 11), "record_intake", domains_discussed=["finances"])
    t("H4", d(2026, 3, 12), "record_drop_out", kind="refusal")
    t("H4", d(2026, 3, 12), "decide_coordination", outcome="household_declines")
    t("H4", d(2026, 3, 13), "close_case", reason="household_declined")
    t("H2", d(2026, 3, 17), "record_zrm_measurement", instrument="2013", moment="interim",
      scores={"housing": 3, "finances": 1}, member_id="m1")
    t("H3", d(2026, 3, 20), "erase_household", reason="data_subject_request")
    t("H2", d(2026, 4, 14), "record_zrm_measurement", instrument="2013", moment="interim", scores={"housing": 4},
      member_id="m1")
    # a 2017 measurement without a 2017 baseline: never compared with the 2013 one
    t("H2", d(2026, 4, 14), "record_zrm_measurement", instrument="2017", moment="interim", scores={"finances": 2})
    t("H1", d(2026, 4, 19), "hold_evaluation", conclusion="continue")
    t("H1", d(2026, 4, 19), "record_zrm_measurement", instrument="2017", moment="interim",
      scores={"finances": 3, "housing": 3, "mental_health": 3})
    # later the same day: the latest finances score is this one (ledger order within a day)
    t("H1", d(2026, 4, 19), "record_zrm_measurement", instrument="2017", moment="interim", scores={"finances": 4})
    for stream, amount in (("income_support", "6000.00"), ("care", "1000.00")):
        t("H1", d(2026, 4, 20), "record_cost", kind="intervention", stream=stream, amount_eur=amount,
          period_start=d(2026, 1, 5), period_end=d(2026, 3, 31))
    t("H1", d(2026, 4, 20), "cancel_plan_action", action_id=items["a3"])


# ------------------------------------------------------------------ the hand-computed answers
def scores(**counts: int) -> dict[str, int]:
    """A score distribution: ``scores(s2=1)`` is one household with score 2."""
    return {str(s): counts.get(f"s{s}", 0) for s in range(1, 6)}


def domain(measured: int, at_most_3: int, compared: int, up: int, same: int, down: int,
           intake: dict[str, int], intake_compared: dict[str, int], latest: dict[str, int]) -> dict[str, Any]:
    return {"intake_measured": measured, "intake_at_most_3": at_most_3, "compared": compared, "up": up,
            "same": same, "down": down, "intake_scores": intake, "intake_scores_compared": intake_compared,
            "latest_scores": latest}


def stats(n: int, median: float | None = None, q1: float | None = None, q3: float | None = None,
          low: int | None = None, high: int | None = None) -> dict[str, Any]:
    return {"n": n, "median": median, "q1": q1, "q3": q3, "min": low, "max": high}


def tally(added: int, done: int, cancelled: int, open_: int, late: int) -> dict[str, int]:
    return {"added": added, "done": done, "cancelled": cancelled, "open": open_, "late": late}


def money(baseline: float | None, approach: float | None, change: float | None) -> dict[str, Any]:
    return {"baseline_per_year": baseline, "approach_per_year": approach, "change_pct": change}


SOURCES = ["municipal_work_and_income", "school_attendance_officer", "social_work", "youth_health_care", "wmo_desk",
           "housing_corporation", "debt_counselling", "police", "general_practitioner", "private_person",
           "household_itself", "other"]
OUTCOMES = ["stays_with_partners", "short_push_then_handover", "volunteers_deployed", "not_needed",
            "broker_coordinates", "household_declines"]
NO_COSTS = money(None, None, None)

EXPECTED_D1: dict[str, Any] = {
    "period": {"from": "2026-01-01", "to": "2026-02-10"},
    "as_of": "2026-02-10",
    "min_cell": 1,
    # H1 17 events, H2 4, H3 4 (H5 is outside the period)
    "basis": {"households": 3, "events": 25, "erased_households": 0},
    "referrals": {
        "households": 3,
        "by_source": {**dict.fromkeys(SOURCES, 0), "wmo_desk": 2, "police": 1, "social_work": 1},
        "multiple_sources": 1,
        "source_combinations": {"police+wmo_desk": 1},
        "referrals": 3, "referred_once": 3, "referred_more_than_once": 0,  # no later referrals (issue 15)
    },
    "composition": {"by_kind": (KINDS_1 := {
                        "single": 1, "couple_without_children": 0, "couple_with_children": 1,
                        "mother_with_children": 0, "father_with_children": 0, "other": 0,
                        "single_parent_not_recorded": 1}),
                    "as_revised": KINDS_1, "revised": 0,
                    "with_children": 2, "adults": 4, "children": 2},
    "coordination": {"decided": 2, "undecided": 1,
                     "by_outcome": {**dict.fromkeys(OUTCOMES, 0), "broker_coordinates": 1, "not_needed": 1}},
    "phases": {"referred": 3, "orientation_talk_held": 0, "orientation_with_household": 0,
               "orientation_professionals_only": 0, "coordination_decided": 2, "intake_held": 3, "plan_scheduled": 0,
               "plan_made": 1, "interim_evaluation_held": 0, "closed": 1, "dropped_out": 0, "refused": 0},
    "zrm": {
        "rule": ZRM_RULE,
        "households_with_two_instruments": 0,
        "instruments": {
            "2013": {"households": 1, "domains": {
                "finances": domain(1, 1, 0, 0, 0, 0, scores(s1=1), scores(), scores()),
                "housing": domain(1, 1, 0, 0, 0, 0, scores(s2=1), scores(), scores()),
            }},
            "2017": {"households": 1, "domains": {
                "finances": domain(1, 1, 0, 0, 0, 0, scores(s2=1), scores(), scores()),
                "housing": domain(1, 1, 0, 0, 0, 0, scores(s3=1), scores(), scores()),  # household before m1
                "mental_health": domain(1, 0, 0, 0, 0, 0, scores(s4=1), scores(), scores()),
            }},
        },
    },
    # H1 only (H2's director came on 02-17): 2 professionals at intake, 1 left on D1; a volunteer since 01-20
    "involvement": {
        "households": 1,
        # H1: ggz-regio and schuldhulp at intake, schuldhulp ended 02-02 (goal reached), humanitas volunteer 01-20
        "professionals": {"at_start": 2, "at_report_date": 1, "change_pct": -50.0, "per_household_at_start": 2.0,
                          "per_household_at_report_date": 1.0, **flows(followed=2, engaged=0, goal_reached=1)},
        "volunteers": {"at_start": 0, "at_report_date": 1, "change_pct": None, "per_household_at_start": 0.0,
                       "per_household_at_report_date": 1.0, **flows(followed=1, engaged=1)},
        "organisations": {"at_start": 2, "at_report_date": 2, "ever": 3},
        "households_with_already_involved": 0, "households_volunteers_took_over": 0,
    },
    "plan_actions": {
        "by_performer": {"self": tally(1, 1, 0, 0, 0), "network": tally(0, 0, 0, 0, 0),
                         "volunteer": tally(1, 0, 0, 1, 0), "professional": tally(1, 0, 0, 1, 0)},
        "total": tally(3, 1, 0, 2, 0),
    },
    "lead_times": {
        "referral_to_intake": stats(3, 7.0, 7.0, 11.0, 7, 15),  # [7, 7, 15]
        "intake_to_plan": stats(1, 7.0, 7.0, 7.0, 7, 7),
        "plan_to_first_interim_evaluation": stats(0),
        "referral_to_plan": stats(1, 14.0, 14.0, 14.0, 14, 14),
    },
    "caseloads": {
        "on": "2026-02-10", "directors": 2, "households": 2, "median": 1.0, "max": 1,
        "against_norm": {"below": 2, "within": 0, "above": 0},
        "per_director": [
            {"director": "R1", "organisation": GEMEENTE, "households": 1, "by_phase": {"plan": 1}, "norm": "below"},
            {"director": "R2", "organisation": WIJKTEAM, "households": 1, "by_phase": {"intake": 1},
             "norm": "below"},
        ],
        "norms": CASELOAD_NORMS,
    },
    "costs": {
        "households_with_baseline": 1, "households_with_intervention": 0, "households_with_both": 0,
        "by_stream": {s: NO_COSTS for s in ("income_support", "care", "local_prevention", "transaction")},
        "total_per_year": NO_COSTS, "per_household_per_year": NO_COSTS,
    },
}

EXPECTED_D2: dict[str, Any] = {
    "period": {"from": "2026-01-01", "to": "2026-05-04"},
    "as_of": "2026-05-04",
    "min_cell": 1,
    # 25 + H1 6, H2 9, H3 1 (erasure), H4 5
    "basis": {"households": 4, "events": 46, "erased_households": 1},
    "referrals": {
        "households": 4,
        "by_source": {**dict.fromkeys(SOURCES, 0), "wmo_desk": 3, "police": 2, "social_work": 1},
        "multiple_sources": 2,
        "source_combinations": {"police+wmo_desk": 2},
        "referrals": 4, "referred_once": 4, "referred_more_than_once": 0,
    },
    "composition": {"by_kind": (KINDS_2 := {
                        "single": 1, "couple_without_children": 1, "couple_with_children": 1,
                        "mother_with_children": 0, "father_with_children": 0, "other": 0,
                        "single_parent_not_recorded": 1}),
                    "as_revised": KINDS_2, "revised": 0,
                    "with_children": 2, "adults": 6, "children": 2},
    "coordination": {"decided": 4, "undecided": 0,
                     "by_outcome": {**dict.fromkeys(OUTCOMES, 0), "broker_coordinates": 1, "not_needed": 1,
                                    "volunteers_deployed": 1, "household_declines": 1}},
    "phases": {"referred": 4, "orientation_talk_held": 0, "orientation_with_household": 0,
               "orientation_professionals_only": 0, "coordination_decided": 4, "intake_held": 4, "plan_scheduled": 0,
               "plan_made": 2, "interim_evaluation_held": 1, "closed": 2, "dropped_out": 0, "refused": 1},
    "zrm": {
        "rule": ZRM_RULE,
        "households_with_two_instruments": 1,  # H2: its 2017 interim is not compared with its 2013 baseline
        "instruments": {
            "2013": {"households": 1, "domains": {  # H2, member m1
                "finances": domain(1, 1, 1, 0, 1, 0, scores(s1=1), scores(s1=1), scores(s1=1)),  # 1 -> 1
                "housing": domain(1, 1, 1, 1, 0, 0, scores(s2=1), scores(s2=1), scores(s4=1)),  # 2 -> 3 -> 4
            }},
            "2017": {"households": 1, "domains": {  # H1
                "finances": domain(1, 1, 1, 1, 0, 0, scores(s2=1), scores(s2=1), scores(s4=1)),  # 2 -> 3, 4
                "housing": domain(1, 1, 1, 0, 1, 0, scores(s3=1), scores(s3=1), scores(s3=1)),
                "mental_health": domain(1, 0, 1, 0, 0, 1, scores(s4=1), scores(s4=1), scores(s3=1)),
            }},
        },
    },
    # H1 and H2: professionals 2 + 1 at intake, 1 + 1 on D2; H1's volunteer
    "involvement": {
        "households": 2,
        # and H2 (directed after D1): jeugdteam at its intake
        "professionals": {"at_start": 3, "at_report_date": 2, "change_pct": -33.3, "per_household_at_start": 1.5,
                          "per_household_at_report_date": 1.0, **flows(followed=3, engaged=0, goal_reached=1)},
        "volunteers": {"at_start": 0, "at_report_date": 1, "change_pct": None, "per_household_at_start": 0.0,
                       "per_household_at_report_date": 0.5, **flows(followed=1, engaged=1)},
        "organisations": {"at_start": 3, "at_report_date": 3, "ever": 4},
        "households_with_already_involved": 0, "households_volunteers_took_over": 0,
    },
    "plan_actions": {
        "by_performer": {"self": tally(1, 1, 0, 0, 0), "network": tally(1, 0, 0, 1, 1),
                         "volunteer": tally(1, 0, 1, 0, 0), "professional": tally(2, 0, 0, 2, 1)},
        "total": tally(5, 1, 1, 3, 2),
    },
    "lead_times": {
        "referral_to_intake": stats(4, 8.0, 7.0, 10.5, 7, 15),  # [7, 7, 9, 15]
        "intake_to_plan": stats(2, 17.0, 12.0, 22.0, 7, 27),  # [7, 27]
        "plan_to_first_interim_evaluation": stats(1, 90.0, 90.0, 90.0, 90, 90),
        "referral_to_plan": stats(2, 28.0, 21.0, 35.0, 14, 42),  # [14, 42]
    },
    "caseloads": {
        "on": "2026-05-04", "directors": 2, "households": 3, "median": 1.5, "max": 2,
        "against_norm": {"below": 2, "within": 0, "above": 0},
        "per_director": [
            {"director": "R1", "organisation": GEMEENTE, "households": 2, "by_phase": {"plan": 2}, "norm": "below"},
            {"director": "R2", "organisation": WIJKTEAM, "households": 1, "by_phase": {"intake": 1},
             "norm": "below"},
        ],
        "norms": CASELOAD_NORMS,
    },
    # H1 alone has both: baseline 30,000 over two years; 7,000 in the 120 days 01-05..05-04 (x 365/120)
    "costs": {
        "households_with_baseline": 2, "households_with_intervention": 1, "households_with_both": 1,
        "by_stream": {
            "income_support": money(10000.0, 18250.0, 82.5),
            "care": money(5000.0, 3041.67, -39.2),
            "local_prevention": money(0.0, 0.0, None),
            "transaction": money(0.0, 0.0, None),
        },
        "total_per_year": money(15000.0, 21291.67, 41.9),
        "per_household_per_year": money(15000.0, 21291.67, 41.9),
    },
}


# no intake here records a network (issue 15's own network: tests/service/test_report_network.py)
NO_NETWORK_SIDE = {"contacts": 0, "supportive": 0, "contacts_per_household": None, "supportive_per_household": None}
for _expected in (EXPECTED_D1, EXPECTED_D2):
    _expected["network"] = {"households": 0, "recorded_again": 0, "at_intake": NO_NETWORK_SIDE,
                            "at_report_date": NO_NETWORK_SIDE, "supportive_rose": 0, "supportive_same": 0,
                            "supportive_fell": 0}


def figures(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if k not in ("ledger", "requested", "known_at", "empty_basis")}


def changed(before: Any, after: Any, path: str = "") -> set[str]:
    """The figures (dotted paths) that differ between two reports."""
    if isinstance(before, dict) and isinstance(after, dict):
        return {p for k in before.keys() | after.keys()
                for p in changed(before.get(k), after.get(k), f"{path}.{k}" if path else k)}
    return set() if before == after else {path}


# ------------------------------------------------------------------ the tests
def test_every_figure_as_of_two_dates_and_the_difference_is_the_events_between(store: Store,
                                                                                clock: FixedClock) -> None:
    """Hand-computed reports as of D1 and D2; the live D1 report equals the replayed one; the ledger is named."""
    began = time.monotonic()
    ledger = store.make_ledger(clock=clock, report_min_cell=1)
    town = Town(ledger, clock)
    items = build_until_d1(town)
    clock.set(D1, hour=16)
    live_d1 = evaluation_report(ledger, EVALUATOR, from_=START)  # as of today, D1
    assert figures(live_d1) == EXPECTED_D1
    build_until_d2(town, items)
    clock.set(D2, hour=16)

    d1 = evaluation_report(ledger, EVALUATOR, from_=START, as_of=D1)
    d2 = evaluation_report(ledger, EVALUATOR, from_=START, as_of=D2)
    assert figures(d1) == EXPECTED_D1  # replayed later: the figures D1 gave
    assert figures(d2) == EXPECTED_D2

    # The events behind the figures: exactly those recorded between D1 and D2 make the difference.
    cohort_d1, cohort_d2 = {"H1", "H2", "H3"}, {"H1", "H2", "H3", "H4"}
    assert d1["basis"]["events"] == town.count(cohort_d1, D1) == 25
    assert d2["basis"]["events"] == town.count(cohort_d2, D2) == 46
    between = [(k, day) for k, day in town.events if k in cohort_d2 and D1 < day <= D2]
    assert d2["basis"]["events"] - d1["basis"]["events"] == len(between) == 21
    assert changed(figures(d1), figures(d2)) == changed(EXPECTED_D1, EXPECTED_D2)

    # The ledger each report rests on: the signed digest, verifiable now and later.
    position, head = ledger.chain.head()
    assert (d2["ledger"]["position"], d2["ledger"]["head"]) == (position, head.hex())
    digest = Digest.from_json(json.dumps(d2["ledger"]))
    assert digest.signature_valid() and ledger.chain.verify(digest).ok
    # known as of the digest: its position; the last household event that counts lies at or before it
    assert d2["known_at"]["position"] == d2["ledger"]["known_at_position"] == position
    assert d2["ledger"]["last_included_position"] <= position
    assert d1["ledger"]["position"] < d2["ledger"]["position"]
    assert d1["ledger"]["last_included_position"] <= live_d1["ledger"]["position"]  # nothing after D1 counted
    assert live_d1["known_at"]["at"] == "2026-02-10T10:00:00+00:00"  # the last household event recorded
    assert d1["empty_basis"] is None

    # Reading the report is decided and recorded like any read.
    reads = [a for a in ledger.app.access_log(Actor("u-po", GEMEENTE, "privacy_officer"))
             if a.action == "read_evaluation_report"]
    assert [(a.user_id, a.authorisation) for a in reads] == [("u-eval", "evaluation_report")] * 3
    with pytest.raises(AccessDeniedError):
        evaluation_report(ledger, Actor("u-ggz", "ggz-regio", "professional"))
    assert time.monotonic() - began < 30


def test_the_period_cohort_suppression_and_renderings(store: Store, clock: FixedClock) -> None:
    """From the start H5 counts; small cells are suppressed on request; HTML and CSV carry the same numbers."""
    ledger = store.make_ledger(clock=clock, report_min_cell=1)
    town = Town(ledger, clock)
    build_until_d2(town, build_until_d1(town))
    clock.set(D2, hour=16)

    everything = evaluation_report(ledger, EVALUATOR)  # no period: every referral up to today
    assert everything["period"] == {"from": None, "to": "2026-05-04"}
    assert everything["referrals"]["households"] == 5
    assert everything["referrals"]["by_source"]["general_practitioner"] == 1
    assert everything["basis"]["events"] == 46 + 5  # H5: referral, intake, director, two costs
    costs = everything["costs"]
    assert (costs["households_with_baseline"], costs["households_with_intervention"],
            costs["households_with_both"]) == (3, 2, 2)
    assert everything["caseloads"] == EXPECTED_D2["caseloads"]  # caseloads never depended on the period

    only_h4 = evaluation_report(ledger, EVALUATOR, from_=date(2026, 3, 1), to=date(2026, 3, 31))
    assert only_h4["referrals"]["households"] == 1 and only_h4["phases"]["refused"] == 1

    # minCell=2 raises the deployment's minimum: disclosure control (docs/evaluation.md) with N = 2.
    small = evaluation_report(ledger, EVALUATOR, from_=START, min_cell=2)
    assert small["min_cell"] == 2
    assert small["requested"] == {"from": "2026-01-01", "to": None, "as_of": None, "known_at": None, "min_cell": 2}
    assert small["as_of"] == "2026-04-30"  # the last month that is over on D2
    # referral months in blocks of at least 2: Dec+Jan (H5, H1, H2), Feb+Mar (H3, H4); April (none) waits for
    # referrals; from 01-01 widens to December
    assert small["period"] == {"from": "2025-12-01", "to": "2026-03-31"}
    assert small["referrals"]["households"] == 5 and small["referrals"]["by_source"]["wmo_desk"] == 3
    assert small["referrals"]["by_source"]["social_work"] == small["referrals"]["by_source"][
        "general_practitioner"] == "<2"
    assert small["referrals"]["by_source"]["police"] == "x"  # the next-smallest, so the small ones stay unknown
    assert small["referrals"]["by_source"]["other"] == 0  # zero is not a small cell
    assert small["basis"]["erased_households"] == "<2"
    assert small["lead_times"]["plan_to_first_interim_evaluation"] == {
        "n": "<2", "median": "<2", "q1": "<2", "q3": "<2", "min": "<2", "max": "<2"}
    assert small["lead_times"]["referral_to_plan"]["median"] == 28.0  # over 2 households: shown
    assert small["lead_times"]["referral_to_plan"]["max"] == "x"  # one household's own value: always withheld
    # 3 with a baseline, 2 with both: the one with a baseline only is a small rest, so "both" is withheld,
    # and with it the mean per household (total / mean = households)
    costs = small["costs"]
    assert (costs["households_with_baseline"], costs["households_with_both"]) == (3, "x")
    assert costs["total_per_year"]["baseline_per_year"] == 19000.0  # H1 15,000 + H5 4,000, streams withheld
    assert costs["by_stream"]["care"]["baseline_per_year"] == "<2"  # one household pays for care
    assert costs["by_stream"]["income_support"]["baseline_per_year"] == "x"
    assert costs["per_household_per_year"] == money("x", "x", "x")
    # one professional left (a small cell): followed (3) = on the report date + left, so the report-date count
    # is its complement, and the change % (which gives it back from at_start) goes with it (issue 15's flows)
    pros = small["involvement"]["professionals"]
    assert (pros["left"], pros["at_report_date"], pros["change_pct"], pros["at_start"]) == ("<2", "x", "x", 3)
    assert small["involvement"]["volunteers"]["at_report_date"] == "<2"
    assert small["involvement"]["volunteers"]["per_household_at_report_date"] == "x"  # times 3 would give 1
    per_director = small["caseloads"]["per_director"]
    assert [d["households"] for d in per_director] == ["x", "<2"] and small["caseloads"]["households"] == 3
    assert small["caseloads"]["max"] == small["caseloads"]["median"] == "x"

    for lang, title in (("nl", "Evaluatie integrale aanpak"), ("en", "Evaluation of the integrated approach")):
        page = render_html(small, lang)
        assert title in page and page.count("<svg") >= 10 and "&lt;2" in page
        assert "<script" not in page and "src=" not in page and "@import" not in page and "url(" not in page
        assert small["ledger"]["head"] in page and "2026-04-30" in page
    sheet = render_csv(small, "en").splitlines()
    assert sheet[0] == "section,figure,value,label"
    assert "referrals,by_source.social_work,<2,by source · Social work" in sheet
    assert "referrals,by_source.police,x,by source · Police" in sheet
    assert "zrm,instruments.2017.domains.finances.up,<2,ZRM version 2017 · Finances · up" in sheet
    assert f"report,ledger.head,{small['ledger']['head']},hash-chain head" in sheet

    # Pseudonymous: no household id, no staff id, no name in any rendering.
    for text in (json.dumps(everything), render_html(everything), render_csv(everything)):
        for key, hid in town.ids.items():
            assert str(hid) not in text, key
        assert "u-dir1" not in text and "Persoon" not in text


@pytest.fixture
def internal_api(monkeypatch: pytest.MonkeyPatch, store: Store, request: pytest.FixtureRequest) -> Api:
    """The service of a deployment that switched disclosure control off (LEDGER_REPORT_MIN_CELL=1)."""
    monkeypatch.setenv("LEDGER_REPORT_MIN_CELL", "1")
    return request.getfixturevalue("api")


def test_the_service_serves_json_html_and_csv_to_evaluators_only(internal_api: Api) -> None:
    """Over HTTP: JSON by default, a self-contained page, CSV; 403 for a professional, 400 for a bad period."""
    api = internal_api
    director = httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens['director']}"},
                            timeout=30)
    referral = {"sources": ["wmo_desk", "police"], "members": [{"role": "adult", "name": "Noor Rapport"}]}
    created = director.post("/v1/households", json=referral)
    assert created.status_code == 201, created.text
    hid = created.json()["household_id"]

    evaluator = httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens['evaluator']}"},
                             timeout=30)
    r = evaluator.get("/v1/reports/evaluation")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    report = r.json()
    assert report["referrals"]["households"] == 1 and report["referrals"]["multiple_sources"] == 1
    assert report["basis"] == {"households": 1, "events": 1, "erased_households": 0}
    assert report["ledger"]["position"] >= created.json()["position"]
    # both times, named (issue 14): knownAt as a position or a moment; nothing known yet says so
    assert report["known_at"]["position"] == report["ledger"]["position"] and report["empty_basis"] is None
    then = evaluator.get("/v1/reports/evaluation", params={"knownAt": "0"}).json()
    assert then["empty_basis"] == "none recorded by knownAt" and then["known_at"] == {"position": 0, "at": None}
    moment = evaluator.get("/v1/reports/evaluation", params={"knownAt": report["known_at"]["at"]}).json()
    assert moment["basis"] == report["basis"] and moment["requested"]["known_at"] == report["known_at"]["at"]
    for bad in ("soon", "2026-01-01T00:00:00", str(report["ledger"]["position"] + 1000)):
        refused_time = evaluator.get("/v1/reports/evaluation", params={"knownAt": bad})
        assert refused_time.status_code == 400, (bad, refused_time.text)
    loads = director.get("/v1/caseloads", params={"asOf": report["as_of"], "knownAt": "0"})
    assert loads.status_code == 200 and loads.json() == []
    assert (loads.headers["Ledger-As-Of"], loads.headers["Ledger-Known-At"]) == (report["as_of"], "0")

    page = evaluator.get("/v1/reports/evaluation.html", params={"lang": "en"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Evaluation of the integrated approach" in page.text and "<svg" in page.text
    raised = evaluator.get("/v1/reports/evaluation.html", params={"minCell": 5})  # one household
    assert raised.status_code == 422 and raised.json()["type"].endswith("/cohort-too-small")
    sheet = evaluator.get("/v1/reports/evaluation.csv", params={"asOf": report["as_of"]})
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    assert "referrals,households,1,huishoudens" in sheet.text.splitlines()
    for text in (r.text, page.text, sheet.text):
        assert hid not in text and "Noor" not in text

    consultant = director.get("/v1/reports/evaluation.csv")
    assert consultant.status_code == 200
    refused = httpx.get(f"{api.url}/v1/reports/evaluation", headers={"Authorization": f"Bearer {api.tokens['ggz']}"})
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/problem+json")
    future = evaluator.get("/v1/reports/evaluation", params={"asOf": "2999-01-01"})
    backwards = evaluator.get("/v1/reports/evaluation", params={"from": "2026-05-01", "to": "2026-04-01",
                                                                "asOf": "2026-06-01"})
    for bad in (future, backwards):
        assert bad.status_code == 400 and bad.json()["type"].endswith("/invalid-period")
