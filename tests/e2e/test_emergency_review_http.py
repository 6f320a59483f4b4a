"""Issue 16, item 3 over real HTTP and in the CLI: the privacy officer reviews an emergency access with its reason.

The review list and one record (``GET /v1/access-log/{record_id}``) show the reason the consultant typed
(unsealed from the ledger at read time), the reader, the categories disclosed and the household's relations
at that moment; each showing is an access record of its own (``read_access_review``) on the household's log.
The views never hold the reason. A partner's privacy officer sees their own staff's records only; nobody
else sees any. After erasure the reason reads as erased.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import httpx

from conftest import Api, raw_sql
from test_client_cli import ledger, ok, one_error_line

REASON = "Veilig Thuis meldt acuut gevaar, regisseur onbereikbaar"
REFERRAL = {"sources": ["wmo_desk"], "members": [{"role": "adult", "name": "Noor Glas", "bsn": "999990019"}]}


def client(api: Api, who: str) -> httpx.Client:
    return httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens[who]}"}, timeout=30)


def write(c: httpx.Client, path: str, version: int, body: dict[str, Any], method: str = "POST") -> httpx.Response:
    r = c.request(method, path, json=body, headers={"If-Match": f'"{version}"'})
    assert r.status_code in (200, 201), r.text
    return r


def broken_glass(api: Api) -> tuple[str, int, str]:
    """A household with a director and GGZ involved; the outsider breaks the glass on its plan. (id, version, involvement)"""
    team = client(api, "director")
    r = team.post("/v1/households", json=REFERRAL)
    hid, v = r.json()["household_id"], r.json()["version"]
    base = f"/v1/households/{hid}"
    v = write(team, f"{base}/intakes", v, {"domains_discussed": ["finances"]}).json()["version"]
    v = write(team, f"{base}/case-director", v, {"user_id": "u-director", "organisation": "gemeente-testdorp"},
              method="PUT").json()["version"]
    r = write(team, f"{base}/involvements", v, {"kind": "professional", "organisation": "ggz-regio",
                                                "discipline": "social_work", "worker_id": "u-ggz"})
    v, involvement = r.json()["version"], r.json()["item_id"]
    assert client(api, "outsider").get(f"{base}/plan", headers={"Emergency-Reason": REASON}).status_code == 200
    return hid, v, involvement


def view_rows(api: Api, statement: str) -> list[tuple[Any, ...]]:
    """The views' rows as someone with database access sees them (on SQLite the views have their own file)."""
    if api.store.kind == "postgres":
        return raw_sql(api.store, statement)
    with sqlite3.connect(api.store.data_dir / "views.sqlite") as conn:
        return conn.execute(statement).fetchall()


def _outsiders(items: list[dict[str, Any]], hid: str) -> list[dict[str, Any]]:
    return [i for i in items if i["household_id"] == hid and i["user_id"] == "u-outsider"]


def test_the_privacy_officer_reviews_an_emergency_access_with_its_reason_reader_categories_and_relations(
    api: Api,
) -> None:
    """The list and the record show what was typed and who stood where then; each showing is on the record."""
    hid, v, involvement = broken_glass(api)
    base, privacy, team = f"/v1/households/{hid}", client(api, "privacy"), client(api, "director")
    write(team, f"{base}/involvements/{involvement}/ending", v, {"reason": "goal_reached"})  # after the access
    waiting = _outsiders(privacy.get("/v1/access-log", params={"awaitingReview": "true"}).json()["items"], hid)
    assert len(waiting) == 1
    item = waiting[0]
    assert item["stated_reason"] == {"text": REASON, "erased": False}
    assert item["emergency"] and item["organisation"] == "schuldhulp-testdorp" and item["role"] == "consultant"
    assert item["data_categories"] == ["involvement", "plan", "zrm"]
    relations = item["relations"]
    assert relations["case_director"] == {"user_id": "u-director", "organisation": "gemeente-testdorp",
                                          "name": "Test director", "organisation_name": "gemeente-testdorp"}  # registered so
    assert [(i["organisation"], i["organisation_name"], i["worker_id"], i["worker_name"])
            for i in relations["involvements"]] == [("ggz-regio", "Ggz Regio", "u-ggz", "Test ggz")]
    assert relations["responsible_organisation_name"] == "gemeente-testdorp"
    assert (item["user_name"], item["organisation_name"]) == ("Test outsider", "Schuldhulp Testdorp")
    assert relations["reader_relationship"] == "unrelated"  # GGZ's involvement ended later: not shown as ended
    one = privacy.get(f"/v1/access-log/{item['record_id']}")
    assert one.status_code == 200, one.text
    same = ("stated_reason", "relations", "data_categories", "user_id", "user_name", "organisation_name")
    assert {k: one.json()[k] for k in same} == {k: item[k] for k in same}
    log = privacy.get("/v1/access-log", params={"householdId": hid, "userId": "u-privacy"}).json()["items"]
    shown = [r for r in log if r["action"] == "read_access_review"]
    assert len(shown) == 2 and all(r["outcome"] == "allowed" and item["record_id"] in r["reason"] for r in shown)
    assert REASON not in json.dumps(log)  # the log shows the reason only where it is reviewed
    cells = view_rows(api, "SELECT * FROM view_access_records")
    assert cells and not any("Veilig" in str(c) for row in cells for c in row)  # the views never hold it


