"""The caseload list over real HTTP from the household-list view (issue 16, item 7), on SQLite and PostgreSQL.

Paging through the whole list gives each household the caller may see exactly once, in referral
order, and none other; a curious insider cannot widen it: an unknown phase, a changed cursor, a
cursor of another user or of another filter are 400 problems and change nothing.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx

from conftest import Api
from test_api_http import client, is_problem, refer


def write(c: httpx.Client, method: str, path: str, version: int, body: dict[str, Any]) -> int:
    r = c.request(method, path, json=body, headers={"If-Match": f'"{version}"'})
    assert r.status_code in (200, 201), r.text
    return int(r.json()["version"])


def every_page(c: httpx.Client, limit: int, **params: Any) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        r = c.get("/v1/households", params={"limit": limit, **params, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        body = r.json()
        assert len(body["items"]) <= limit
        ids += [h["household_id"] for h in body["items"]]
        cursor = body["next"]
        if cursor is None:
            return ids


def test_paging_the_caseload_gives_each_visible_household_once_and_no_other(api: Api) -> None:
    """Director, intake team, involved under consent (and not), and roles that see none: page by page."""
    director, colleague, ggz = client(api, "director"), client(api, "colleague"), client(api, "ggz")
    made = [refer(director) for _ in range(7)]  # addressed to the municipality: its staff are the intake team
    hids = [h for h, _ in made]
    versions = {h: v for h, v in made}
    for h in hids[:3]:
        versions[h] = write(director, "PUT", f"/v1/households/{h}/case-director", versions[h],
                            {"user_id": "u-director", "organisation": "gemeente-testdorp"})
    versions[hids[3]] = write(director, "PUT", f"/v1/households/{hids[3]}/case-director", versions[hids[3]],
                              {"user_id": "u-colleague", "organisation": "gemeente-testdorp"})
    for h, categories in ((hids[0], ["composition", "identity"]), (hids[1], ["finances"])):
        path = f"/v1/households/{h}"
        versions[h] = write(director, "POST", f"{path}/involvements", versions[h],
                            {"kind": "professional", "organisation": "ggz-regio", "discipline": "mental_health_care"})
        versions[h] = write(director, "POST", f"{path}/consents", versions[h],
                            {"basis": "consent", "member_id": "m1", "organisations": ["ggz-regio"],
                             "data_categories": categories, "purpose": "coordination"})

    assert every_page(director, 2) == [hids[i] for i in (0, 1, 2, 4, 5, 6)]
    assert every_page(colleague, 3) == [hids[i] for i in (3, 4, 5, 6)]
    assert every_page(ggz, 1) == [hids[0]]  # involved in two; consent covers composition in one only
    for who in ("stranger", "outsider", "privacy", "evaluator", "admin", "partner_privacy"):
        assert every_page(client(api, who), 100) == [], who
    assert every_page(director, 100, phase="referred") == [hids[i] for i in (0, 1, 2, 4, 5, 6)]
    assert every_page(director, 100, phase="plan") == []
    line = director.get("/v1/households", params={"limit": 1}).json()["items"][0]
    assert line == {"household_id": hids[0], "version": versions[hids[0]], "phase": "referred",
                    "referred_on": line["referred_on"], "case_director": "u-director", "erased": False}


def test_a_curious_insider_cannot_widen_the_list(api: Api) -> None:
    """Unknown phase, a forged or changed cursor, another user's or another filter's cursor: 400, nothing listed."""
    director, colleague = client(api, "director"), client(api, "colleague")
    for _ in range(3):
        refer(director)
    first = director.get("/v1/households", params={"limit": 1}).json()
    assert len(first["items"]) == 1 and first["next"]
    cursor = first["next"]
    raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))

    def forged(**changes: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps({**raw, **changes}).encode()).decode().rstrip("=")

    for params in ({"phase": "everything"}, {"phase": "' OR 1=1 --"}):
        is_problem(director.get("/v1/households", params=params), 400, "invalid-input")
    for bad in (forged(k=0), forged(k=-1), forged(k="1"), forged(t="0" * 32), forged(extra=1), "%%%", "bm9wZQ"):
        is_problem(director.get("/v1/households", params={"cursor": bad}), 400, "invalid-cursor")
    is_problem(colleague.get("/v1/households", params={"cursor": cursor}), 400, "invalid-cursor")  # not theirs
    is_problem(director.get("/v1/households", params={"cursor": cursor, "phase": "intake"}), 400, "invalid-cursor")
    second = director.get("/v1/households", params={"limit": 1, "cursor": cursor}).json()
    assert second["items"][0]["household_id"] != first["items"][0]["household_id"]
