"""Issue 15 over real HTTP: a measurement with an instrument other than the ZRM, and goals in the new life domains.

``POST /v1/households/{id}/measurements`` answers 201 with the version and the ledger position; a score
off the instrument's scale or a domain it lacks is a problem+json 400 (invalid input: the API's rule,
docs/api.md, keeps 422 for refusals by a rule of the case); an outsider is refused (403) and recorded;
the ZRM's own route keeps working and keeps taking only the ZRM. The plan read shows a goal in ADL and
the progress per instrument (satisfaction 1-5 and 1-10 share a domain code and are never one series).
"""

from __future__ import annotations

from typing import Any

import httpx

from conftest import Api

REFERRAL = {"sources": ["wmo_desk"], "members": [{"role": "adult", "name": "Sanne Meetlat", "bsn": "999990019"}]}


def client(api: Api, who: str) -> httpx.Client:
    return httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens[who]}"}, timeout=30)


def write(c: httpx.Client, path: str, version: int, body: dict[str, Any], method: str = "POST") -> httpx.Response:
    return c.request(method, path, json=body, headers={"If-Match": f'"{version}"'})


def ok(r: httpx.Response) -> int:
    assert r.status_code in (200, 201), r.text
    return int(r.json()["version"])


def problem(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"].endswith("/" + code) and r.json()["status"] == status, r.json()
    assert "Sanne" not in r.text and "999990019" not in r.text


def test_a_participation_ladder_measurement_over_http(api: Api) -> None:
    team, outsider = client(api, "director"), client(api, "outsider")
    r = team.post("/v1/households", json=REFERRAL)
    hid, v = r.json()["household_id"], r.json()["version"]
    base = f"/v1/households/{hid}"
    v = ok(write(team, f"{base}/intakes", v, {"domains_discussed": ["finances"]}))
    v = ok(write(team, f"{base}/case-director", v, {"user_id": "u-director", "organisation": "gemeente-testdorp"},
                 method="PUT"))

    body = {"instrument": "ladder", "moment": "intake", "scores": {"participation": 2}}
    r = write(team, f"{base}/measurements", v, body)
    assert r.status_code == 201, r.text
    position = int(r.headers["ledger-position"])
    assert position > 0 and r.json()["item_id"]
    v = int(r.json()["version"])

    problem(write(team, f"{base}/measurements", v, {**body, "scores": {"participation": 7}}), 400,
            "zrm-score-out-of-range")  # the ladder has six steps
    problem(write(team, f"{base}/measurements", v, {"instrument": "life_score", "moment": "intake",
                                                     "scores": {"life_score": 11}}), 400, "zrm-score-out-of-range")
    problem(write(team, f"{base}/measurements", v, {**body, "scores": {"finances": 3}}), 400, "unknown-zrm-domain")
    problem(write(team, f"{base}/zrm-measurements", v, body), 400, "unknown-zrm-domain")  # the ZRM route: ZRM only
    r = write(outsider, f"{base}/measurements", v, body)
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json"), r.text

    v = ok(write(team, f"{base}/measurements", v, {"instrument": "satisfaction_10", "moment": "intake",
                                                   "scores": {"satisfaction": 10}}))
    v = ok(write(team, f"{base}/measurements", v, {"instrument": "satisfaction_5", "moment": "interim",
                                                   "scores": {"satisfaction": 2}}))  # same domain code, other scale
    v = ok(write(team, f"{base}/zrm-measurements", v, {"instrument": "2013", "moment": "intake",
                                                       "scores": {"adl": 2, "daytime_activities": 3}}))
    r = write(team, f"{base}/plan/goals", v, {"life_domain": "adl", "description": "Zelf boodschappen doen"})
    assert r.status_code == 201, r.text
    position = int(r.headers["ledger-position"])
    problem(write(team, f"{base}/plan/goals", int(r.json()["version"]),
                  {"life_domain": "plan", "description": "Geen leefgebied"}), 400, "invalid-input")

    plan = team.get(f"{base}/plan", params={"minPosition": position}).json()
    assert [g["life_domain"] for g in plan["goals"]] == ["adl"]
    # the plan's progress is per instrument: satisfaction 1-10 and 1-5 are two series, never one change
    progress = {(p["instrument"], p["domain"]): (p["score"], p["change"]) for p in plan["zrm"]}
    assert progress == {("ladder", "participation"): (2, None), ("satisfaction_10", "satisfaction"): (10, None),
                        ("satisfaction_5", "satisfaction"): (2, None), ("2013", "adl"): (2, None),
                        ("2013", "daytime_activities"): (3, None)}
    log = client(api, "privacy").get("/v1/access-log", params={"householdId": hid, "userId": "u-outsider"}).json()
    assert [(x["action"], x["outcome"]) for x in log["items"]] == [("record_measurement", "denied")]
