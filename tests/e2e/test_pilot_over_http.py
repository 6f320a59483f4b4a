"""A pilot as the pilots counted it, recorded through the HTTP API (issue 15, "Done when").

Fifteen invented households on the structure of the Woerden pilot of 2012-2013 (DOMAIN.md, "How a pilot
counts"): 15 referrals (two of them double referrals), orientation talks with the household or with the
professionals only, 14 coordination decisions, an integral intake only for the 7 coordinated households,
6 plans made and 1 plan meeting scheduled, 5 first interim evaluations; professionals and volunteers at the
start and on the evaluation date, with those newly engaged and those who left. Every write goes over real
HTTP (the service on SQLite and on PostgreSQL) with the business date the pilot gave it; the evaluation
report as of the pilot's evaluation date E = 2013-06-30 is checked against the tables below, computed by
hand. Fifteen households are below the service's minimum cell, so the service runs with
``LEDGER_REPORT_MIN_CELL=1`` (internal analysis; tests/service/test_report_disclosure.py covers control).

=== ============================ ============================== =================================================
W01 social_work                  1 adult: single                talk (household); broker; intake; goal; interim;
                                                                ZRM 2017 fin 2->3 housing 3->3; ladder 2->3;
                                                                network 2 (1 supportive), 3 (2) from 2013-03-01;
                                                                ggz-regio already involved since 2012-01-10;
                                                                a humanitas volunteer from 2013-01-15
W02 wmo_desk, then police again  2 adults partners + 1 child:   talk (household); broker; intake; goal; interim;
    (the same BSN: already known) couple_with_children; revised fin 1->2 housing 2->1; ladder 3->3;
                                  2013-04-01 mother_with_children schuldhulp-testdorp from intake; network 1 (1),
                                                                recorded again 2013-08-01 (after E): 2 (2)
W03 police                       adult with mother and father:  talk (household); broker; intake; goal; interim;
                                 single                         fin 2->2; ggz-regio from intake, ended 2013-03-01
                                                                volunteers_took_over; humanitas from 2013-02-15;
                                                                network 1 (1)
W04 general_practitioner +       grandmother + grandchild,      talk (household); broker; intake; goal; interim;
    social_work                  given: other                   fin 3->4 housing 2->3; schuldhulp-zuid from intake,
                                                                ended 2013-04-01 goal_reached; network 2 (2),
                                                                1 (0) from 2013-05-01
W05 school_attendance_officer,   mother + 2 children:           talk (household); broker; intake; goal; interim;
    then social_work (/referrals) mother_with_children          fin 2->1 housing 1->2; ggz-regio from 2013-02-01
W06 household_itself             2 adults partners:             talk (household); broker; intake; goal; ZRM fin 3
                                 couple_without_children        at intake only; a humanitas volunteer from intake
W07 wmo_desk                     father + child:                talk (household); broker; intake; plan meeting
                                 father_with_children           scheduled (no goal yet); veilig-thuis already
                                                                involved since 2012-06-01
W08 police                       1 adult: single                talk (professionals only); stays_with_partners
W09 social_work                  2 adults partners + child      talk (household); not_needed
W10 wmo_desk                     mother + child                 talk (household); volunteers_deployed
W11 private_person               1 adult: single                talk (professionals only); short_push_then_handover
W12 household_itself             3 adults, no relations: other  talk (household); household_declines
W13 social_work                  2 adults, no relations:        talk (household); not_needed
                                 couple_without_children
W14 debt_counselling             father + child                 talk (professionals only); stays_with_partners
W15 police                       1 adult: single                talk (professionals only); no decision yet
=== ============================ ============================== =================================================
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from bsn_pool import fresh_bsn
from conftest import API_USERS, ORGANISATIONS, Api, Store, register_organisations
from ledger.bootstrap import build

E = date(2013, 6, 30)
DIRECTOR = {"user_id": "u-director", "organisation": "gemeente-testdorp"}


@pytest.fixture
def pilot_api(store: Store) -> Iterator[Api]:
    """The service over real HTTP with the minimum cell at 1 (the pilot is 15 households)."""
    from api_server import serving

    tokens, ids = {}, {}
    settings = store.settings(report_min_cell=1)
    with build(settings) as ledger:
        register_organisations(ledger, *ORGANISATIONS, *(org for org, _ in API_USERS.values()))
        for name, (org, role) in API_USERS.items():
            user, token = ledger.users.add(display_name=f"Test {name}", organisation=org, role=role,
                                           user_id=f"u-{name}")
            tokens[name], ids[name] = token, user.user_id
    with serving(settings) as url:
        yield Api(url, store, tokens, ids)


class Household:
    """One pilot household written over HTTP by the municipality's consultant (intake team, then director)."""

    def __init__(self, c: httpx.Client, sources: list[str], members: list[dict[str, Any]], on: date,
                 **extra: Any) -> None:
        self.c, self.on = c, on
        r = c.post("/v1/households", json={"sources": sources, "members": members, "on": on.isoformat(), **extra})
        assert r.status_code == 201, r.text
        self.id, self.version = r.json()["household_id"], r.json()["version"]

    def write(self, path: str, body: dict[str, Any], on: date, *, method: str = "POST") -> str | None:
        r = self.c.request(method, f"/v1/households/{self.id}/{path}", json={**body, "on": on.isoformat()},
                           headers={"If-Match": f'"{self.version}"'})
        assert r.status_code in (200, 201), (path, r.text)
        self.version = r.json()["version"]
        return r.json().get("item_id")

    def talk(self, with_: str, days: int = 3) -> None:
        self.write("orientation-talks", {"held_with": with_}, self.on + timedelta(days=days))

    def decide(self, outcome: str, days: int = 7) -> None:
        self.write("coordination-decisions", {"outcome": outcome}, self.on + timedelta(days=days))

    def coordinated(self, zrm: dict[str, int] | None = None, network: list[dict[str, Any]] | None = None) -> date:
        """Talk, decision (broker), then the integral intake and the director: the intake day."""
        self.talk("household")
        self.decide("broker_coordinates")
        intake = self.on + timedelta(days=14)
        self.write("intakes", {"domains_discussed": ["finances", "housing"], "network": network or []}, intake)
        self.write("case-director", DIRECTOR, intake, method="PUT")
        if zrm:
            self.write("zrm-measurements", {"instrument": "2017", "moment": "intake", "scores": zrm}, intake)
        return intake

    def involve(self, kind: str, organisation: str, discipline: str, on: date, **extra: Any) -> str:
        item = self.write("involvements", {"kind": kind, "organisation": organisation, "discipline": discipline,
                                           **extra}, on)
        assert item is not None
        return item

    def goal(self, on: date) -> None:
        self.write("plan/goals", {"life_domain": "finances", "description": "Schulden op orde"}, on)

    def interim(self, on: date, zrm: dict[str, int]) -> None:
        self.write("zrm-measurements", {"instrument": "2017", "moment": "interim", "scores": zrm}, on)
        self.write("evaluations", {"conclusion": "continue"}, on)


