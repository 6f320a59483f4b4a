"""A migrated pilot answers as of its own dates (issue 14, "Done when").

A pilot municipality of 15 invented households, business dates 2012-2013, is migrated with
``ledger import`` (ledger/bulk.py ``import_file``, JSON Lines) in 2026. Its evaluation report
as of the pilot's evaluation date E (2013-06-30) is checked against tables computed by hand
from the input below; the report as of an earlier date D (2013-03-31) differs from it by
exactly the facts dated between D and E; and a fact that arrives late (recorded after the
import, dated 2013-05-20) counts as of E only with a ``known_at`` after it was recorded.

Fifteen households are below the service's minimum cell (tests/service/test_report_disclosure.py
covers it): the exact tables run with ``LEDGER_REPORT_MIN_CELL=1`` (internal analysis).

The pilot (u-dir1 works for gemeente-testdorp, u-dir2 for wijkteam-testdorp; "|" marks D and E):

===  ==========  ==========================  =========================================================
P01  2012-09-03  social_work; adult + child  intake 09-10 (ggz professional from 09-10, ZRM 2017 fin 2
                 (single_parent)             housing 3), broker 09-12, u-dir1, goal 09-20: self action
                                             done 10-15, professional action due 2013-02-01 (open, late;
                                             the late fact completes it 2013-05-20), volunteer 11-01,
                                             interim 2013-01-15 (ZRM fin 3 housing 3)
P02  2012-09-10  wmo_desk + police; 2 adults intake 09-20 (schuldhulp and ggz professionals from 09-20,
                 + child (two_parents)       ZRM 2017 fin 1 mh 2), broker, u-dir1, goal 10-01: volunteer
                                             action due 2013-05-01 (open), ggz ended 2013-02-01 | interim
                                             2013-04-10 (ZRM fin 2 mh 2)
P03  2012-09-17  household_itself; adult     intake, not_needed, closed 10-01
P04  2012-10-01  police; 2 adults (couple)   intake, household_declines, refusal, closed 10-08
P05  2012-10-15  school_attendance_officer;  intake 10-22 (ZRM 2013 fin 2 housing 2), broker, u-dir2,
                 adult + 2 children          volunteer 10-25, goal 11-05: network action cancelled
                                             2013-01-10, self action due 2013-08-01 | interim 05-15
                                             (ZRM 2013 fin 2 housing 1)
P06  2012-11-05  general_practitioner +      intake 11-12 (ZRM 2017 mh 3), broker, u-dir2, ggz
                 social_work; adult          professional 11-14, goal 11-20: professional action done
                                             2013-02-20 | final evaluation 06-01 (ZRM mh 4), closed 06-03
                                             with aftercare until 09-03
P07  2012-11-19  wmo_desk; 2 adults + 2      intake, stays_with_partners (no director)
                 children (two_parents)
P08  2012-12-03  municipal_work_and_income;  intake, volunteers_deployed, volunteer and u-dir1 12-12
                 adult
P09  2013-01-07  social_work; adult + child  intake 01-14 (ZRM 2017 housing 2), broker, u-dir2, goal
                                             02-04: self action due 03-15 (open) | drop-out 04-20
P10  2013-01-21  police + wmo_desk; adult    intake only
P11  2013-02-04  private_person; 2 adults    referred only
P12  2013-02-18  household_itself; adult +   intake, not_needed, closed 03-01 | reopened 05-06 (a
                 child                       correction: the closure no longer holds)
P13  2013-03-11  social_work; adult          intake 03-18 (ZRM 2017 fin 2) | broker and u-dir1 04-02
P14  2013-04-15  wmo_desk; 2 adults + child  | referred, intake 04-22
P15  2013-09-02  police; adult               after E: referred, intake
===  ==========  ==========================  =========================================================
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from report_flows import flows
from conftest import OPERATOR, FixedClock, Store
from ledger.aggregates import Actor
from ledger.aggregates.values import is_valid_bsn
from ledger.bootstrap import Ledger
from ledger.bulk import import_file
from ledger.reports import evaluation_report, reference_figures

EVALUATOR = Actor("u-eval", "gemeente-testdorp", "evaluator")
D, E = date(2013, 3, 31), date(2013, 6, 30)
LATE_ON = date(2013, 5, 20)  # the late-arriving fact's business date: between D and E
IMPORTED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GEMEENTE, WIJKTEAM = "gemeente-testdorp", "wijkteam-testdorp"
TEST_BSNS = iter([str(n) for n in range(999_990_000, 999_999_999) if is_valid_bsn(str(n))])
NAMES = iter(f"Pilotpersoon {i:02d}" for i in range(1, 100))


# ------------------------------------------------------------------ the input, by hand
def member(role: str) -> dict[str, Any]:
    return {"role": role, "name": next(NAMES), "bsn": next(TEST_BSNS)}


def s(on: str, command: str, produces: str | None = None, **args: Any) -> dict[str, Any]:
    step: dict[str, Any] = {"command": command, "on": on, "args": args}
    if produces:
        step["produces"] = produces
    return step


def referral(on: str, sources: list[str], *roles: str) -> dict[str, Any]:
    return s(on, "refer_household", sources=sources, members=[member(r) for r in roles])


def ref(name: str) -> dict[str, str]:
    return {"ref": name}


def intake(on: str, *domains: str) -> dict[str, Any]:
    return s(on, "record_intake", domains_discussed=list(domains) or ["finances"])


def zrm(on: str, instrument: str, moment: str, **scores: int) -> dict[str, Any]:
    return s(on, "record_zrm_measurement", instrument=instrument, moment=moment, scores=scores)


def director(on: str, user: str, organisation: str) -> dict[str, Any]:
    return s(on, "assign_case_director", user_id=user, organisation=organisation)


def involvement(on: str, kind: str, organisation: str, discipline: str, produces: str | None = None) -> dict[str, Any]:
    return s(on, "start_involvement", produces, kind=kind, organisation=organisation, discipline=discipline)


def goal(on: str, domain: str, name: str) -> dict[str, Any]:
    return s(on, "set_plan_goal", name, life_domain=domain, description="Doel van het gezin")


def action(on: str, goal_name: str, name: str, kind: str, due: str, organisation: str | None = None) -> dict[str, Any]:
    extra = {"organisation": organisation} if organisation else {}
    return s(on, "add_plan_action", name, goal_id=ref(goal_name), description="Actie", performer_kind=kind,
             due_on=due, **extra)


def coordination(on: str, outcome: str) -> dict[str, Any]:
    return s(on, "decide_coordination", outcome=outcome)


def evaluation(on: str, final: bool = False, conclusion: str = "continue") -> dict[str, Any]:
    return s(on, "hold_evaluation", conclusion=conclusion, final=final)


PILOT: dict[str, list[dict[str, Any]]] = {
    "P01": [
        referral("2012-09-03", ["social_work"], "adult", "child"),
        intake("2012-09-10", "finances", "housing"),
        involvement("2012-09-10", "professional", "ggz-regio", "mental_health_care"),
        zrm("2012-09-10", "2017", "intake", finances=2, housing=3),
        coordination("2012-09-12", "broker_coordinates"),
        director("2012-09-12", "u-dir1", GEMEENTE),
        goal("2012-09-20", "finances", "g"),
        action("2012-09-20", "g", "a-self", "self", "2012-10-31"),
        action("2012-09-20", "g", "a-prof", "professional", "2013-02-01", organisation="schuldhulp-testdorp"),
        s("2012-10-15", "complete_plan_action", action_id=ref("a-self")),
        involvement("2012-11-01", "volunteer", "humanitas", "buddy"),
        evaluation("2013-01-15"),
        zrm("2013-01-15", "2017", "interim", finances=3, housing=3),
    ],
    "P02": [
        referral("2012-09-10", ["wmo_desk", "police"], "adult", "adult", "child"),
        intake("2012-09-20", "finances", "mental_health"),
        involvement("2012-09-20", "professional", "schuldhulp-testdorp", "debt_counselling"),
        involvement("2012-09-20", "professional", "ggz-regio", "mental_health_care", "ggz"),
        zrm("2012-09-20", "2017", "intake", finances=1, mental_health=2),
        coordination("2012-09-24", "broker_coordinates"),
        director("2012-09-24", "u-dir1", GEMEENTE),
        goal("2012-10-01", "mental_health", "g"),
        action("2012-10-01", "g", "a", "volunteer", "2013-05-01"),
        s("2013-02-01", "end_involvement", involvement_id=ref("ggz"), reason="goal_reached"),
        evaluation("2013-04-10"),
        zrm("2013-04-10", "2017", "interim", finances=2, mental_health=2),
    ],
    "P03": [
        referral("2012-09-17", ["household_itself"], "adult"),
        intake("2012-09-24", "housing"),
        coordination("2012-09-24", "not_needed"),
        s("2012-10-01", "close_case", reason="coordination_not_needed"),
    ],
    "P04": [
        referral("2012-10-01", ["police"], "adult", "adult"),
        intake("2012-10-08"),
        coordination("2012-10-08", "household_declines"),
        s("2012-10-08", "record_drop_out", kind="refusal"),
        s("2012-10-08", "close_case", reason="household_declined"),
    ],
    "P05": [
        referral("2012-10-15", ["school_attendance_officer"], "adult", "child", "child"),
        intake("2012-10-22", "finances", "housing"),
        zrm("2012-10-22", "2013", "intake", finances=2, housing=2),
        coordination("2012-10-25", "broker_coordinates"),
        director("2012-10-25", "u-dir2", WIJKTEAM),
        involvement("2012-10-25", "volunteer", "humanitas", "buddy"),
        goal("2012-11-05", "housing", "g"),
        action("2012-11-05", "g", "a-net", "network", "2013-01-31"),
        action("2012-11-05", "g", "a-self", "self", "2013-08-01"),
        s("2013-01-10", "cancel_plan_action", action_id=ref("a-net")),
        evaluation("2013-05-15"),
        zrm("2013-05-15", "2013", "interim", finances=2, housing=1),
    ],
    "P06": [
        referral("2012-11-05", ["general_practitioner", "social_work"], "adult"),
        intake("2012-11-12", "mental_health"),
        zrm("2012-11-12", "2017", "intake", mental_health=3),
        coordination("2012-11-14", "broker_coordinates"),
        director("2012-11-14", "u-dir2", WIJKTEAM),
        involvement("2012-11-14", "professional", "ggz-regio", "mental_health_care"),
        goal("2012-11-20", "mental_health", "g"),
        action("2012-11-20", "g", "a", "professional", "2013-03-01", organisation="ggz-regio"),
        s("2013-02-20", "complete_plan_action", action_id=ref("a")),
        evaluation("2013-06-01", final=True, conclusion="close"),
        zrm("2013-06-01", "2017", "final", mental_health=4),
        s("2013-06-03", "close_case", reason="goals_achieved", aftercare_until="2013-09-03"),
    ],
    "P07": [
        referral("2012-11-19", ["wmo_desk"], "adult", "adult", "child", "child"),
        intake("2012-11-26"),
        coordination("2012-11-28", "stays_with_partners"),
    ],
    "P08": [
        referral("2012-12-03", ["municipal_work_and_income"], "adult"),
        intake("2012-12-10"),
        coordination("2012-12-12", "volunteers_deployed"),
        involvement("2012-12-12", "volunteer", "humanitas", "buddy"),
        director("2012-12-12", "u-dir1", GEMEENTE),
    ],
    "P09": [
        referral("2013-01-07", ["social_work"], "adult", "child"),
        intake("2013-01-14", "housing"),
        zrm("2013-01-14", "2017", "intake", housing=2),
        coordination("2013-01-16", "broker_coordinates"),
        director("2013-01-16", "u-dir2", WIJKTEAM),
        goal("2013-02-04", "housing", "g"),
        action("2013-02-04", "g", "a", "self", "2013-03-15"),
        s("2013-04-20", "record_drop_out", kind="drop_out"),
    ],
    "P10": [
        referral("2013-01-21", ["police", "wmo_desk"], "adult"),
        intake("2013-01-28"),
    ],
    "P11": [
        referral("2013-02-04", ["private_person"], "adult", "adult"),
    ],
    "P12": [
        referral("2013-02-18", ["household_itself"], "adult", "child"),
        intake("2013-02-25"),
        coordination("2013-02-25", "not_needed"),
        s("2013-03-01", "close_case", reason="coordination_not_needed"),
        s("2013-05-06", "reopen_case"),
    ],
    "P13": [
        referral("2013-03-11", ["social_work"], "adult"),
        intake("2013-03-18"),
        zrm("2013-03-18", "2017", "intake", finances=2),
        coordination("2013-04-02", "broker_coordinates"),
        director("2013-04-02", "u-dir1", GEMEENTE),
    ],
    "P14": [
        referral("2013-04-15", ["wmo_desk"], "adult", "adult", "child"),
        intake("2013-04-22", "housing"),
    ],
    "P15": [
        referral("2013-09-02", ["police"], "adult"),
        intake("2013-09-09"),
    ],
}
HOUSEHOLD_IDS = {key: UUID(f"00000000-0000-4000-8000-{n:012d}") for n, key in enumerate(sorted(PILOT), start=1)}


def facts_until(day: date, referred_by: date) -> int:
    """From the input: the steps dated on or before ``day`` of the households referred on or before ``referred_by``."""
    return sum(1 for steps in PILOT.values() if date.fromisoformat(steps[0]["on"]) <= referred_by
               for step in steps if date.fromisoformat(step["on"]) <= day)


# ------------------------------------------------------------------ the expected tables, by hand
# As of E (2013-06-30); the cohort is every household referred up to E: P01-P14 (P15 is referred after E).
EXPECTED_E: dict[str, Any] = {
    # steps dated up to E of P01-P14: 13+12+4+5+12+12+3+5+8+2+1+5+5+2
    "basis.households": 14,
    "basis.events": 89,
    "referrals.households": 14,
    # each household once per source: social_work P01 P06 P09 P13; wmo_desk P02 P07 P10 P14; police P02 P04 P10;
    # household_itself P03 P12; one each for school (P05), GP (P06), work and income (P08), private person (P11)
    "referrals.by_source": {"municipal_work_and_income": 1, "school_attendance_officer": 1, "social_work": 4,
                            "youth_health_care": 0, "wmo_desk": 4, "housing_corporation": 0, "debt_counselling": 0,
                            "police": 3, "general_practitioner": 1, "private_person": 1, "household_itself": 2,
                            "other": 0},
    # P02 and P10 (police + wmo_desk), P06 (GP + social work)
    "referrals.multiple_sources": 3,
    "referrals.source_combinations": {"general_practitioner+social_work": 1, "police+wmo_desk": 2},
    # single adult P03 P06 P08 P10 P13; couple P04 P11; single parent P01 P05 P09 P12; two parents P02 P07 P14
    # imported without relations: the roles alone decide, so a single parent reads "not recorded" (mother or father)
    "composition.by_kind": {"single": 5, "couple_without_children": 2, "couple_with_children": 3,
                            "mother_with_children": 0, "father_with_children": 0, "other": 0,
                            "single_parent_not_recorded": 4},
    "composition.with_children": 7,  # P01 P02 P05 P07 P09 P12 P14
    "composition.adults": 19,  # 1+2+1+2+1+1+2+1+1+1+2+1+1+2
    "composition.children": 9,  # P01 1, P02 1, P05 2, P07 2, P09 1, P12 1, P14 1
    # decided: all but P10 (intake only), P11 (referred only), P14 (intake only)
    "coordination.decided": 11,
    "coordination.undecided": 3,
    "coordination.by_outcome": {"stays_with_partners": 1, "short_push_then_handover": 0, "volunteers_deployed": 1,
                                "not_needed": 2, "broker_coordinates": 6, "household_declines": 1},
    "phases": {
        "referred": 14,
        "orientation_talk_held": 0,  # the migrated pilot records none (issue 15 adds them)
        "orientation_with_household": 0,
        "orientation_professionals_only": 0,
        "coordination_decided": 11,
        "intake_held": 13,  # all but P11
        "plan_scheduled": 0,
        "plan_made": 5,  # a goal: P01 P02 P05 P06 P09
        "interim_evaluation_held": 3,  # P01 (01-15), P02 (04-10), P05 (05-15); P06's is final
        "closed": 3,  # P03, P04, P06 (06-03); P12 was reopened on 05-06
        "dropped_out": 1,  # P09 (04-20)
        "refused": 1,  # P04
    },
    # ZRM 2017: baselines P01 (fin 2, housing 3), P02 (fin 1, mh 2), P06 (mh 3), P09 (housing 2), P13 (fin 2);
    # later: P01 fin 3 housing 3 (up, same), P02 fin 2 mh 2 (up, same), P06 mh 4 (final: up)
    "zrm.2017.households": 5,
    "zrm.2017.finances": (3, 2, 2, 0, 0),  # (intake measured, compared, up, same, down)
    "zrm.2017.housing": (2, 1, 0, 1, 0),
    "zrm.2017.mental_health": (2, 2, 1, 1, 0),
    # ZRM 2013: P05 fin 2 -> 2 (same), housing 2 -> 1 (down)
    "zrm.2013.households": 1,
    "zrm.2013.finances": (1, 1, 0, 1, 0),
    "zrm.2013.housing": (1, 1, 0, 0, 1),
    # households with an intake and a director by E: P01 P02 P05 P06 P08 P09 P13
    "involvement.households": 7,
    # professionals current on the intake day: P01 ggz (09-10), P02 schuldhulp and ggz (09-20); P06's ggz began
    # 11-14, after its intake (11-12). On E: P01 ggz, P02 schuldhulp, P06 ggz (P02's ggz ended 2013-02-01).
    # Newly engaged after the intake: P06's ggz (11-14); left: P02's ggz (2013-02-01, goal reached).
    "involvement.professionals": {"at_start": 3, "at_report_date": 3, "change_pct": 0.0,
                                  "per_household_at_start": 0.43, "per_household_at_report_date": 0.43,
                                  **flows(followed=4, engaged=1, goal_reached=1)},
    # volunteers: P01 (11-01), P05 (10-25), P08 (12-12), each after its intake
    "involvement.volunteers": {"at_start": 0, "at_report_date": 3, "change_pct": None,
                               "per_household_at_start": 0.0, "per_household_at_report_date": 0.43,
                               **flows(followed=3, engaged=3)},
    # at start ggz-regio and schuldhulp-testdorp (P01, P02); on E humanitas too
    "involvement.organisations": {"at_start": 2, "at_report_date": 3, "ever": 3},
    # actions: P01 self done, P01 professional open (due 02-01), P02 volunteer open (due 05-01), P05 network
    # cancelled, P05 self open (due 08-01), P06 professional done, P09 self open (due 03-15)
    "plan_actions.total": {"added": 7, "done": 2, "cancelled": 1, "open": 4, "late": 3},
    "plan_actions.by_performer": {
        "self": {"added": 3, "done": 1, "cancelled": 0, "open": 2, "late": 1},  # P01 done, P05 not due, P09 late
        "network": {"added": 1, "done": 0, "cancelled": 1, "open": 0, "late": 0},
        "volunteer": {"added": 1, "done": 0, "cancelled": 0, "open": 1, "late": 1},
        "professional": {"added": 2, "done": 1, "cancelled": 0, "open": 1, "late": 1},
    },
    # active on E: u-dir1 P01 (plan) P02 (plan) P08 (coordination) P13 (coordination, from 04-02);
    # u-dir2 P05 (plan) P06 (aftercare until 09-03) P09 (plan: a drop-out does not close)
    "caseloads.directors": 2,
    "caseloads.households": 7,
    "caseloads.median": 3.5,
    "caseloads.max": 4,
    "caseloads.per_director": [
        {"director": "R1", "organisation": GEMEENTE, "households": 4, "by_phase": {"coordination": 2, "plan": 2},
         "norm": "below"},
        {"director": "R2", "organisation": WIJKTEAM, "households": 3, "by_phase": {"aftercare": 1, "plan": 2},
         "norm": "below"},
    ],
}

# As of D (2013-03-31): P01-P13; what is dated after D is not there yet.
EXPECTED_D: dict[str, Any] = {
    **EXPECTED_E,
    # E's 89 less P14's 2 and the 12 facts of P01-P13 dated after D: P02 2, P05 2, P06 3, P09 1, P12 1, P13 2,
    # P01 none (the late fact is not in the import)
    "basis.households": 13,
    "basis.events": 76,
    "referrals.households": 13,
    "referrals.by_source": {**EXPECTED_E["referrals.by_source"], "wmo_desk": 3},  # without P14
    "composition.by_kind": {**EXPECTED_E["composition.by_kind"], "couple_with_children": 2},
    "composition.with_children": 6,
    "composition.adults": 17,
    "composition.children": 8,
    "coordination.decided": 10,  # P13 decided on 04-02
    "coordination.undecided": 3,  # P10 P11 P13
    "coordination.by_outcome": {**EXPECTED_E["coordination.by_outcome"], "broker_coordinates": 5},
    "phases": {"referred": 13, "orientation_talk_held": 0, "orientation_with_household": 0,
               "orientation_professionals_only": 0, "coordination_decided": 10, "intake_held": 12, "plan_scheduled": 0,
               "plan_made": 5,
               "interim_evaluation_held": 1,  # P01 only
               "closed": 3,  # P03, P04, P12 (reopened only on 05-06); P06 closes on 06-03
               "dropped_out": 0, "refused": 1},
    "zrm.2017.finances": (3, 1, 1, 0, 0),  # P01 compared; P02's interim on 04-10
    "zrm.2017.housing": (2, 1, 0, 1, 0),
    "zrm.2017.mental_health": (2, 0, 0, 0, 0),  # P02 interim 04-10, P06 final 06-01
    "zrm.2013.finances": (1, 0, 0, 0, 0),  # P05 interim 05-15
    "zrm.2013.housing": (1, 0, 0, 0, 0),
    "involvement.households": 6,  # P13's director from 04-02
    "involvement.professionals": {"at_start": 3, "at_report_date": 3, "change_pct": 0.0,
                                  "per_household_at_start": 0.5, "per_household_at_report_date": 0.5,
                                  **flows(followed=4, engaged=1, goal_reached=1)},  # both before D
    "involvement.volunteers": {"at_start": 0, "at_report_date": 3, "change_pct": None,
                               "per_household_at_start": 0.0, "per_household_at_report_date": 0.5,
                               **flows(followed=3, engaged=3)},
    # the same seven actions; on D the P02 volunteer action (due 05-01) is not late yet
    "plan_actions.total": {"added": 7, "done": 2, "cancelled": 1, "open": 4, "late": 2},
    "plan_actions.by_performer": {**EXPECTED_E["plan_actions.by_performer"],
                                  "volunteer": {"added": 1, "done": 0, "cancelled": 0, "open": 1, "late": 0}},
    # u-dir1 P01 P02 P08 (P13 from 04-02); u-dir2 P05 P06 (plan until 06-03) P09; a tie ranks by organisation
    "caseloads.households": 6,
    "caseloads.median": 3.0,
    "caseloads.max": 3,
    "caseloads.per_director": [
        {"director": "R1", "organisation": GEMEENTE, "households": 3, "by_phase": {"coordination": 1, "plan": 2},
         "norm": "below"},
        {"director": "R2", "organisation": WIJKTEAM, "households": 3, "by_phase": {"plan": 3}, "norm": "below"},
    ],
}


def table(report: dict[str, Any]) -> dict[str, Any]:
    """The report's figures under the keys of the expected tables."""
    out: dict[str, Any] = {}
    for key in EXPECTED_E:
        section, _, rest = key.partition(".")
        if section == "zrm":
            instrument, _, domain = rest.partition(".")
            found = report["zrm"]["instruments"].get(instrument, {})
            if domain == "households":
                out[key] = found.get("households")
            else:
                d = found.get("domains", {}).get(domain, {})
                out[key] = tuple(d.get(k) for k in ("intake_measured", "compared", "up", "same", "down"))
            continue
        value: Any = report[section]
        for part in rest.split(".") if rest else ():
            value = value[part]
        out[key] = value
    return out


