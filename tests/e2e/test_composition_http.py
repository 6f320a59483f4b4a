"""Household composition over real HTTP (issue 15): relations at referral, the revision resource, refusals.

A referral names relations between its members by id (m1, m2, ... in the order of ``members``):
codes only. The household shows its composition code; ``POST /v1/households/{id}/composition``
revises it (201), as the intake team or the case director; a relation to an unknown member is a
422 problem+json that echoes no personal data; an outsider is refused (403) and recorded.
"""

from __future__ import annotations

from typing import Any

import httpx

from bsn_pool import fresh_bsn
from conftest import Api
from ledger.aggregates.vocabulary import DataCategory

MOTHER = {"role": "adult", "name": "Ria Samenstelling", "bsn": "999990019"}
CHILD = {"role": "child", "name": "Kim Samenstelling"}


def client(api: Api, who: str) -> httpx.Client:
    return httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens[who]}"}, timeout=30)


def write(c: httpx.Client, path: str, version: int, body: dict[str, Any]) -> httpx.Response:
    return c.post(path, json=body, headers={"If-Match": f'"{version}"'})


def problem(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "Samenstelling" not in r.text and "999990019" not in r.text
    return r.json()


def refer(team: httpx.Client, body: dict[str, Any]) -> tuple[str, int]:
    """Refer, then record the legal basis that lets the team read the household (every category)."""
    members = [{**m, "bsn": fresh_bsn()} if "bsn" in m else m for m in body["members"]]  # separate households
    r = team.post("/v1/households", json={"sources": ["social_work"], **body, "members": members})
    assert r.status_code == 201, r.text
    hid, v = r.json()["household_id"], r.json()["version"]
    r = write(team, f"/v1/households/{hid}/consents", v, {
        "basis": "public_task", "organisations": ["gemeente-testdorp"], "legal_reference": "wmo_2015_5_1_1",
        "data_categories": [c.value for c in DataCategory], "purpose": "coordination"})
    assert r.status_code == 201, r.text
    return hid, r.json()["version"]


def test_a_referral_with_relations_is_derived_and_revised_over_http(api: Api) -> None:
    team = client(api, "director")
    hid, v = refer(team, {"members": [MOTHER, CHILD], "relations": [
        {"member": "m1", "relation": "mother_of", "to_member": "m2"}]})
    state = team.get(f"/v1/households/{hid}").json()
    assert state["composition"] == "mother_with_children"
    assert state["referral"]["composition"] == "mother_with_children"
    assert state["referral"]["relations"] == [{"member_id": "m1", "relation": "mother_of", "to_member_id": "m2"}]

    r = write(team, f"/v1/households/{hid}/composition", v, {"composition": "other"})
    assert r.status_code == 201, r.text
    assert r.json()["version"] == v + 1
    state = team.get(f"/v1/households/{hid}").json()
    assert (state["composition"], state["referral"]["composition"]) == ("other", "mother_with_children")
    assert state["composition_revision"]["composition"] == "other"
    events = team.get(f"/v1/households/{hid}/events").json()["items"]
    assert events[-1]["type"] == "CompositionRevised" and events[-1]["data"]["composition"] == "other"


def test_an_explicit_composition_at_referral_and_a_roles_only_single_parent(api: Api) -> None:
    team = client(api, "director")
    hid, _ = refer(team, {"members": [MOTHER, CHILD], "composition": "father_with_children"})
    assert team.get(f"/v1/households/{hid}").json()["composition"] == "father_with_children"
    hid, _ = refer(team, {"members": [MOTHER, CHILD]})
    assert team.get(f"/v1/households/{hid}").json()["composition"] == "single_parent_not_recorded"


def test_a_relation_to_an_unknown_member_is_422_and_not_recorded_is_no_input(api: Api) -> None:
    team = client(api, "director")
    body = {"sources": ["social_work"], "members": [MOTHER, CHILD],
            "relations": [{"member": "m1", "relation": "mother_of", "to_member": "m3"}]}
    p = problem(team.post("/v1/households", json=body), 422)
    assert p["type"].endswith("/invalid-relation") and "m3" in p["detail"]
    hid, v = refer(team, {"members": [MOTHER, CHILD]})
    p = problem(write(team, f"/v1/households/{hid}/composition", v,
                      {"relations": [{"member": "m1", "relation": "father_of", "to_member": "m7"}]}), 422)
    assert p["type"].endswith("/invalid-relation")
    problem(write(team, f"/v1/households/{hid}/composition", v, {"composition": "single_parent_not_recorded"}), 400)
    problem(team.post("/v1/households", json={**body, "relations": [{"member": "Ria", "relation": "mother_of",
                                                                      "to_member": "m2"}]}), 400)  # ids only
    assert team.get(f"/v1/households/{hid}").json()["version"] == v  # nothing recorded


def test_an_outsider_cannot_revise_the_composition(api: Api) -> None:
    team, outsider = client(api, "director"), client(api, "outsider")
    r = team.post("/v1/households", json={"sources": ["social_work"], "members": [MOTHER, CHILD]})
    hid, v = r.json()["household_id"], r.json()["version"]
    problem(write(outsider, f"/v1/households/{hid}/composition", v, {"composition": "mother_with_children"}), 403)
    log = client(api, "privacy").get("/v1/access-log", params={"householdId": hid, "userId": "u-outsider"}).json()
    assert [(x["action"], x["outcome"]) for x in log["items"]] == [("revise_composition", "denied")]
    assert write(team, f"/v1/households/{hid}/composition", v, {"composition": "mother_with_children"}).status_code == 201
