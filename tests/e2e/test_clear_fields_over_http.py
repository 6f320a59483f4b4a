"""Issue 12 item 10 over real HTTP: code fields are enums and ids in the API, and refuse text.

On SQLite and PostgreSQL (the `api` fixture: uvicorn on a free port).
"""

from __future__ import annotations

import httpx

from conftest import Api
from ledger.aggregates.vocabulary import Discipline, ErasureReason, LegalReference

PROBLEM = "application/problem+json"
CLIENT = "Noor Httpsen"
REFERRAL = {"sources": ["wmo_desk"], "members": [{"role": "adult", "name": CLIENT}]}


def client(api: Api, who: str = "director") -> httpx.Client:
    return httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens[who]}"}, timeout=20)


def referred(c: httpx.Client) -> tuple[str, int]:
    r = c.post("/v1/households", json=REFERRAL)
    assert r.status_code == 201, r.text
    hid, v = r.json()["household_id"], r.json()["version"]
    r = c.put(f"/v1/households/{hid}/case-director", json={"user_id": "u-director", "organisation": "gemeente-testdorp"},
              headers={"If-Match": f'"{v}"'})
    assert r.status_code == 200, r.text
    return hid, r.json()["version"]


def involve(c: httpx.Client, hid: str, v: int, **body: object) -> httpx.Response:
    return c.post(f"/v1/households/{hid}/involvements", headers={"If-Match": f'"{v}"'},
                  json={"kind": "professional", "organisation": "ggz-regio", "discipline": "mental_health_care", **body})


def test_an_unknown_discipline_is_400_naming_the_field_and_the_allowed_codes(api: Api) -> None:
    """A discipline outside the vocabulary: 400 problem, the field named, the allowed codes listed, nothing changed."""
    c = client(api)
    hid, v = referred(c)
    r = involve(c, hid, v, discipline="ggz")
    assert r.status_code == 400 and r.headers["content-type"].startswith(PROBLEM)
    (param,) = r.json()["invalidParams"]
    assert param["name"] == "discipline" and "mental_health_care" in param["reason"]
    assert involve(c, hid, v).status_code == 201  # the version did not move


def test_a_note_in_an_organisation_or_worker_field_is_400_and_not_echoed(api: Api) -> None:
    """A name where an organisation id or a user id belongs: 400, and the text is not repeated."""
    c = client(api)
    hid, v = referred(c)
    for body in ({"organisation": f"buurvrouw van {CLIENT}"}, {"worker_id": f"{CLIENT} (GGZ)"}):
        r = involve(c, hid, v, **body)
        assert r.status_code == 400, r.text
        assert "Noor" not in r.text and "buurvrouw" not in r.text
    r = c.post(f"/v1/households/{hid}/handovers", headers={"If-Match": f'"{v}"'},
               json={"to_organisation": "Veilig Thuis"})
    assert r.status_code == 400 and r.json()["invalidParams"][0]["name"] == "to_organisation"


def test_an_unregistered_worker_is_422_and_recorded_as_refused(api: Api) -> None:
    """A well-formed user id that the directory does not hold: 422 unregistered-user."""
    c = client(api)
    hid, v = referred(c)
    r = involve(c, hid, v, worker_id="u-nobody")
    assert r.status_code == 422 and r.json()["type"].endswith("/unregistered-user")
    assert involve(c, hid, v, worker_id="u-ggz").status_code == 201


def test_the_openapi_document_gives_the_vocabularies_as_enums_and_ids_with_their_pattern(api: Api) -> None:
    """Clients see the allowed codes and the id form in /v1/openapi.json."""
    spec = httpx.get(f"{api.url}/v1/openapi.json").json()
    schemas = spec["components"]["schemas"]
    # issue 17: each code field declares its codes inline, with their labels (tests/unit/test_openapi_codes.py);
    # a request field the codes a command accepts ('unspecified' is read-only), a response field every code
    hold = schemas["RetentionHoldIn"]["properties"]["law"]["enum"]
    assert hold == [r.value for r in LegalReference if r != LegalReference.UNSPECIFIED]
    assert schemas["ErasureIn"]["properties"]["reason"]["enum"] == [r.value for r in ErasureReason]
    stored = schemas["InvolvementOut"]["properties"]["discipline"]
    assert set(stored["enum"]) == {d.value for d in Discipline}
    involvement = schemas["InvolvementIn"]["properties"]
    assert involvement["discipline"]["enum"] == [d.value for d in Discipline]  # issue 17: inline, with labels
    assert involvement["discipline"]["x-enum-descriptions"]["buddy"] == "Maatje — Buddy"
    assert involvement["organisation"]["pattern"] == "^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$"
    assert schemas["HandoverIn"]["properties"]["to_organisation"]["pattern"].startswith("^[a-z0-9]")
