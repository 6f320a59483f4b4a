"""Issue 15 over real HTTP: a referral of a known BSN.

A referrer related to the known household (its intake team) is told it is known and the referral's
source is added there (200, ``already_known``); an outsider gets exactly what an unknown BSN gets (201,
a new household: same status, fields and headers); after erasure the BSN is found no more.
"""

from __future__ import annotations

from typing import Any

import httpx

from conftest import Api

BSN = "999990019"
UNKNOWN_BSN = "999990044"


def client(api: Api, who: str) -> httpx.Client:
    return httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens[who]}"}, timeout=30)


def referral(source: str, bsn: str = BSN, **extra: Any) -> dict[str, Any]:
    return {"sources": [source], "members": [{"role": "adult", "name": "Noor Bekend", "bsn": bsn}], **extra}


def shape(r: httpx.Response) -> tuple[Any, ...]:
    """What an answer shows, without its ids, positions and times: status, fields and their kinds, headers."""
    body = r.json()
    headers = sorted(h for h in r.headers if h not in ("date", "content-length", "x-request-id"))
    return (r.status_code, sorted(body), {k: type(v).__name__ for k, v in body.items()}, body["version"],
            body["already_known"], headers, r.headers["location"].startswith("/v1/households/"))


def test_a_related_referrer_hears_it_is_known_and_the_source_is_added(api: Api) -> None:
    team = client(api, "director")  # the municipality's intake team: the referral's default addressee
    first = team.post("/v1/households", json=referral("social_work"))
    assert first.status_code == 201 and first.json()["already_known"] is False
    hid = first.json()["household_id"]
    again = team.post("/v1/households", json=referral("police", bsn="999 99 0019"))
    assert again.status_code == 200, again.text
    body = again.json()
    assert (body["household_id"], body["version"], body["already_known"]) == (hid, 2, True)
    assert again.headers["location"] == f"/v1/households/{hid}" and again.headers["etag"] == '"2"'
    assert int(again.headers["ledger-position"]) == body["position"]
    # the command itself, at its own resource, on the known household's version 2
    r = team.post(f"/v1/households/{hid}/referrals", json={"sources": ["wmo_desk"]}, headers={"If-Match": '"2"'})
    assert r.status_code == 201, r.text
    # the sources added (read by the export of a recorded access request: the team may not read identity-wide)
    officer = client(api, "privacy")
    request = officer.post(f"/v1/households/{hid}/access-requests", json={
        "requester": "data_subject", "identity_check": "id_document_in_person"})
    export = officer.get(f"/v1/households/{hid}/export", params={"accessRequest": request.json()["request_id"]})
    assert [a["sources"] for a in export.json()["household"]["added_referrals"]] == [["police"], ["wmo_desk"]]
    log = client(api, "privacy").get("/v1/access-log", params={"householdId": hid}).json()["items"]
    assert [(e["action"], e["outcome"]) for e in log if e["action"] == "add_referral"] == [
        ("add_referral", "allowed"), ("add_referral", "allowed")]


def test_an_outsider_learns_nothing_and_an_erased_household_is_not_found(api: Api) -> None:
    team, outsider = client(api, "director"), client(api, "outsider")
    first = team.post("/v1/households", json=referral("social_work"))
    hid, v = first.json()["household_id"], first.json()["version"]
    # addressed to their own organisation's intake team, so the municipality's team is not related to them
    mine = {"addressed_to": "schuldhulp-testdorp"}
    known = outsider.post("/v1/households", json=referral("debt_counselling", **mine))
    unknown = outsider.post("/v1/households", json=referral("debt_counselling", bsn=UNKNOWN_BSN, **mine))
    assert shape(known) == shape(unknown)
    assert known.status_code == 201 and known.json()["household_id"] != hid
    assert "Noor" not in known.text and BSN not in known.text
    # the try is on the known household's record, for the privacy officer; nothing was added there
    log = client(api, "privacy").get("/v1/access-log", params={"householdId": hid}).json()["items"]
    assert [(e["user_id"], e["outcome"]) for e in log if e["action"] == "add_referral"] == [("u-outsider", "denied")]
    r = team.post(f"/v1/households/{hid}/closure", json={"reason": "other"}, headers={"If-Match": '"2"'})
    assert r.status_code == 412  # nothing was added: the known household is still at version 1
    # erased: the BSN names the household no more
    v = team.post(f"/v1/households/{hid}/closure", json={"reason": "other"}, headers={"If-Match": f'"{v}"'}
                  ).json()["version"]
    r = client(api, "privacy").post(f"/v1/households/{hid}/erasure-requests", json={"reason": "data_subject_request"},
                                    headers={"If-Match": f'"{v}"'})
    assert r.status_code == 201, r.text
    r = client(api, "admin").post(f"/v1/households/{hid}/erasure", json={"reason": "data_subject_request"},
                                  headers={"If-Match": f'"{r.json()["version"]}"'})
    assert r.status_code == 201, r.text
    after = team.post("/v1/households", json=referral("police"))
    assert after.status_code == 201 and after.json()["already_known"] is False
    assert after.json()["household_id"] != hid


def test_the_cli_says_already_known_and_adds_a_referral(api: Api) -> None:
    """`ledger household refer` twice with one BSN, then `ledger household add-referral`, as the intake team."""
    from test_client_cli import ledger, ok

    member = ["--member", "adult:Noor Bekend:999990019"]
    hid, _, version = ok(ledger(api, "director", "household", "refer", "--source", "wmo_desk", *member)).split()
    assert version == "1"
    again = ok(ledger(api, "director", "household", "refer", "--source", "police", *member))
    assert again == f"{hid} version 2 (already known: referral added)\n"
    out = ok(ledger(api, "director", "household", "add-referral", hid, "-v", "2", "--source", "general_practitioner"))
    assert out == "version 3\n"