# ------------------------------------------------------------------ the migration
@pytest.fixture
def pilot(store: Store, tmp_path: Path) -> Iterator[tuple[Ledger, FixedClock]]:
    """The pilot imported from its JSON Lines file in 2026, on a deployment with a minimum cell of 1."""
    clock = FixedClock(IMPORTED_AT)
    ledger = store.make_ledger(clock=clock, report_min_cell=1)
    path = tmp_path / "pilot.jsonl"
    path.write_text("".join(json.dumps({"household_id": str(HOUSEHOLD_IDS[key]), "steps": steps}) + "\n"
                            for key, steps in PILOT.items()), encoding="utf-8")
    result = import_file(ledger.app, path, OPERATOR)
    assert (result.households, result.events) == (15, sum(len(steps) for steps in PILOT.values()))
    clock.set(date(2026, 3, 3))
    yield ledger, clock


def replayed(ledger: Ledger, as_of: date, known_at: int | None = None) -> dict[str, Any]:
    """The reference (docs/evaluation.md, "Two times"): the events with position <= known_at and on <= as_of."""
    head = ledger.app.recorder.max_notification_id() or 0
    return reference_figures(ledger.app, as_of=as_of, known_at=head if known_at is None else known_at)


def report_of(ledger: Ledger, as_of: date, known_at: int | None = None) -> dict[str, Any]:
    """The report with no disclosure control; ``known_at`` None is now (passed only where the report takes it)."""
    return evaluation_report(ledger, EVALUATOR, as_of=as_of, known_at=known_at, min_cell=1)


