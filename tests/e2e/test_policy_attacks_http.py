"""Issue 12, items 1, 6, 7 and 12 over real HTTP: the attacks of the penetration test, each refused and recorded.

An outside consultant, a curious insider and an administrator try what the issue found open: reading a
household that has no case director, reopening a case closed after a handover, granting themselves a
legal basis or the directorship, erasing on their own, auditing another organisation's staff, and
breaking the glass with no real reason. Every refusal is a 403 problem and leaves a `denied` access record.
"""

from __future__ import annotations

from typing import Any

import httpx

from conftest import Api

REFERRAL = {"sources": ["wmo_desk"], "members": [{"role": "adult", "name": "Noor Aanval", "bsn": "999990019"}]}


def client(api: Api, who: str) -> httpx.Client:
    return httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens[who]}"}, timeout=30)


def write(c: httpx.Client, path: str, version: int, body: dict[str, Any], method: str = "POST") -> httpx.Response:
    return c.request(method, path, json=body, headers={"If-Match": f'"{version}"'})


def ok(r: httpx.Response) -> int:
    assert r.status_code in (200, 201), r.text
    return int(r.json()["version"])


def refused(r: httpx.Response) -> None:
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "Noor" not in r.text and "999990019" not in r.text


def test_an_outsider_cannot_make_a_relationship_with_a_household_that_has_no_director(api: Api) -> None:
    """No reads, no intake, no consent or legal basis, no self-appointment: each 403 and recorded as denied."""
    team, outsider = client(api, "director"), client(api, "outsider")
    r = team.post("/v1/households", json=REFERRAL)
    hid, v = r.json()["household_id"], r.json()["version"]
    base = f"/v1/households/{hid}"
    for path in ("", "/plan", "/involved-parties", "/events"):
        refused(outsider.get(base + path))
    refused(write(outsider, f"{base}/intakes", v, {"domains_discussed": ["finances"]}))
    v = ok(write(team, f"{base}/intakes", v, {"domains_discussed": ["finances"]}))
    refused(write(outsider, f"{base}/consents", v, {
        "basis": "public_task", "organisations": ["schuldhulp-testdorp"], "legal_reference": "avg_6_1_e",
        "data_categories": ["identity", "finances", "mental_health"], "purpose": "coordination"}))
    refused(write(outsider, f"{base}/case-director", v, {"user_id": "u-outsider", "organisation": "schuldhulp-testdorp"},
                  method="PUT"))
    refused(write(outsider, f"{base}/involvements", v, {"kind": "professional", "organisation": "schuldhulp-testdorp",
                                                        "discipline": "debt_counselling", "worker_id": "u-outsider"}))
    log = client(api, "privacy").get("/v1/access-log", params={"householdId": hid, "userId": "u-outsider"}).json()
    outcomes = [(r["action"], r["outcome"]) for r in log["items"]]
    assert outcomes and all(o == "denied" for _, o in outcomes), outcomes
    assert {a for a, _ in outcomes} >= {"read_household", "read_plan", "record_intake", "grant_consent",
                                        "assign_case_director", "start_involvement"}


def test_a_case_closed_after_a_handover_is_reopened_only_by_the_receiving_organisation(api: Api) -> None:
    """After a handover and closure nobody is director: the outsider can neither read nor reopen; the receiver can."""
    team, outsider, ggz = client(api, "director"), client(api, "outsider"), client(api, "ggz")
    r = team.post("/v1/households", json=REFERRAL)
    hid, v = r.json()["household_id"], r.json()["version"]
    base = f"/v1/households/{hid}"
    v = ok(write(team, f"{base}/intakes", v, {"domains_discussed": ["finances"]}))
    v = ok(write(team, f"{base}/case-director", v, {"user_id": "u-director", "organisation": "gemeente-testdorp"},
                 method="PUT"))
    v = ok(write(team, f"{base}/handovers", v, {"to_organisation": "ggz-regio"}))
    refused(write(team, f"{base}/closure", v, {"reason": "handed_over"}))  # the team stepped back with the handover
    v = ok(write(ggz, f"{base}/closure", v, {"reason": "handed_over"}))
    refused(write(outsider, f"{base}/reopening", v, {}))
    refused(outsider.get(f"{base}/plan"))
    v = ok(write(ggz, f"{base}/reopening", v, {}))
    assert v == 6


