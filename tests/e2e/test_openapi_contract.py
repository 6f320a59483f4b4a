"""Issue 17: the OpenAPI document says exactly what the server does, over real HTTP on SQLite and PostgreSQL.

A municipal case system generates its client from ``/v1/openapi.json``; what the document leaves out, a
typed client drops or crashes on. Each test here holds one promise of the document to the server's
answers: the bearer scheme, the required If-Match, the headers of a write, every status the server
sends (405 with ``Allow``, 413, 428, 503 with ``Retry-After``) with its problem+json.
"""

from __future__ import annotations

from typing import Any

import httpx

from conftest import Api

PROBLEM = "application/problem+json"
METHODS = ("get", "put", "post", "delete", "patch")


def served(api: Api) -> dict[str, Any]:
    r = httpx.get(f"{api.url}/v1/openapi.json", timeout=30)
    assert r.status_code == 200
    return r.json()


def operations(doc: dict[str, Any]):
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_a_method_the_resource_does_not_have_is_405_with_allow(api: Api) -> None:
    """RFC 9110 15.5.6: a 405 names the methods the resource has in Allow; the problem says the same."""
    auth = {"Authorization": f"Bearer {api.tokens['director']}"}
    for method, path, allowed in (("DELETE", "/v1/households", {"GET", "POST"}),
                                  ("PATCH", "/v1/users/me", {"GET"}),
                                  ("PUT", "/v1/health", {"GET"}),
                                  ("DELETE", "/v1/households/6d1c0a52-0000-4000-8000-000000000001/plan", {"GET"}),
                                  ("GET", "/v1/households/6d1c0a52-0000-4000-8000-000000000001/intakes", {"POST"})):
        r = httpx.request(method, f"{api.url}{path}", headers=auth, timeout=30)
        assert r.status_code == 405, (method, path, r.text)
        assert r.headers["content-type"].startswith(PROBLEM)
        assert {m.strip() for m in r.headers.get("allow", "").split(",") if m.strip()} - {"HEAD"} == allowed, r.headers
        assert r.json()["type"].endswith("/method-not-allowed")