def test_the_input_counts_as_the_tables_say() -> None:
    """The hand-computed event counts follow from the input: the facts dated up to D and E."""
    assert facts_until(E, referred_by=E) == EXPECTED_E["basis.events"] == 89
    assert facts_until(D, referred_by=D) == EXPECTED_D["basis.events"] == 76


def test_a_migrated_pilot_answers_as_of_its_own_evaluation_date(pilot: tuple[Ledger, FixedClock]) -> None:
    """Imported in 2026, the report as of 2013-06-30 gives the pilot's figures of that day (not an empty report)."""
    ledger, _ = pilot
    assert table(replayed(ledger, E)) == EXPECTED_E  # the hand tables are the reference's figures
    report = report_of(ledger, E)
    assert report["as_of"] == E.isoformat()
    assert table(report) == EXPECTED_E
    assert report["caseloads"]["on"] == E.isoformat()


def test_two_dates_differ_by_exactly_the_facts_dated_between_them(pilot: tuple[Ledger, FixedClock]) -> None:
    """As of D and as of E: the difference is the facts dated after D up to E, and nothing else."""
    ledger, _ = pilot
    assert table(replayed(ledger, D)) == EXPECTED_D
    d = report_of(ledger, D)
    e = report_of(ledger, E)
    assert table(d) == EXPECTED_D
    assert table(e) == EXPECTED_E
    between = facts_until(E, referred_by=E) - facts_until(D, referred_by=D)
    assert e["basis"]["events"] - d["basis"]["events"] == between == 13  # P02 2, P05 2, P06 3, P09 1, P12 1, P13 2, P14 2
    assert d["costs"] == e["costs"]  # no cost is dated between them (none at all)