def adult(name: str) -> dict[str, Any]:
    return {"role": "adult", "name": name, "bsn": fresh_bsn()}


def child(name: str) -> dict[str, Any]:
    return {"role": "child", "name": name}


def record_pilot(c: httpx.Client) -> dict[str, Household]:
    h: dict[str, Household] = {}
    d = date
    # ---- the seven coordinated households
    h["W01"] = w = Household(c, ["social_work"], [adult("Anna Pilot")], d(2012, 9, 3))
    intake = w.coordinated({"finances": 2, "housing": 3}, [{"relation": "grandmother"},
                                                           {"relation": "neighbour", "supportive": False}])
    w.write("measurements", {"instrument": "ladder", "moment": "intake", "scores": {"participation": 2}}, intake)
    w.involve("professional", "ggz-regio", "mental_health_care", d(2012, 1, 10), already_involved=True)
    w.goal(intake + timedelta(days=10))
    w.involve("volunteer", "humanitas", "buddy", d(2013, 1, 15))
    w.interim(d(2013, 2, 1), {"finances": 3, "housing": 3})
    w.write("measurements", {"instrument": "ladder", "moment": "interim", "scores": {"participation": 3}},
            d(2013, 2, 1))
    w.write("network", {"contacts": [{"relation": "grandmother"}, {"relation": "neighbour"},
                                     {"relation": "friend", "supportive": False}]}, d(2013, 3, 1))

    w02_members = [adult("Bas Pilot"), adult("Bo Pilot"), child("Bram Pilot")]
    h["W02"] = w = Household(c, ["wmo_desk"], w02_members, d(2012, 9, 10),
                             relations=[{"member": "m1", "relation": "partner_of", "to_member": "m2"}])
    intake = w.coordinated({"finances": 1, "housing": 2}, [{"relation": "grandfather"}])
    w.write("measurements", {"instrument": "ladder", "moment": "intake", "scores": {"participation": 3}}, intake)
    w.involve("professional", "schuldhulp-testdorp", "debt_counselling", intake)
    w.goal(intake + timedelta(days=10))
    # the police refer the same household again: the consultant is its director, so it is the known household
    again = c.post("/v1/households", json={"sources": ["police"], "members": [w02_members[0]],
                                          "on": "2012-11-20"})
    assert again.status_code == 200 and again.json()["already_known"] is True, again.text
    assert again.json()["household_id"] == w.id
    w.version = again.json()["version"]
    w.interim(d(2013, 3, 1), {"finances": 2, "housing": 1})
    w.write("measurements", {"instrument": "ladder", "moment": "interim", "scores": {"participation": 3}},
            d(2013, 3, 1))
    w.write("composition", {"composition": "mother_with_children"}, d(2013, 4, 1))  # the father left
    w.write("network", {"contacts": [{"relation": "grandfather"}, {"relation": "friend"}]}, d(2013, 8, 1))  # after E

    h["W03"] = w = Household(c, ["police"], [adult("Cas Pilot"), adult("Cor Pilot"), adult("Cato Pilot")],
                             d(2012, 10, 1), relations=[{"member": "m2", "relation": "father_of", "to_member": "m1"},
                                                        {"member": "m3", "relation": "mother_of", "to_member": "m1"}])
    intake = w.coordinated({"finances": 2}, [{"relation": "friend"}])
    ggz = w.involve("professional", "ggz-regio", "mental_health_care", intake)
    w.goal(intake + timedelta(days=10))
    w.involve("volunteer", "humanitas", "buddy", d(2013, 2, 15))
    w.interim(d(2013, 2, 20), {"finances": 2})
    w.write(f"involvements/{ggz}/ending", {"reason": "volunteers_took_over"}, d(2013, 3, 1))

    h["W04"] = w = Household(c, ["general_practitioner", "social_work"], [adult("Dina Pilot"), child("Daan Pilot")],
                             d(2012, 10, 15), composition="other")
    intake = w.coordinated({"finances": 3, "housing": 2}, [{"relation": "neighbour"}, {"relation": "friend"}])
    debt = w.involve("professional", "schuldhulp-zuid", "debt_counselling", intake)
    w.goal(intake + timedelta(days=10))
    w.interim(d(2013, 3, 10), {"finances": 4, "housing": 3})
    w.write(f"involvements/{debt}/ending", {"reason": "goal_reached"}, d(2013, 4, 1))
    w.write("network", {"contacts": [{"relation": "neighbour", "supportive": False}]}, d(2013, 5, 1))

    h["W05"] = w = Household(c, ["school_attendance_officer"], [adult("Eva Pilot"), child("Eef Pilot"),
                                                                child("Ella Pilot")], d(2012, 11, 5),
                             relations=[{"member": "m1", "relation": "mother_of", "to_member": "m2"},
                                        {"member": "m1", "relation": "mother_of", "to_member": "m3"}])
    intake = w.coordinated({"finances": 2, "housing": 1})
    w.write("referrals", {"sources": ["social_work"]}, d(2012, 11, 26))  # a second referral, by another source
    w.goal(intake + timedelta(days=10))
    w.involve("professional", "ggz-regio", "mental_health_care", d(2013, 2, 1))
    w.interim(d(2013, 4, 15), {"finances": 1, "housing": 2})

    h["W06"] = w = Household(c, ["household_itself"], [adult("Finn Pilot"), adult("Fleur Pilot")], d(2012, 11, 19),
                             relations=[{"member": "m1", "relation": "partner_of", "to_member": "m2"}])
    intake = w.coordinated({"finances": 3})
    w.involve("volunteer", "humanitas", "buddy", intake)
    w.goal(intake + timedelta(days=10))

    h["W07"] = w = Household(c, ["wmo_desk"], [adult("Gert Pilot"), child("Gijs Pilot")], d(2012, 12, 3),
                             relations=[{"member": "m1", "relation": "father_of", "to_member": "m2"}])
    intake = w.coordinated()
    w.involve("professional", "veilig-thuis", "social_work", d(2012, 6, 1), already_involved=True)
    w.write("plan-meetings", {"scheduled_for": "2013-07-08"}, d(2013, 6, 20))

    # ---- decided after the orientation talks only, no integral intake
    for key, source, members, relations, with_, outcome, on in (
        ("W08", "police", [adult("Hans Pilot")], [], "professionals", "stays_with_partners", d(2013, 1, 7)),
        ("W09", "social_work", [adult("Iris Pilot"), adult("Ivo Pilot"), child("Ilse Pilot")],
         [{"member": "m1", "relation": "partner_of", "to_member": "m2"}], "household", "not_needed", d(2013, 1, 21)),
        ("W10", "wmo_desk", [adult("Jet Pilot"), child("Joep Pilot")],
         [{"member": "m1", "relation": "mother_of", "to_member": "m2"}], "household", "volunteers_deployed",
         d(2013, 2, 4)),
        ("W11", "private_person", [adult("Kees Pilot")], [], "professionals", "short_push_then_handover",
         d(2013, 2, 18)),
        ("W12", "household_itself", [adult("Lot Pilot"), adult("Lars Pilot"), adult("Lies Pilot")], [], "household",
         "household_declines", d(2013, 3, 11)),
        ("W13", "social_work", [adult("Mies Pilot"), adult("Mark Pilot")], [], "household", "not_needed",
         d(2013, 3, 25)),
        ("W14", "debt_counselling", [adult("Nico Pilot"), child("Nina Pilot")],
         [{"member": "m1", "relation": "father_of", "to_member": "m2"}], "professionals", "stays_with_partners",
         d(2013, 4, 15)),
    ):
        h[key] = w = Household(c, [source], members, on, relations=relations)
        w.talk(with_)
        w.decide(outcome)
    h["W15"] = w = Household(c, ["police"], [adult("Olga Pilot")], d(2013, 6, 3))
    w.talk("professionals")
    return h