def test_only_the_privacy_officer_in_scope_sees_a_stated_reason(api: Api) -> None:
    """The director and an admin: 403, recorded; GGZ's officer: not their staff's record (404, not in their list)."""
    hid, _, _ = broken_glass(api)
    privacy = client(api, "privacy")
    record = _outsiders(privacy.get("/v1/access-log", params={"awaitingReview": "true"}).json()["items"], hid)[0]
    for who in ("director", "admin", "outsider", "evaluator"):
        r = client(api, who).get(f"/v1/access-log/{record['record_id']}")
        assert r.status_code == 403 and REASON not in r.text, r.text
    partner = client(api, "partner_privacy")
    r = partner.get(f"/v1/access-log/{record['record_id']}")
    assert r.status_code == 404 and REASON not in r.text, r.text
    assert not _outsiders(partner.get("/v1/access-log", params={"awaitingReview": "true"}).json()["items"], hid)
    assert partner.get("/v1/access-log/not-a-record").status_code == 404
    denied = privacy.get("/v1/access-log", params={"userId": "u-director"}).json()["items"]
    assert ("read_access_review", "denied") in {(r["action"], r["outcome"]) for r in denied}


def test_after_erasure_the_stated_reason_reads_as_erased(api: Api) -> None:
    """The household's key is gone, so is the reason: null and erased; the record and its relations remain."""
    hid, v, _ = broken_glass(api)
    base, team, privacy = f"/v1/households/{hid}", client(api, "director"), client(api, "privacy")
    v = write(team, f"{base}/closure", v, {"reason": "coordination_not_needed"}).json()["version"]
    v = write(privacy, f"{base}/erasure-requests", v, {"reason": "data_subject_request"}).json()["version"]
    write(client(api, "admin"), f"{base}/erasure", v, {"reason": "data_subject_request"})
    record = _outsiders(privacy.get("/v1/access-log", params={"awaitingReview": "true"}).json()["items"], hid)[0]
    assert record["stated_reason"] == {"text": None, "erased": True}
    one = privacy.get(f"/v1/access-log/{record['record_id']}").json()
    assert one["stated_reason"] == {"text": None, "erased": True}
    assert one["relations"]["case_director"]["user_id"] == "u-director"  # ids and codes survive erasure


def test_the_cli_shows_the_privacy_officer_the_reason_in_the_list_and_in_one_record(api: Api) -> None:
    """`ledger audit emergencies` and `ledger audit record ID` print the typed reason; another role gets one line."""
    hid, _, _ = broken_glass(api)
    listed = ok(ledger(api, "privacy", "audit", "emergencies", "--json"))
    record = _outsiders(json.loads(listed), hid)[0]
    assert record["stated_reason"]["text"] == REASON
    table = ok(ledger(api, "privacy", "audit", "emergencies"))
    assert "Veilig" in table  # the typed reason, not the policy's fixed words
    text = ok(ledger(api, "privacy", "audit", "record", record["record_id"]))
    assert f"stated reason: {REASON}" in text
    assert "reader: Test outsider (u-outsider), Schuldhulp Testdorp (schuldhulp-testdorp), consultant" in text
    assert "case director: Test director (u-director), gemeente-testdorp" in text
    assert "Ggz Regio (ggz-regio) / Test ggz (u-ggz)" in text
    assert "the reader was: unrelated" in text and "categories disclosed: involvement, plan, zrm" in text
    refused = one_error_line(ledger(api, "director", "audit", "record", record["record_id"]))
    assert REASON not in refused


def _review_pages(c: httpx.Client, limit: int) -> list[list[dict[str, Any]]]:
    pages, cursor = [], None
    while True:
        params: dict[str, Any] = {"awaitingReview": "true", "limit": limit, **({"cursor": cursor} if cursor else {})}
        r = c.get("/v1/access-log", params=params)
        assert r.status_code == 200, r.text
        pages.append(r.json()["items"])
        cursor = r.json()["next"]
        if cursor is None:
            return pages


def _reviews_shown(api: Api, hid: str) -> int:
    log = client(api, "privacy").get("/v1/access-log", params={"householdId": hid, "userId": "u-privacy"}).json()
    return sum(1 for r in log["items"] if r["action"] == "read_access_review" and "stated reason" in r["reason"])


def test_the_review_list_is_cursor_paged_each_emergency_once_in_order_only_the_page_s_reasons_recorded(
    api: Api,
) -> None:
    """Five emergencies, pages of two: 2+2+1, every one exactly once, oldest first; a reviewed one drops out."""
    hid, _, _ = broken_glass(api)
    outsider = client(api, "outsider")
    for _ in range(4):
        r = outsider.get(f"/v1/households/{hid}/plan", headers={"Emergency-Reason": REASON})
        assert r.status_code == 200, r.text
    privacy = client(api, "privacy")
    first = privacy.get("/v1/access-log", params={"awaitingReview": "true", "limit": 2}).json()
    assert len(first["items"]) == 2 and first["next"]
    assert _reviews_shown(api, hid) == 2  # only the page's two reasons were shown, so only two are on record
    pages = _review_pages(privacy, 2)
    assert [len(p) for p in pages] == [2, 2, 1]
    listed = [i["record_id"] for p in pages for i in p]
    assert len(set(listed)) == 5
    positions = [i["position"] for p in pages for i in p]
    assert positions == sorted(positions) and all(i["stated_reason"]["text"] == REASON for p in pages for i in p)
    whole = privacy.get("/v1/access-log", params={"awaitingReview": "true", "limit": 1000}).json()
    assert [i["record_id"] for i in whole["items"]] == listed and whole["next"] is None
    r = privacy.post(f"/v1/access-log/{listed[1]}/review", json={"verdict": "justified"})
    assert r.status_code == 201, r.text
    after = [i["record_id"] for p in _review_pages(privacy, 2) for i in p]
    assert after == listed[:1] + listed[2:]
    bad = privacy.get("/v1/access-log", params={"awaitingReview": "true", "cursor": "not-a-cursor"})
    assert bad.status_code == 400, bad.text