def test_a_legal_basis_names_who_decided_it_and_waits_for_the_privacy_officers_review(api: Api) -> None:
    """The grant's access record is on the review list; the officer's verdict takes it off."""
    team, privacy = client(api, "director"), client(api, "privacy")
    r = team.post("/v1/households", json=REFERRAL)
    hid, v = r.json()["household_id"], r.json()["version"]
    base = f"/v1/households/{hid}"
    v = ok(write(team, f"{base}/intakes", v, {"domains_discussed": ["finances"]}))
    r = write(team, f"{base}/consents", v, {
        "basis": "public_task", "organisations": ["gemeente-testdorp"], "legal_reference": "wmo_2015_5_1_1",
        "data_categories": ["finances"], "purpose": "coordination", "decided_by": "u-colleague"})
    ok(r)
    waiting = privacy.get("/v1/access-log", params={"awaitingReview": "true"}).json()["items"]
    grant = [w for w in waiting if w["household_id"] == hid and w["action"] == "grant_consent"]
    assert len(grant) == 1 and grant[0]["needs_review"] == "legal_basis" and grant[0]["user_id"] == "u-director"
    r = privacy.post(f"/v1/access-log/{grant[0]['record_id']}/review", json={"verdict": "justified"})
    assert r.status_code == 201, r.text
    waiting = privacy.get("/v1/access-log", params={"awaitingReview": "true"}).json()["items"]
    assert not [w for w in waiting if w["record_id"] == grant[0]["record_id"]]


def test_erasure_takes_the_privacy_officers_request_and_another_persons_execution(api: Api) -> None:
    """An admin alone cannot erase; a partner's officer cannot request; the municipality's admin executes a request."""
    team, privacy, admin = client(api, "director"), client(api, "privacy"), client(api, "admin")
    r = team.post("/v1/households", json=REFERRAL)
    hid, v = r.json()["household_id"], r.json()["version"]
    base = f"/v1/households/{hid}"
    v = ok(write(team, f"{base}/closure", v, {"reason": "coordination_not_needed"}))
    refused(write(admin, f"{base}/erasure", v, {"reason": "data_subject_request"}))  # no request recorded
    refused(write(client(api, "partner_privacy"), f"{base}/erasure-requests", v, {"reason": "data_subject_request"}))
    refused(write(client(api, "partner_admin"), f"{base}/erasure", v, {"reason": "data_subject_request"}))
    r = write(privacy, f"{base}/erasure-requests", v, {"reason": "data_subject_request"})
    v = ok(r)
    refused(write(privacy, f"{base}/erasure", v, {"reason": "data_subject_request"}))  # never the requester
    refused(write(client(api, "partner_admin"), f"{base}/erasure", v, {"reason": "data_subject_request"}))
    v = ok(write(admin, f"{base}/erasure", v, {"reason": "data_subject_request"}))
    log = privacy.get("/v1/access-log", params={"householdId": hid}).json()["items"]
    done = [(r["user_id"], r["action"], r["outcome"]) for r in log if r["action"] in ("request_erasure", "erase_household")]
    assert ("u-privacy", "request_erasure", "allowed") in done and ("u-admin", "erase_household", "allowed") in done
    assert ("u-admin", "erase_household", "denied") in done and ("u-partner_admin", "erase_household", "denied") in done
    executed = [r for r in log if r["action"] == "erase_household" and r["outcome"] == "allowed"][0]
    assert executed["authorisation"].startswith("erasure_request:")


def test_a_partner_privacy_officer_sees_only_their_own_staffs_accesses(api: Api) -> None:
    """The municipality's officer sees every record; GGZ's officer only GGZ staff's, and cannot answer a request."""
    team = client(api, "director")
    r = team.post("/v1/households", json=REFERRAL)
    hid = r.json()["household_id"]
    refused(client(api, "ggz").get(f"/v1/households/{hid}/plan"))  # a GGZ access, denied
    town = client(api, "privacy").get("/v1/access-log", params={"householdId": hid}).json()["items"]
    partner = client(api, "partner_privacy").get("/v1/access-log", params={"householdId": hid}).json()["items"]
    assert {r["organisation"] for r in town} >= {"gemeente-testdorp", "ggz-regio"}
    assert partner and {r["organisation"] for r in partner} == {"ggz-regio"}
    pp = client(api, "partner_privacy")
    refused(pp.post(f"/v1/households/{hid}/access-requests",
                    json={"requester": "data_subject", "identity_check": "digid"}))
    refused(pp.get(f"/v1/households/{hid}/export", params={"accessRequest": "00000000-0000-0000-0000-000000000000"}))


def test_an_export_answers_a_recorded_access_request_and_shows_in_the_households_log(api: Api) -> None:
    """Without a recorded request there is no export; with one, the export names it and both are in the log."""
    team, privacy = client(api, "director"), client(api, "privacy")
    hid = team.post("/v1/households", json=REFERRAL).json()["household_id"]
    base = f"/v1/households/{hid}"
    assert privacy.get(f"{base}/export").status_code == 400  # the request id is required
    missing = privacy.get(f"{base}/export", params={"accessRequest": "00000000-0000-0000-0000-000000000000"})
    assert missing.status_code == 404, missing.text
    r = privacy.post(f"{base}/access-requests", json={"requester": "data_subject", "identity_check": "digid",
                                                      "received_on": "2026-03-01"})
    assert r.status_code == 201, r.text
    request_id = r.json()["request_id"]
    export = privacy.get(f"{base}/export", params={"accessRequest": request_id})
    assert export.status_code == 200 and export.json()["household"]["referral"]["members"][0]["name"] == "Noor Aanval"
    log = privacy.get("/v1/access-log", params={"householdId": hid}).json()["items"]
    actions = [(r["action"], r["outcome"]) for r in log]
    assert ("record_access_request", "allowed") in actions and ("export_household", "allowed") in actions
    assert [r["authorisation"] for r in log if r["action"] == "export_household" and r["outcome"] == "allowed"] == [
        f"avg_art_15:{request_id}"]


