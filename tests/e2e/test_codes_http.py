"""Issue 17 item 1 over real HTTP (SQLite): the codes the served document lists are the codes the server takes.

For a few commands and the two query parameters that hold codes, each code is read from
``/v1/openapi.json`` (never listed here): every code the document offers is accepted, and a value
outside it (a made-up word, a kept code, a code of a neighbouring vocabulary) is a 400 problem+json
that changes nothing (the household's version does not move; the next write with the same
``If-Match`` succeeds). The document-wide comparison with the vocabularies is
tests/unit/test_openapi_codes.py.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from conftest import Api
from test_api_http import client, is_problem, refer

pytestmark = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

PROBLEM = "application/problem+json"


def document(api: Api) -> dict[str, Any]:
    return httpx.get(f"{api.url}/v1/openapi.json").json()


def _string(schema: dict[str, Any]) -> dict[str, Any]:
    """The string branch of ``T | None``."""
    return next((s for s in schema.get("anyOf", ()) if s.get("type") == "string"), schema)


def body_codes(doc: dict[str, Any], path: str, field: str) -> list[str]:
    """The enum the document gives a field of the POST body at ``path`` (on ``items`` for a list)."""
    ref = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    prop = _string(doc["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"][field])
    codes = [c for c in (prop["items"] if prop.get("type") == "array" else prop)["enum"] if c is not None]
    assert codes and all(isinstance(c, str) for c in codes)  # a nullable field's enum holds null besides
    return codes


def query_codes(doc: dict[str, Any], path: str, name: str) -> list[str]:
    (param,) = [p for p in doc["paths"][path]["get"]["parameters"] if p["name"] == name]
    return _string(param["schema"])["enum"]


def write(c: httpx.Client, path: str, version: int, body: dict[str, Any]) -> httpx.Response:
    return c.post(path, json=body, headers={"If-Match": f'"{version}"'})


def refused(r: httpx.Response) -> None:
    """A 400 problem+json: the document already said the value is not one of the codes."""
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["type"].rsplit("/", 1)[-1] in ("invalid-input", "invalid-request")


def version_of(c: httpx.Client, hid: str) -> int:
    return int(c.get(f"/v1/households/{hid}").json()["version"])


def test_every_life_domain_the_document_offers_takes_a_goal_and_nothing_else_does(api: Api) -> None:
    doc = document(api)
    domains = body_codes(doc, "/households/{household_id}/plan/goals", "life_domain")
    discussed = body_codes(doc, "/households/{household_id}/intakes", "domains_discussed")
    assert "unspecified" not in domains  # kept for old goals only
    c = client(api)
    hid, v = refer(c)
    base = f"/v1/households/{hid}"
    # the intake discusses data categories, not life domains: a life domain that is no category is refused
    outside = next(d for d in domains if d not in discussed)
    refused(write(c, f"{base}/intakes", v, {"domains_discussed": [outside]}))
    assert version_of(c, hid) == v
    r = write(c, f"{base}/intakes", v, {"domains_discussed": discussed})  # every category the document lists
    assert r.status_code == 201, r.text
    r = c.put(f"{base}/case-director", json={"user_id": "u-director", "organisation": "gemeente-testdorp"},
              headers={"If-Match": f'"{r.json()["version"]}"'})
    assert r.status_code == 200, r.text
    v = r.json()["version"]
    for bad in ("unspecified", "plan", "leefgebied", "Finances"):
        refused(write(c, f"{base}/plan/goals", v, {"life_domain": bad, "description": "Een doel"}))
    assert version_of(c, hid) == v
    for domain in domains:
        r = write(c, f"{base}/plan/goals", v, {"life_domain": domain, "description": f"Een doel in {domain}"})
        assert r.status_code == 201, f"{domain}: {r.text}"
        v = r.json()["version"]


def test_a_referral_takes_the_documented_sources_and_compositions_only(api: Api) -> None:
    doc = document(api)
    sources = body_codes(doc, "/households", "sources")
    compositions = body_codes(doc, "/households", "composition")
    assert "single_parent_not_recorded" not in compositions
    c = client(api)
    before = len(c.get("/v1/households", params={"limit": 500}).json()["items"])
    member = {"role": "adult", "name": "Noor Codes", "bsn": None}
    for body in ({"sources": ["buurvrouw"]}, {"sources": [sources[0], "Police"]},
                 {"sources": sources[:1], "composition": "single_parent_not_recorded"},
                 {"sources": sources[:1], "members": [{**member, "role": "grandparent"}]}):
        refused(c.post("/v1/households", json={"members": [member], **body}))
    assert len(c.get("/v1/households", params={"limit": 500}).json()["items"]) == before  # nothing referred
    r = c.post("/v1/households", json={"sources": sources, "members": [member], "composition": compositions[-1]})
    assert r.status_code == 201, r.text
    assert c.get(f"/v1/households/{r.json()['household_id']}").json()["composition"] == compositions[-1]


def test_an_orientation_talk_a_coordination_outcome_and_a_closure_reason_from_the_document(api: Api) -> None:
    doc = document(api)
    outcomes = body_codes(doc, "/households/{household_id}/coordination-decisions", "outcome")
    reasons = body_codes(doc, "/households/{household_id}/closure", "reason")
    c = client(api)
    hid, v = refer(c)
    base = f"/v1/households/{hid}"
    held_with = body_codes(doc, "/households/{household_id}/orientation-talks", "held_with")
    refused(write(c, f"{base}/orientation-talks", v, {"held_with": "neighbour"}))
    assert version_of(c, hid) == v
    r = write(c, f"{base}/orientation-talks", v, {"held_with": held_with[-1]})
    assert r.status_code == 201, r.text
    v = r.json()["version"]
    refused(write(c, f"{base}/coordination-decisions", v, {"outcome": "regie"}))
    refused(write(c, f"{base}/closure", v, {"reason": "goal_reached"}))  # an involvement's end reason, not a closure's
    assert version_of(c, hid) == v
    r = write(c, f"{base}/coordination-decisions", v, {"outcome": outcomes[-1]})
    assert r.status_code == 201, r.text
    r = write(c, f"{base}/closure", r.json()["version"], {"reason": reasons[0]})
    assert r.status_code == 201, r.text
    assert c.get(f"/v1/households/{hid}").json()["phase"] == "closed"


def test_the_query_parameters_take_the_documented_codes_only(api: Api) -> None:
    doc = document(api)
    c = client(api)
    refer(c)
    for phase in query_codes(doc, "/households", "phase"):
        r = c.get("/v1/households", params={"phase": phase})
        assert r.status_code == 200, f"{phase}: {r.text}"
        assert all(h["phase"] == phase for h in r.json()["items"])
    refused(c.get("/v1/households", params={"phase": "waakvlam"}))
    privacy = client(api, "privacy")
    for category in query_codes(doc, "/access-log", "category"):
        r = privacy.get("/v1/access-log", params={"category": category, "limit": 5})
        assert r.status_code == 200, f"{category}: {r.text}"
    refused(privacy.get("/v1/access-log", params={"category": "gezondheid"}))
    is_problem(privacy.get("/v1/access-log", params={"category": "health"}), 400, "invalid-input")
