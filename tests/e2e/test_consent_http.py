"""Issue 16 item 4: consent that is easy to give right, over real HTTP on SQLite and PostgreSQL.

The household's state names its members with their ids (`members`); a consent takes one of them
and a preset (`coordination`, `life_domains`, `all`) instead of a flag per category; the answer
holds the consent as stored; an unknown preset or member is refused clearly and changes nothing.
The CLI (`ledger household consent`) lists the categories and presets in its help and prints the
consent's scope in words.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import httpx
from test_client_cli import GGZ, LEDGER, SECRET_NAME, TESTDORP, client, ledger, ok, one_error_line, referral

from ledger.client import NotFound, RuleViolation

COORDINATION = ["identity", "contact", "composition", "plan", "zrm", "involvement"]
LIFE_DOMAINS = ["finances", "work_and_education", "housing", "domestic_relations", "physical_health", "mental_health",
                "addiction", "justice", "parenting", "social_network"]
EVERY = ["identity", "contact", "composition", *LIFE_DOMAINS, "plan", "zrm", "involvement", "costs"]


def _directed(api: Any) -> tuple[str, int]:
    """A household (an adult and a child) whose case director is u-director; no consent yet."""
    director = client(api, "director")
    w = referral(director)
    w = director.record_intake(w.household_id, w.version, ["finances"])
    w = director.set_case_director(w.household_id, w.version, api.user_ids["director"], TESTDORP)
    return w.household_id, w.version


def _nothing_changed(api: Any, household_id: str, version: int) -> None:
    """The household is still at ``version`` (a write expecting it goes through) and holds no other consent."""
    director = client(api, "director")
    w = director.grant_consent(household_id, version, member_id="m1", organisations=[TESTDORP], preset="all")
    assert w.version == version + 1
    assert list(director.household(household_id)[0]["consents"]) == [w.item_id]


def test_members_come_back_with_their_ids_and_a_preset_consent_covers_exactly_the_preset(api: Any) -> None:
    """The state lists the members by id; consents given with those ids and a preset store exactly its categories."""
    director = client(api, "director")
    hid, version = _directed(api)
    w = director.grant_consent(hid, version, member_id="m1", organisations=[TESTDORP], preset="all")
    assert w.consent is not None and w.consent["data_categories"] == EVERY and w.consent["consent_id"] == w.item_id

    state, version = director.household(hid)
    assert [(m["member_id"], m["role"], m["name"]) for m in state["members"]] == [
        ("m1", "adult", SECRET_NAME), ("m2", "child", "Mila Proefhuis")]
    assert all(m["relations"] == [] for m in state["members"])
    child = state["members"][1]["member_id"]

    w = director.grant_consent(hid, version, member_id=child, organisations=[GGZ], preset="coordination")
    assert w.consent is not None and w.consent["data_categories"] == COORDINATION
    assert (w.consent["member_id"], w.consent["organisations"], w.consent["basis"]) == (child, [GGZ], "consent")
    state, version = director.household(hid)
    assert state["consents"][w.item_id] == w.consent  # the answer is the consent as stored
    child_consent = w.item_id

    # A preset and categories named with it: both, each once, in the vocabulary's order.
    w = director.grant_consent(hid, version, member_id="m1", organisations=[GGZ], preset="life_domains",
                               data_categories=["costs", "housing"], valid_until="2030-01-31")
    assert w.consent is not None and w.consent["data_categories"] == [*LIFE_DOMAINS, "costs"]
    assert w.consent["valid_until"] == "2030-01-31"
    assert w.consent["valid_from"] == state["consents"][child_consent]["valid_from"]  # default: the day it is given


def test_the_consent_answer_over_raw_http_is_the_published_shape(api: Any) -> None:
    """201 with item_id and `consent` (ConsentResult in the OpenAPI document), ETag the new version."""
    hid, version = _directed(api)
    r = httpx.post(f"{api.url}/v1/households/{hid}/consents", timeout=60, headers={
        "Authorization": f"Bearer {api.tokens['director']}", "If-Match": f'"{version}"'},
        json={"basis": "consent", "member_id": "m2", "organisations": [GGZ], "preset": "coordination",
              "purpose": "coordination"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["etag"] == f'"{body["version"]}"' and body["version"] == version + 1
    assert body["consent"]["consent_id"] == body["item_id"] and body["consent"]["data_categories"] == COORDINATION
    schema = httpx.get(f"{api.url}/v1/openapi.json", timeout=120).json()
    path = next(p for p in schema["paths"] if p.endswith("/households/{household_id}/consents"))
    answer = schema["paths"][path]["post"]["responses"]["201"]
    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/ConsentResult")
    assert "life_domains" in json.dumps(schema["components"]["schemas"]["ConsentIn"])


def test_an_unknown_preset_or_member_is_refused_clearly_and_changes_nothing(api: Any) -> None:
    """Unknown preset: 422 unknown-consent-preset naming the presets; unknown member: 404; the version stays."""
    director = client(api, "director")
    hid, version = _directed(api)
    headers = {"Authorization": f"Bearer {api.tokens['director']}", "If-Match": f'"{version}"'}
    body = {"basis": "consent", "member_id": "m1", "organisations": [GGZ], "purpose": "coordination"}
    r = httpx.post(f"{api.url}/v1/households/{hid}/consents", timeout=60, headers=headers, json=body | {"preset": "everything"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["type"].endswith("/unknown-consent-preset")
    assert all(name in problem["detail"] for name in ("coordination", "life_domains", "all"))
    r = httpx.post(f"{api.url}/v1/households/{hid}/consents", timeout=60, headers=headers,
                   json=body | {"member_id": "m9", "preset": "all"})
    assert r.status_code == 404 and r.json()["type"].endswith("/not-found") and "m9" in r.json()["detail"]
    # neither a preset nor a category: the rule that a consent names at least one category
    r = httpx.post(f"{api.url}/v1/households/{hid}/consents", timeout=60, headers=headers, json=body)
    assert r.status_code == 400 and "data category" in r.json()["detail"]
    try:
        director.grant_consent(hid, version, member_id="m1", organisations=[GGZ], preset="All")
    except RuleViolation as e:
        assert e.code == "unknown-consent-preset"
    else:
        raise AssertionError("a preset is a lower-case word: 'All' is refused")
    try:
        director.grant_consent(hid, version, member_id="m3", organisations=[GGZ], preset="coordination")
    except NotFound as e:
        assert "m3" in e.message
    else:
        raise AssertionError("m3 is no member of a household of two")
    _nothing_changed(api, hid, version)


def test_the_cli_help_lists_the_categories_and_the_presets() -> None:
    """`ledger household consent --help` lists every data category and every preset (from the vocabulary)."""
    done = subprocess.run([*LEDGER, "household", "consent", "--help"], capture_output=True, text=True, timeout=60,
                          env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    for word in (*EVERY, "coordination", "life_domains", "all (every category)", "--preset"):
        assert word in text, word


def test_the_cli_gives_a_consent_with_a_preset_and_prints_its_scope_in_words(api: Any) -> None:
    """`household consent --preset coordination --category costs` prints who, for whom, what, why and how long."""
    hid, version = _directed(api)
    out = ok(ledger(api, "director", "household", "consent", hid, "-v", str(version), "--member", "m2",
                    "--organisation", GGZ, "--organisation", TESTDORP, "--preset", "coordination",
                    "--category", "costs", "--until", "2030-06-30"))
    lines = out.splitlines()
    assert lines[0].startswith(f"version {version + 1}; consent ")
    consent_id = lines[0].rsplit(" ", 1)[1]
    words = " ".join(out.split())
    assert f"Consent {consent_id} of member m2" in words
    assert f"for: {GGZ}, {TESTDORP}" in words
    assert "covers: identity, contact details, household composition, the household plan" in words and "costs" in words
    assert "purpose: coordinating the household's plan (coordination)" in words
    assert "in force: from " in words and "until 2030-06-30" in words
    assert all(len(line) <= 80 for line in lines)

    as_json = json.loads(ok(ledger(api, "director", "household", "consent", hid, "-v", str(version + 1),
                                   "--member", "m1", "--organisation", TESTDORP, "--preset", "all", "--json")))
    assert as_json["consent"]["data_categories"] == EVERY and as_json["item_id"] == as_json["consent"]["consent_id"]
    state, _ = client(api, "director").household(hid)
    assert state["consents"][consent_id]["data_categories"] == [*COORDINATION, "costs"]
    assert state["consents"][as_json["item_id"]] == as_json["consent"]


def test_the_cli_refuses_an_unknown_preset_or_member_in_one_line_and_changes_nothing(api: Any) -> None:
    """An unknown preset or member: one line naming the problem, exit 1, no consent recorded."""
    hid, version = _directed(api)
    line = one_error_line(ledger(api, "director", "household", "consent", hid, "-v", str(version), "--member", "m1",
                                 "--organisation", GGZ, "--preset", "everything"))
    assert "coordination, life_domains, all" in line
    line = one_error_line(ledger(api, "director", "household", "consent", hid, "-v", str(version), "--member", "m7",
                                 "--organisation", GGZ, "--preset", "all"))
    assert "m7" in line
    _nothing_changed(api, hid, version)
