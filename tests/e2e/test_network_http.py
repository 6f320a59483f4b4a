"""Issue 15 over real HTTP: the eco-map at intake and later, and agencies already involved at the referral.

On SQLite and PostgreSQL (the `api` fixture: uvicorn on a free port). Synthetic names only.
"""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from conftest import Api
from ledger.aggregates.vocabulary import DataCategory

TODAY = date.today()
REFERRED = TODAY - timedelta(days=10)
GRAN = "Oma Ecokaart Verzonnen"
REFERRAL = {"sources": ["wmo_desk"], "members": [{"role": "adult", "name": "Sanne Netwerksen"}],
            "on": REFERRED.isoformat()}


def client(api: Api, who: str = "director") -> httpx.Client:
    return httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens[who]}"}, timeout=20)


def post(c: httpx.Client, path: str, v: int, body: dict[str, object]) -> httpx.Response:
    return c.post(path, headers={"If-Match": f'"{v}"'}, json=body)


def with_intake(c: httpx.Client) -> tuple[str, int]:
    r = c.post("/v1/households", json=REFERRAL)
    assert r.status_code == 201, r.text
    hid, v = r.json()["household_id"], r.json()["version"]
    r = c.put(f"/v1/households/{hid}/case-director", json={"user_id": "u-director", "organisation": "gemeente-testdorp"},
              headers={"If-Match": f'"{v}"'})
    assert r.status_code == 200, r.text
    r = post(c, f"/v1/households/{hid}/consents", r.json()["version"], {  # the team reads the whole household
        "basis": "public_task", "organisations": ["gemeente-testdorp"], "legal_reference": "avg_6_1_e",
        "data_categories": [d.value for d in DataCategory], "purpose": "coordination"})
    assert r.status_code == 201, r.text
    r = post(c, f"/v1/households/{hid}/intakes", r.json()["version"], {
        "domains_discussed": ["finances"], "on": REFERRED.isoformat(),
        "network": [{"relation": "grandmother", "name": GRAN}, {"relation": "neighbour", "supportive": False}]})
    assert r.status_code == 201, r.text
    return hid, r.json()["version"]


def test_the_intake_takes_the_network_and_the_household_shows_it_to_its_team(api: Api) -> None:
    c = client(api)
    hid, _ = with_intake(c)
    network = c.get(f"/v1/households/{hid}").json()["intake"]["network"]
    assert network == [{"relation": "grandmother", "name": GRAN, "supportive": True},
                       {"relation": "neighbour", "name": None, "supportive": False}]


def test_an_unknown_relation_is_refused(api: Api) -> None:
    c = client(api)
    r = c.post("/v1/households", json=REFERRAL)
    hid, v = r.json()["household_id"], r.json()["version"]
    r = post(c, f"/v1/households/{hid}/intakes", v, {"domains_discussed": ["finances"],
                                                     "network": [{"relation": "buurvrouw"}]})
    assert r.status_code in (400, 422) and GRAN not in r.text, r.text


def test_the_network_is_recorded_again_later_and_an_outsider_may_not(api: Api) -> None:
    c, outsider = client(api), client(api, "outsider")
    hid, v = with_intake(c)
    body = {"contacts": [{"relation": "grandmother", "name": GRAN}, {"relation": "friend"}], "on": TODAY.isoformat()}
    r = post(outsider, f"/v1/households/{hid}/network", v, body)
    assert r.status_code == 403, r.text
    r = post(c, f"/v1/households/{hid}/network", v, body)
    assert r.status_code == 201, r.text
    shown = c.get(f"/v1/households/{hid}").json()
    assert shown["network"]["on"] == TODAY.isoformat()
    assert [x["relation"] for x in shown["network"]["contacts"]] == ["grandmother", "friend"]
    assert len(shown["intake"]["network"]) == 2  # the intake's eco-map stays as it was
    assert outsider.get(f"/v1/households/{hid}").status_code == 403


def test_only_an_already_involved_agency_is_dated_before_the_referral(api: Api) -> None:
    c = client(api)
    hid, v = with_intake(c)
    before = (REFERRED - timedelta(days=400)).isoformat()
    agency = {"kind": "professional", "organisation": "ggz-regio", "discipline": "mental_health_care", "on": before}
    r = post(c, f"/v1/households/{hid}/involvements", v, agency)
    assert r.status_code == 422 and r.json()["type"].endswith("/date-before-referral"), r.text
    r = post(c, f"/v1/households/{hid}/involvements", v, {**agency, "already_involved": True})
    assert r.status_code == 201, r.text
    inv = c.get(f"/v1/households/{hid}").json()["involvements"][r.json()["item_id"]]
    assert (inv["started_on"], inv["already_involved"]) == (before, True)