def test_a_late_arriving_fact_counts_only_once_it_is_known(pilot: tuple[Ledger, FixedClock]) -> None:
    """Recorded after the import with an earlier date, a fact changes the report as of E, but not as known before it."""
    ledger, clock = pilot
    app = ledger.app
    imported = app.recorder.max_notification_id()
    hid = HOUSEHOLD_IDS["P01"]
    household = app.repository.get(hid)
    (late,) = [a for a in household.actions.values() if a.status == "open"]  # P01's professional action
    clock.set(date(2026, 3, 10))
    app.complete_plan_action(OPERATOR, hid, expected_version=household.version, action_id=late.action_id, on=LATE_ON)

    # what the facts now say as of E: P01's professional action is done on 2013-05-20
    now_e = {**EXPECTED_E, "basis.events": 90,
             "plan_actions.total": {"added": 7, "done": 3, "cancelled": 1, "open": 3, "late": 2},
             "plan_actions.by_performer": {**EXPECTED_E["plan_actions.by_performer"],
                                           "professional": {"added": 2, "done": 2, "cancelled": 0, "open": 0, "late": 0}}}
    assert table(replayed(ledger, E)) == now_e
    assert table(replayed(ledger, E, known_at=imported)) == EXPECTED_E
    assert table(report_of(ledger, E)) == now_e
    # as known right after the import, the action was still open and late on E
    before = report_of(ledger, E, known_at=imported)
    assert table(before) == EXPECTED_E
    # ... and as of D the fact is dated too late to count, whenever it was known
    assert table(report_of(ledger, D)) == EXPECTED_D