def test_breaking_the_glass_needs_a_reason_of_substance_and_is_bounded(api: Api) -> None:
    """'x' is refused; a real reason opens the read, flagged; the sixth in a day is refused; the third is a burst."""
    team, outsider = client(api, "director"), client(api, "outsider")
    hids = [team.post("/v1/households", json=REFERRAL).json()["household_id"] for _ in range(6)]
    refused(outsider.get(f"/v1/households/{hids[0]}/plan", headers={"Emergency-Reason": "x"}))
    reason = {"Emergency-Reason": "Veilig Thuis meldt acuut gevaar, regisseur onbereikbaar"}
    for hid in hids[:5]:
        assert outsider.get(f"/v1/households/{hid}/plan", headers=reason).status_code == 200
    refused(outsider.get(f"/v1/households/{hids[5]}/plan", headers=reason))
    waiting = client(api, "privacy").get("/v1/access-log", params={"awaitingReview": "true"}).json()["items"]
    mine = [w for w in waiting if w["user_id"] == "u-outsider"]
    assert len(mine) == 5 and all(w["emergency"] for w in mine)
    assert [w["needs_review"] for w in mine] == [None, None, "emergency_burst", "emergency_burst", "emergency_burst"]


def test_the_two_times_open_no_door_and_the_series_is_decided_as_the_report(api: Api) -> None:
    """Issue 14 against the policy: asOf/knownAt never reach a past the caller has no relationship with now.

    A professional whose involvement has ended (the curious insider) asks the plan and state as of, and as known
    at, the days they were involved; an outside consultant asks the same with knownAt 1; an administrator and a
    partner's administrator ask the evaluation series and the report; a professional asks the series breaking the
    glass. Each is a 403 problem and a `denied` access record; the team and the evaluator are answered.
    """
    team, ggz, outsider = client(api, "director"), client(api, "ggz"), client(api, "outsider")
    r = team.post("/v1/households", json=REFERRAL)
    hid, v = r.json()["household_id"], r.json()["version"]
    base = f"/v1/households/{hid}"
    v = ok(write(team, f"{base}/intakes", v, {"domains_discussed": ["finances"]}))
    v = ok(write(team, f"{base}/case-director", v, {"user_id": "u-director", "organisation": "gemeente-testdorp"},
                 method="PUT"))
    v = ok(write(team, f"{base}/consents", v, {
        "basis": "public_task", "organisations": ["ggz-regio"], "legal_reference": "avg_6_1_e",
        "data_categories": ["identity", "composition", "plan", "zrm", "involvement", "mental_health"],
        "purpose": "coordination"}))
    started = write(team, f"{base}/involvements", v, {"kind": "professional", "organisation": "ggz-regio",
                                                      "discipline": "social_work", "worker_id": "u-ggz"})
    v, involvement, involved_at = ok(started), started.json()["item_id"], started.json()["position"]
    plan = ggz.get(f"{base}/plan", params={"knownAt": str(involved_at)})
    assert plan.status_code == 200, plan.text  # involved: the professional reads the plan, now and as known then
    v = ok(write(team, f"{base}/involvements/{involvement}/ending", v, {"reason": "goal_reached"}))
    past = {"knownAt": str(involved_at), "asOf": plan.json()["as_of"]}
    for path in ("", "/plan", "/involved-parties"):
        refused(ggz.get(base + path, params=past))  # the relationship is judged now, not as of then
        refused(outsider.get(base + path, params={"knownAt": "1"}))
    assert team.get(f"{base}/plan", params=past).status_code == 200
    series = {"from": "2026-01-01"}
    for who in ("admin", "partner_admin"):
        refused(client(api, who).get("/v1/reports/evaluation/series", params=series))
        refused(client(api, who).get("/v1/reports/evaluation"))
    refused(client(api, "ggz").get("/v1/reports/evaluation/series", params=series,
                                   headers={"Ledger-Emergency-Reason": "Ik wil zien hoe het met de wijk gaat."}))
    assert client(api, "evaluator").get("/v1/reports/evaluation/series", params=series).status_code in (200, 422)
    privacy = client(api, "privacy")
    for user, actions in (("u-ggz", {"read_household", "read_plan", "read_involvement"}),
                          ("u-outsider", {"read_household", "read_plan", "read_involvement"})):
        log = privacy.get("/v1/access-log", params={"householdId": hid, "userId": user}).json()["items"]
        denied = {r["action"] for r in log if r["outcome"] == "denied"}
        assert denied >= actions, (user, log)
    every = privacy.get("/v1/access-log", params={"userId": "u-admin"}).json()["items"]
    assert {(r["action"], r["outcome"]) for r in every} >= {("read_evaluation_series", "denied"),
                                                            ("read_evaluation_report", "denied")}
