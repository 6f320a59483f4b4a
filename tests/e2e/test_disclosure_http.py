"""Disclosure by category over real HTTP, on SQLite and PostgreSQL (issue 16 item 1, "Done when").

A demo-like household: a case director of the municipality, a mental-health professional involved,
a consent at intake for the municipality and the GGZ that covers the coordination set and the
household's problem domains, but not costs (as the demo's consent). The director reads the whole
household without breaking the glass; the professional sees exactly the consented categories and
the rest marked withheld, and breaking the glass discloses the rest, flagged for review. Then the
attacks: a curious insider trying two times, knowledge times, the history and its cursor pages; an
outsider; an administrator and a privacy officer. Nothing withheld ever reaches them, and every
read's access record says what was disclosed and what withheld.
"""

from __future__ import annotations

from typing import Any

import httpx

from bsn_pool import fresh_bsn
from conftest import Api
from test_client_cli import ledger, ok

TESTDORP, GGZ = "gemeente-testdorp", "ggz-regio"
NAME, COST_TEXT, AMOUNT = "Sanne Openbaar", "Bewindvoering kosten strikt geheim", "4321.77"
# The categories a household read holds (ledger/privacy/categories.py): the life domains are in none of its
# parts (a goal is plan, a score zrm), so a read neither discloses nor withholds them.
ALL = ["identity", "contact", "composition", "social_network", "plan", "zrm", "involvement", "costs"]
CONSENTED = ["identity", "contact", "composition", "plan", "involvement", "zrm", "finances", "mental_health"]
WITHHELD = {c: "no_consent" for c in ALL if c not in CONSENTED}  # costs, social_network
EMERGENCY = "Acute crisis at the address tonight, the case director cannot be reached"


def client(api: Api, who: str) -> httpx.Client:
    return httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens[who]}"}, timeout=30)


def _write(c: httpx.Client, path: str, version: int, body: dict[str, Any], method: str = "POST") -> int:
    r = c.request(method, path, json=body, headers={"If-Match": f'"{version}"'})
    assert r.status_code in (200, 201), r.text
    return int(r.json()["version"])


def household(api: Api) -> tuple[str, int]:
    """The demo-like case: director, GGZ involved, a goal, a cost, the intake's consent (no costs)."""
    d = client(api, "director")
    r = d.post("/v1/households", json={"sources": ["wmo_desk"], "address": "Dorpsstraat 9, Testdorp",
                                        "members": [{"role": "adult", "name": NAME, "bsn": fresh_bsn()}]})
    assert r.status_code == 201, r.text
    hid, v = r.json()["household_id"], r.json()["version"]
    base = f"/v1/households/{hid}"
    v = _write(d, f"{base}/intakes", v, {"domains_discussed": ["finances", "mental_health"]})
    v = _write(d, f"{base}/case-director", v, {"user_id": "u-director", "organisation": TESTDORP}, method="PUT")
    v = _write(d, f"{base}/involvements", v, {"kind": "professional", "organisation": GGZ,
                                               "discipline": "mental_health_care", "worker_id": "u-ggz"})
    v = _write(d, f"{base}/plan/goals", v, {"life_domain": "finances", "description": "Schulden op een rij"})
    v = _write(d, f"{base}/costs", v, {"kind": "baseline", "stream": "care", "amount_eur": AMOUNT,
                                        "period_start": "2025-01-01", "period_end": "2025-12-31",
                                        "description": COST_TEXT})
    v = _write(d, f"{base}/consents", v, {"basis": "consent", "member_id": "m1", "organisations": [TESTDORP, GGZ],
                                           "data_categories": CONSENTED, "purpose": "coordination"})
    return hid, v


def _records(api: Api, hid: str, user: str) -> list[dict[str, Any]]:
    r = client(api, "privacy").get("/v1/access-log", params={"householdId": hid, "userId": user})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def _no_secret(text: str) -> None:
    assert COST_TEXT not in text and AMOUNT not in text