def plain(counts: dict[str, Any]) -> dict[str, Any]:
    """The non-zero entries of a code -> count table."""
    return {k: v for k, v in counts.items() if v}


def test_a_pilot_recorded_over_http_reports_every_row_it_counted(pilot_api: Api) -> None:
    c = httpx.Client(base_url=pilot_api.url, headers={"Authorization": f"Bearer {pilot_api.tokens['director']}"},
                     timeout=60)
    record_pilot(c)
    evaluator = httpx.Client(base_url=pilot_api.url, timeout=120,
                             headers={"Authorization": f"Bearer {pilot_api.tokens['evaluator']}"})
    r = evaluator.get("/v1/reports/evaluation", params={"asOf": E.isoformat(), "from": "2012-09-01"})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["as_of"] == E.isoformat() and report["min_cell"] == 1
    assert report["basis"]["households"] == 15  # the police's second referral of W02 made no household

    referrals = report["referrals"]
    assert plain(referrals["by_source"]) == {  # a household under each source that referred it, first or later
        "social_work": 5,  # W01, W04, W05 (its second referral), W09, W13
        "wmo_desk": 3,  # W02, W07, W10
        "police": 4,  # W02 (again, the same BSN), W03, W08, W15
        "general_practitioner": 1, "school_attendance_officer": 1, "household_itself": 2, "private_person": 1,
        "debt_counselling": 1,
    }
    assert referrals["multiple_sources"] == 3  # W02, W04 (at once), W05
    assert referrals["source_combinations"] == {"general_practitioner+social_work": 1, "police+wmo_desk": 1,
                                                "school_attendance_officer+social_work": 1}
    assert (referrals["referrals"], referrals["referred_once"], referrals["referred_more_than_once"]) == (17, 13, 2)

    composition = report["composition"]
    assert plain(composition["by_kind"]) == {"single": 5, "couple_without_children": 2, "couple_with_children": 2,
                                             "mother_with_children": 2, "father_with_children": 2, "other": 2}
    assert plain(composition["as_revised"]) == {"single": 5, "couple_without_children": 2,
                                                "couple_with_children": 1, "mother_with_children": 3,
                                                "father_with_children": 2, "other": 2}  # W02 since 2013-04-01

    coordination = report["coordination"]
    assert (coordination["decided"], coordination["undecided"]) == (14, 1)
    assert plain(coordination["by_outcome"]) == {"broker_coordinates": 7, "stays_with_partners": 2, "not_needed": 2,
                                                 "volunteers_deployed": 1, "short_push_then_handover": 1,
                                                 "household_declines": 1}

    phases = report["phases"]
    assert {k: phases[k] for k in ("referred", "orientation_talk_held", "orientation_with_household",
                                   "orientation_professionals_only", "coordination_decided", "intake_held",
                                   "plan_scheduled", "plan_made", "interim_evaluation_held")} == {
        "referred": 15, "orientation_talk_held": 15, "orientation_with_household": 11,
        "orientation_professionals_only": 4,  # W08, W11, W14, W15
        "coordination_decided": 14, "intake_held": 7, "plan_scheduled": 1, "plan_made": 6,
        "interim_evaluation_held": 5,
    }

    zrm = report["zrm"]["instruments"]
    fin, housing = zrm["2017"]["domains"]["finances"], zrm["2017"]["domains"]["housing"]
    assert (fin["intake_measured"], fin["compared"], fin["up"], fin["same"], fin["down"]) == (6, 5, 3, 1, 1)
    assert (housing["intake_measured"], housing["compared"], housing["up"], housing["same"], housing["down"]) == (
        4, 4, 2, 1, 1)  # up W04, W05; same W01; down W02
    ladder = zrm["ladder"]["domains"]["participation"]
    assert (ladder["compared"], ladder["up"], ladder["same"], ladder["down"]) == (2, 1, 1, 0)  # never against ZRM

    involvement = report["involvement"]
    assert involvement["households"] == 7  # the directed households
    pros, vols = involvement["professionals"], involvement["volunteers"]
    # at start (each on its intake day): W01 (already), W02, W03, W04, W07 (already); engaged W05; left W03, W04
    assert (pros["at_start"], pros["engaged"], pros["left"], pros["at_report_date"]) == (5, 1, 2, 4)
    assert (pros["followed"], vols["followed"]) == (6, 3)  # at start + engaged = on the report date + left
    assert plain(pros["left_by_reason"]) == {"volunteers_took_over": 1, "goal_reached": 1}
    assert pros["already_involved"] == 2
    assert (vols["at_start"], vols["engaged"], vols["left"], vols["at_report_date"]) == (1, 2, 0, 3)
    # ggz-regio, schuldhulp-testdorp, schuldhulp-zuid, veilig-thuis, humanitas; schuldhulp-zuid left on 2013-04-01
    assert involvement["organisations"] == {"at_start": 5, "at_report_date": 4, "ever": 5}
    assert involvement["households_with_already_involved"] == 2
    assert involvement["households_volunteers_took_over"] == 1  # W03

    # the own network: W01 2 (1 supportive) -> 3 (2) on 2013-03-01; W02 1 (1), its record of 2013-08-01 after E;
    # W03 1 (1), never recorded again; W04 2 (2) -> 1 (0) on 2013-05-01
    network = report["network"]
    assert (network["households"], network["recorded_again"]) == (4, 2)
    assert network["at_intake"] == {"contacts": 6, "supportive": 5, "contacts_per_household": 1.5,
                                    "supportive_per_household": 1.25}
    assert network["at_report_date"] == {"contacts": 6, "supportive": 4, "contacts_per_household": 1.5,
                                         "supportive_per_household": 1.0}
    assert (network["supportive_rose"], network["supportive_same"], network["supportive_fell"]) == (1, 2, 1)
