"""Issue 16, item 5 over real HTTP: the edges an outsider, a curious insider and an administrator would try.

A professional ends only their own (or their organisation's) involvement, and completes or cancels only
their organisation's plan actions; the case director any; the refusal is a 403 problem and a ``denied``
record. A caller who may write but not read the household (an
involved professional without a consent, the administrator executing an erasure) learns nothing of its
state from a refusal: no version, no rule that names what the household holds. A reader still gets the
helpful detail.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from conftest import Api

REFERRAL = {"sources": ["wmo_desk"], "members": [{"role": "adult", "name": "Noor Rand", "bsn": "999990019"}]}


def client(api: Api, who: str) -> httpx.Client:
    return httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens[who]}"}, timeout=30)


def write(c: httpx.Client, path: str, version: int, body: dict[str, Any], method: str = "POST") -> httpx.Response:
    return c.request(method, path, json=body, headers={"If-Match": f'"{version}"'})


def ok(r: httpx.Response) -> int:
    assert r.status_code in (200, 201), r.text
    return int(r.json()["version"])


def case_with_two_organisations(api: Api) -> tuple[str, int, str, str]:
    """A household with a director, GGZ's worker u-ggz involved and debt counselling's team involved; no consent."""
    team = client(api, "director")
    r = team.post("/v1/households", json=REFERRAL)
    hid, v = r.json()["household_id"], r.json()["version"]
    base = f"/v1/households/{hid}"
    v = ok(write(team, f"{base}/intakes", v, {"domains_discussed": ["finances"]}))
    v = ok(write(team, f"{base}/case-director", v, {"user_id": "u-director", "organisation": "gemeente-testdorp"},
                 method="PUT"))
    r = write(team, f"{base}/involvements", v, {"kind": "professional", "organisation": "ggz-regio",
                                                "discipline": "social_work", "worker_id": "u-ggz"})
    v, ggz = ok(r), r.json()["item_id"]
    r = write(team, f"{base}/involvements", v, {"kind": "professional", "organisation": "schuldhulp-testdorp",
                                                "discipline": "debt_counselling"})
    v, debt = ok(r), r.json()["item_id"]
    return hid, v, ggz, debt


def test_a_professional_cannot_end_another_organisations_involvement(api: Api) -> None:
    """GGZ's worker ending debt counselling's involvement, and the reverse: 403, denied records; the director may."""
    hid, v, ggz_involvement, debt_involvement = case_with_two_organisations(api)
    base = f"/v1/households/{hid}"
    ggz, stranger, team = client(api, "ggz"), client(api, "stranger"), client(api, "director")
    for who, involvement in ((ggz, debt_involvement), (stranger, ggz_involvement)):
        r = write(who, f"{base}/involvements/{involvement}/ending", v, {"reason": "goal_reached"})
        assert r.status_code == 403, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "Noor" not in r.text and involvement not in r.text
    v = ok(write(ggz, f"{base}/involvements/{ggz_involvement}/ending", v, {"reason": "goal_reached"}))
    v = ok(write(team, f"{base}/involvements/{debt_involvement}/ending", v, {"reason": "handed_over"}))
    log = client(api, "privacy").get("/v1/access-log", params={"householdId": hid}).json()["items"]
    endings = [(r["user_id"], r["outcome"]) for r in log if r["action"] == "end_involvement"]
    assert endings == [("u-ggz", "denied"), ("u-stranger", "denied"), ("u-ggz", "allowed"),
                       ("u-director", "allowed")]


def test_a_professional_cannot_mark_another_organisations_plan_action(api: Api) -> None:
    """Debt counselling completing or cancelling GGZ's action, or the household's own: 403, nothing changes.

    The refusal names neither the action nor its text; GGZ completes its own, the director the household's.
    """
    hid, v, _, _ = case_with_two_organisations(api)
    base = f"/v1/households/{hid}"
    ggz, debt, team = client(api, "ggz"), client(api, "stranger"), client(api, "director")
    outsider, admin = client(api, "outsider"), client(api, "admin")  # a consultant elsewhere; the administrator
    r = write(team, f"{base}/plan/goals", v, {"life_domain": "finances", "description": "Schulden op een rij"})
    v, goal = ok(r), r.json()["item_id"]
    r = write(team, f"{base}/plan/actions", v, {"goal_id": goal, "description": "Wekelijks gesprek",
                                                "performer_kind": "professional", "organisation": "ggz-regio"})
    v, ggz_action = ok(r), r.json()["item_id"]
    r = write(team, f"{base}/plan/actions", v, {"goal_id": goal, "description": "Zelf de post openen",
                                                "performer_kind": "self"})
    v, own_action = ok(r), r.json()["item_id"]
    for who, action in ((debt, ggz_action), (debt, own_action), (ggz, own_action), (outsider, ggz_action),
                        (admin, ggz_action)):
        for step, body in (("completion", {}), ("cancellation", {"reason": "niet nodig"})):
            r = write(who, f"{base}/plan/actions/{action}/{step}", v, body)
            assert r.status_code == 403, r.text
            assert r.headers["content-type"].startswith("application/problem+json")
            assert action not in r.text and "gesprek" not in r.text.lower() and "post" not in r.text.lower()
    v = ok(write(ggz, f"{base}/plan/actions/{ggz_action}/completion", v, {}))
    r = write(team, f"{base}/plan/actions/{own_action}/cancellation", v, {"reason": "niet meer nodig"})
    ok(r)
    plan = team.get(f"{base}/plan", params={"minPosition": r.json()["position"]}).json()
    assert {a["action_id"]: a["status"] for a in plan["actions"]} == {ggz_action: "done", own_action: "cancelled"}
    log = client(api, "privacy").get("/v1/access-log", params={"householdId": hid}).json()["items"]
    marks = [(r["user_id"], r["outcome"]) for r in log if r["action"] in ("complete_plan_action", "cancel_plan_action")]
    assert marks == [("u-stranger", "denied")] * 4 + [("u-ggz", "denied")] * 2 + [("u-outsider", "denied")] * 2 \
        + [("u-admin", "denied")] * 2 \
        + [("u-ggz", "allowed"), ("u-director", "allowed")]


def test_a_writer_who_may_not_read_learns_no_version_and_no_rule_from_a_refusal(api: Api) -> None:
    """An involved professional without consent: a stale If-Match and a rule's refusal say nothing of the state."""
    hid, v, ggz_involvement, _ = case_with_two_organisations(api)
    base = f"/v1/households/{hid}"
    ggz, team = client(api, "ggz"), client(api, "director")
    assert ggz.get(base).status_code == 403  # no consent: GGZ reads nothing of this household
    stale = write(ggz, f"{base}/zrm-measurements", 1, {"instrument": "zrm", "moment": "start", "scores": {"finances": 2}})
    assert stale.status_code == 412, stale.text
    assert not re.search(r"\d", stale.json()["detail"]), stale.text  # no version, neither theirs nor the household's
    v = ok(write(ggz, f"{base}/involvements/{ggz_involvement}/ending", v, {"reason": "goal_reached"}))
    v = ok(write(team, f"{base}/involvements", v, {"kind": "professional", "organisation": "ggz-regio",
                                                   "discipline": "social_work"}))  # GGZ's team stays involved
    again = write(ggz, f"{base}/involvements/{ggz_involvement}/ending", v, {"reason": "goal_reached"})
    assert again.status_code == 422, again.text
    body = again.json()
    assert "ended" not in body["detail"] and ggz_involvement not in body["detail"], body
    assert body["type"].endswith("/refused"), body  # not "involvement-not-active": that names the state
    helpful = write(team, f"{base}/involvements/{ggz_involvement}/ending", v, {"reason": "goal_reached"})
    assert helpful.status_code == 422 and helpful.json()["type"].endswith("/involvement-not-active"), helpful.text
    reader_stale = write(team, f"{base}/plan/goals", 1, {"life_domain": "finances", "description": "Schulden op orde"})
    assert reader_stale.status_code == 412 and f"version {v}" in reader_stale.json()["detail"], reader_stale.text