def test_the_case_director_reads_the_whole_household_without_breaking_the_glass(api: Api) -> None:
    hid, v = household(api)
    d = client(api, "director")
    r = d.get(f"/v1/households/{hid}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["withheld"] == {} and body["version"] == v
    assert [c["description"] for c in body["costs"].values()] == [COST_TEXT]
    assert body["referral"]["members"][0]["name"] == NAME
    events = d.get(f"/v1/households/{hid}/events").json()["items"]
    assert all(e["data"] is not None and e["withheld"] is None for e in events)
    assert COST_TEXT in str(events)
    records = _records(api, hid, "u-director")
    reads = [x for x in records if x["action"] in ("read_household", "read_history")]
    assert [x["action"] for x in reads] == ["read_household", "read_history"]
    for x in reads:
        assert (x["outcome"], x["emergency"], x["withheld_categories"]) == ("allowed", False, None)
        assert x["data_categories"] == sorted(ALL)
    # and through the CLI, as a real process over HTTP
    out = ok(ledger(api, "director", "household", "show", hid))
    assert "Withheld" not in out and NAME in out
    assert "Withheld" not in ok(ledger(api, "director", "household", "events", hid))


def test_a_partial_consent_shows_exactly_the_consented_categories_and_the_glass_opens_the_rest(api: Api) -> None:
    hid, v = household(api)
    ggz = client(api, "ggz")
    r = ggz.get(f"/v1/households/{hid}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["withheld"] == WITHHELD
    assert body["costs"] is None and body["intake"] is None and body["referral"]["members"][0]["name"] == NAME
    assert body["goals"] and body["involvements"] and body["consents"]
    _no_secret(r.text)
    events = ggz.get(f"/v1/households/{hid}/events").json()["items"]
    cost = [e for e in events if e["type"] == "CostRecorded"]
    assert cost == [{"version": cost[0]["version"], "type": "CostRecorded", "recorded_at": cost[0]["recorded_at"],
                     "actor": None, "data": None, "withheld": {"costs": "no_consent"}}]
    assert [e["version"] for e in events] == list(range(1, v + 1))
    _no_secret(str(events))
    household_read, history_read = [x for x in _records(api, hid, "u-ggz") if x["action"].startswith("read_")]
    for x in (household_read, history_read):
        assert (x["outcome"], x["emergency"]) == ("allowed", False)
        assert x["data_categories"] == sorted(set(CONSENTED) & set(ALL))
        assert x["withheld_categories"] == WITHHELD
    # the CLI names what is withheld, in words, on one line
    out = ok(ledger(api, "ggz", "household", "show", hid))
    lines = [line for line in out.splitlines() if line.startswith("Withheld:")]
    assert len(lines) == 1 and "costs" in lines[0] and "no consent or legal basis" in lines[0]
    _no_secret(out)
    out = ok(ledger(api, "ggz", "household", "events", hid))
    assert "withheld: costs" in out  # the event of a withheld category, without its data
    _no_secret(out)

    # breaking the glass is for what is withheld: it discloses the rest and is flagged
    r = ggz.get(f"/v1/households/{hid}", headers={"Emergency-Reason": EMERGENCY})
    assert r.status_code == 200 and r.json()["withheld"] == {}
    assert [c["description"] for c in r.json()["costs"].values()] == [COST_TEXT]
    emergency = _records(api, hid, "u-ggz")[-1]
    assert (emergency["action"], emergency["emergency"], emergency["withheld_categories"]) == (
        "read_household", True, None)
    assert emergency["data_categories"] == sorted(ALL) and emergency["authorisation"].endswith("emergency")
    awaiting = client(api, "privacy").get("/v1/access-log", params={"awaitingReview": "true"}).json()["items"]
    assert emergency["record_id"] in {x["record_id"] for x in awaiting}
    # the director's whole read with a reason is no emergency
    r = client(api, "director").get(f"/v1/households/{hid}", headers={"Emergency-Reason": EMERGENCY})
    assert r.status_code == 200 and r.json()["withheld"] == {}
    assert _records(api, hid, "u-director")[-1]["emergency"] is False


def test_a_curious_insider_gets_nothing_withheld_by_any_other_way(api: Api) -> None:
    """Two times, knowledge times, the history page by page, a sloppy emergency reason: costs never show."""
    hid, v = household(api)
    ggz = client(api, "ggz")
    base = f"/v1/households/{hid}"
    for params in ({"asOf": "2026-12-31"}, {"knownAt": str(10**6)}, {"asOf": "2099-01-01", "knownAt": "1"}):
        r = ggz.get(base, params=params)
        if r.status_code == 200:
            assert r.json()["withheld"] == WITHHELD and r.json()["costs"] is None
        _no_secret(r.text)
    seen, cursor = [], None
    while True:
        page = ggz.get(f"{base}/events", params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += page["items"]
        cursor = page["next"]
        if not cursor:
            break
    assert len(seen) == v and [e for e in seen if e["type"] == "CostRecorded"][0]["data"] is None
    _no_secret(str(seen))
    r = ggz.get(f"{base}/events", params={"knownAt": str(10**6)})
    _no_secret(r.text)
    r = ggz.get(base, headers={"Emergency-Reason": "nu even"})
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
    _no_secret(r.text)
    assert _records(api, hid, "u-ggz")[-1]["outcome"] == "denied"


def test_an_outsider_an_administrator_and_a_privacy_officer_are_refused_whole(api: Api) -> None:
    hid, v = household(api)
    base = f"/v1/households/{hid}"
    for who in ("outsider", "stranger", "admin", "privacy"):
        c = client(api, who)
        for path, params in (("", {}), ("", {"asOf": "2026-12-31"}), ("/events", {}), ("/events", {"cursor": "Mg"})):
            r = c.get(base + path, params=params)
            assert r.status_code == 403, (who, path, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
            assert NAME not in r.text and f"version {v}" not in r.text and "withheld" not in r.text
            _no_secret(r.text)
    for who in ("admin", "privacy"):  # oversight roles: not even by breaking the glass
        r = client(api, who).get(base, headers={"Emergency-Reason": EMERGENCY})
        assert r.status_code == 403
    denied = _records(api, hid, "u-outsider")
    assert denied and all(x["outcome"] == "denied" and x["withheld_categories"] is None for x in denied)
