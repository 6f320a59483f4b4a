"""Issue 16 item 2: the plan in the household's own words, over real HTTP on SQLite and PostgreSQL.

The plan view holds ids, codes and dates; the texts (sealed in the ledger) and the names (organisation
register, user directory) are joined on at read time, after the read is decided and recorded. The
view's tables keep holding none of them; an erased household's texts read null.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from bsn_pool import fresh_bsn
from conftest import raw_sql

from ledger.client import Forbidden, LedgerClient, Member

TESTDORP, GGZ = "gemeente-testdorp", "ggz-regio"
CATEGORIES = ["composition", "plan", "zrm", "involvement"]
GOAL, REVISED, ACTION, OWN = "Schulden op een rij", "Schulden in twee jaar op nul", "Traject bij de GGZ", "Zelf de post openen"


def _client(api: Any, who: str) -> LedgerClient:
    return LedgerClient(api.url, api.tokens[who])


def _planned(api: Any, categories: list[str] = CATEGORIES) -> tuple[LedgerClient, str, dict[str, str], Any]:
    """A household with a director, a consent for the plan (or ``categories``), a goal, two actions, GGZ's worker."""
    director = _client(api, "director")
    w = director.refer(["wmo_desk"], [Member("adult", "Anna Proefhuis", bsn=fresh_bsn())], on="2026-01-05")
    hid = w.household_id
    w = director.record_intake(hid, w.version, ["finances"], on="2026-01-06")
    w = director.set_case_director(hid, w.version, api.user_ids["director"], TESTDORP, on="2026-01-06")
    w = director.grant_consent(hid, w.version, member_id="m1", organisations=[GGZ, TESTDORP],
                               data_categories=categories, purpose="coordination", on="2026-01-06")
    w = director.set_goal(hid, w.version, "finances", GOAL, target_date="2026-12-31", on="2026-01-07")
    ids = {"goal": w.item_id}
    w = director.add_action(hid, w.version, ids["goal"], ACTION, "professional", organisation=GGZ,
                            due_on="2026-02-01", on="2026-01-07")
    ids["professional"] = w.item_id
    w = director.add_action(hid, w.version, ids["goal"], OWN, "self", on="2026-01-07")
    ids["self"] = w.item_id
    w = director.start_involvement(hid, w.version, GGZ, "mental_health_care", worker_id=api.user_ids["ggz"],
                                   on="2026-01-08")
    return director, hid, ids, w


def test_the_plan_shows_texts_and_who_acts_to_the_director_and_the_involved_professional(api: Any) -> None:
    """Goal and action texts, the organisation's registered name and its worker's display name, the director's name;
    a reader the policy refuses gets a 403 and no text; the views' tables hold none of the texts."""
    director, hid, ids, w = _planned(api)
    plan = director.plan(hid, min_position=w.position)
    assert [(g["goal_id"], g["description"], g["target_date"]) for g in plan["goals"]] == [
        (ids["goal"], GOAL, "2026-12-31")]
    actions = {a["action_id"]: a for a in plan["actions"]}
    professional, own = actions[ids["professional"]], actions[ids["self"]]
    assert (professional["description"], professional["performer_organisation_name"], professional["worker_id"],
            professional["worker_name"], professional["due_on"], professional["status"]) == (
        ACTION, "Ggz Regio", "u-ggz", "Test ggz", "2026-02-01", "open")
    assert (own["description"], own["performer_kind"], own["worker_id"], own["worker_name"]) == (OWN, "self", None, None)
    assert plan["director"] == {"user_id": "u-director", "organisation": TESTDORP, "since": "2026-01-06",
                                "name": "Test director", "organisation_name": TESTDORP}  # registered at first start

    ggz = _client(api, "ggz")  # involved, with the household's consent for the plan
    assert {a["description"] for a in ggz.plan(hid)["actions"]} == {ACTION, OWN}
    with pytest.raises(Forbidden) as refused:
        _client(api, "stranger").plan(hid)
    assert GOAL not in str(refused.value) and ACTION not in str(refused.value)
    records = [r for r in _client(api, "privacy").household_access_log(hid) if r["action"] == "read_plan"]
    assert [(r["user_id"], r["outcome"]) for r in records] == [
        ("u-director", "allowed"), ("u-ggz", "allowed"), ("u-stranger", "denied")]

    held = repr(raw_sql(api.store, "SELECT * FROM view_plan_goals", database="views")
                + raw_sql(api.store, "SELECT * FROM view_plan_actions", database="views")
                + raw_sql(api.store, "SELECT * FROM view_plan_households", database="views"))
    assert ids["goal"] in held and ids["professional"] in held  # the rows are there ...
    assert not [t for t in (GOAL, ACTION, OWN, "Test ggz", "Ggz Regio") if t in held]  # ... without the words


def test_the_plan_as_of_a_date_reads_the_words_of_that_date(api: Any) -> None:
    """A goal revised later reads in its earlier wording as of before the revision, in the new one after."""
    director, hid, ids, w = _planned(api)
    w = director.revise_plan_goal(hid, w.version, ids["goal"], description=REVISED, on="2026-01-20")
    w = director.end_involvement(hid, w.version, _involvement(director, hid, w.position), "goal_reached",
                                 on="2026-01-25")
    before = director.plan(hid, as_of="2026-01-10")
    assert [g["description"] for g in before["goals"]] == [GOAL]
    assert {a["action_id"]: a["worker_id"] for a in before["actions"]}[ids["professional"]] == "u-ggz"
    now = director.plan(hid, min_position=w.position)
    assert [g["description"] for g in now["goals"]] == [REVISED]
    # ended, and no other involvement with GGZ: the worker who last acted for it is still named
    assert {a["action_id"]: a["worker_name"] for a in now["actions"]}[ids["professional"]] == "Test ggz"
    then = director.plan(hid, as_of="2026-01-20")
    assert [g["description"] for g in then["goals"]] == [REVISED]


def _involvement(c: LedgerClient, hid: str, position: int) -> str:
    involved = c.involved_parties(hid, min_position=position)
    return next(p["involvement_id"] for p in involved["current"] if p["organisation"] == GGZ)


def test_an_erased_households_plan_shows_no_text(api: Any) -> None:
    """After erasure the plan's goals and actions keep their codes and dates, their texts read null, now and as of before."""
    director, hid, ids, w = _planned(api)
    w = director.close_case(hid, w.version, "goals_achieved", on="2026-01-30")
    w = _client(api, "privacy").request_erasure(hid, w.version, "data_subject_request")
    w = _client(api, "admin").erase(hid, w.version, "data_subject_request")
    for plan in (director.plan(hid, min_position=w.position), director.plan(hid, as_of="2026-01-10")):
        assert [g["goal_id"] for g in plan["goals"]] == [ids["goal"]]
        assert [g["description"] for g in plan["goals"]] == [None]
        assert [a["description"] for a in plan["actions"]] == [None, None]
        assert not [t for t in (GOAL, ACTION, OWN) if t in json.dumps(plan)]
    assert director.plan(hid)["erased"] is True