def test_an_administrator_learns_no_version_from_an_erasure_refused_as_stale(api: Api) -> None:
    """The municipality's administrator (no read access) with a stale version: 412 without a number; nothing erased."""
    team, privacy, admin = client(api, "director"), client(api, "privacy"), client(api, "admin")
    r = team.post("/v1/households", json=REFERRAL)
    hid, v = r.json()["household_id"], r.json()["version"]
    base = f"/v1/households/{hid}"
    v = ok(write(team, f"{base}/closure", v, {"reason": "coordination_not_needed"}))
    officer_stale = write(privacy, f"{base}/erasure-requests", 1, {"reason": "data_subject_request"})
    assert officer_stale.status_code == 412 and f"version {v}" in officer_stale.json()["detail"]  # sees the log
    v = ok(write(privacy, f"{base}/erasure-requests", v, {"reason": "data_subject_request"}))
    stale = write(admin, f"{base}/erasure", 1, {"reason": "data_subject_request"})
    assert stale.status_code == 412, stale.text
    assert not re.search(r"\d", stale.json()["detail"]), stale.text
    log = privacy.get("/v1/access-log", params={"householdId": hid, "userId": "u-admin"}).json()["items"]
    assert [(r["action"], r["outcome"], r["reason"]) for r in log] == [
        ("erase_household", "refused", "Refused by a rule of the case: stale-version.")]  # nothing was erased
