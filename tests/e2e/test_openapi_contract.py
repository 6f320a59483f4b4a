"""Issue 17: the OpenAPI document says exactly what the server does, over real HTTP on SQLite and PostgreSQL.

A municipal case system generates its client from ``/v1/openapi.json``; what the document leaves out, a
typed client drops or crashes on. Each test here holds one promise of the document to the server's
answers: the bearer scheme, the required If-Match, the headers of a write, every status the server
sends (405 with ``Allow``, 413, 428, 503 with ``Retry-After``) with its problem+json.
"""

from __future__ import annotations

import json
import re
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


def _params(op: dict[str, Any], where: str) -> dict[str, dict[str, Any]]:
    return {p["name"].lower(): p for p in op.get("parameters", []) if p.get("in") == where}


def _headers(response: dict[str, Any], doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for name, header in (response.get("headers") or {}).items():
        if "$ref" in header:
            header = doc["components"]["headers"][header["$ref"].rsplit("/", 1)[-1]]
        out[name.lower()] = header
    return out


def test_the_bearer_token_is_a_security_scheme_not_a_header_parameter(api: Api) -> None:
    """Generated clients set the token once: a `bearer` HTTP scheme on every operation but the public ones."""
    doc = served(api)
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": doc["components"]["securitySchemes"]["bearer"]["description"]}
    public = {("/health", "get")}
    for path, method, op in operations(doc):
        assert "authorization" not in _params(op, "header"), (path, method)
        if (path, method) in public:
            assert op.get("security", doc.get("security")) in (None, []), (path, method)
            continue
        assert op.get("security") == [{"bearer": []}], (path, method)
        unauthorised = op["responses"]["401"]
        assert _headers(unauthorised, doc)["www-authenticate"]["required"] is True, (path, method)


def test_every_write_requires_if_match_and_declares_the_headers_it_answers_with(api: Api) -> None:
    """If-Match required where the server answers 428 without it; ETag, Ledger-Position, Location on success."""
    doc = served(api)
    writes = 0
    for path, method, op in operations(doc):
        answer = json.dumps({s: r.get("content") for s, r in op["responses"].items() if s.startswith("2")})
        if method == "get" or not any(f"/{name}\"" in answer for name in ("WriteResult", "ReferralResult",
                                                                          "ConsentResult")):
            continue  # not a household write (a review, an organisation, a verification)
        writes += 1
        headers = _params(op, "header")
        if path != "/households":  # the referral makes the household: no version to expect yet
            assert headers["if-match"]["required"] is True, (path, method)
            assert {"412", "428"} <= set(op["responses"]), (path, method)
        assert "idempotency-key" in headers, (path, method)
        for status, response in op["responses"].items():
            declared = _headers(response, doc)
            if status.startswith("2"):
                for name in ("etag", "ledger-position", "location"):
                    assert declared[name]["required"] is True, (path, method, status, name)
            replayed = status.startswith("2") or status in ("400", "403", "404", "412", "422")  # a run's answers
            assert ("idempotent-replay" in declared) is replayed, (path, method, status)
    assert writes >= 30
    read = doc["paths"]["/households/{household_id}"]["get"]["responses"]["200"]
    assert _headers(read, doc)["etag"]["required"] is True  # the version a read hands the next write


def test_every_status_the_server_sends_is_declared_with_its_problem_and_headers(api: Api) -> None:
    """503 with Retry-After everywhere the store is used; 413 where a body is taken; 405 with Allow in components."""
    doc = served(api)
    for path, method, op in operations(doc):
        responses = op["responses"]
        if path == "/health":  # answers from memory: no store, no token
            assert "503" not in responses
            continue
        assert "503" in responses, (path, method)
        unavailable = responses["503"]
        assert _headers(unavailable, doc)["retry-after"]["required"] is True, (path, method)
        if "requestBody" in op:
            assert "413" in responses, (path, method)
        for status, response in responses.items():
            if status[0] in "45":
                assert list(response["content"]) == [PROBLEM], (path, method, status)
    not_allowed = doc["components"]["responses"]["MethodNotAllowed"]
    assert _headers(not_allowed, doc)["allow"]["required"] is True


def test_each_representation_is_its_own_operation_with_one_content_type(api: Api) -> None:
    """The report and the series as JSON, an HTML page and a CSV table: three operations, one media type each.

    A generated client parses a JSON operation's answer by its schema; an old `format=html` on the JSON
    operation is a 400 that names the page's operation instead of JSON it did not ask for.
    """
    doc = served(api)
    for path, method, op in operations(doc):
        for status, response in op["responses"].items():
            assert len(response.get("content") or {"none": 1}) == 1, (path, method, status)
    for base in ("/reports/evaluation", "/reports/evaluation/series"):
        assert list(doc["paths"][base]["get"]["responses"]["200"]["content"]) == ["application/json"]
        assert list(doc["paths"][base + ".html"]["get"]["responses"]["200"]["content"]) == ["text/html"]
        assert list(doc["paths"][base + ".csv"]["get"]["responses"]["200"]["content"]) == ["text/csv"]
    evaluator = httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {api.tokens['evaluator']}"},
                             timeout=60)
    old = evaluator.get("/v1/reports/evaluation", params={"format": "html"})
    assert old.status_code == 400 and old.headers["content-type"].startswith(PROBLEM), old.text
    assert [p["name"] for p in old.json()["invalidParams"]] == ["format"]


def test_links_lead_from_what_an_operation_creates_to_what_uses_it(api: Api) -> None:
    """The referral links to every operation on its household; an item-creating command to the item's commands.

    Each link names a real operation and only parameters it takes (in their location), with the id
    from the answer's body and If-Match from its ETag: what schemathesis' stateful run follows.
    """
    doc = served(api)
    by_id = {op["operationId"]: (path, op) for path, _, op in operations(doc)}
    assert len(by_id) == len(list(operations(doc)))  # operation ids are unique: a client's method names
    household_ops = {op["operationId"] for path, _, op in operations(doc) if path.startswith("/households/{household_id}")}
    referral = doc["paths"]["/households"]["post"]["responses"]["201"]["links"]
    assert set(referral) == household_ops
    for path, method, op in operations(doc):
        for response in op["responses"].values():
            for name, link in (response.get("links") or {}).items():
                _, target = by_id[link["operationId"]]
                taken = {(p["in"], p["name"]) for p in target.get("parameters", [])}
                for key, expression in link["parameters"].items():
                    where, _, param = key.partition(".")
                    assert (where, param) in taken, (path, method, name, key)
                    assert expression.startswith(("$response.body#/", "$response.header.", "$request.path.")), expression
                if any(p["name"] == "If-Match" for p in target.get("parameters", [])):
                    assert link["parameters"]["header.If-Match"] == "$response.header.ETag", (path, name)
    actions = doc["paths"]["/households/{household_id}/plan/actions"]["post"]["responses"]["201"]["links"]
    assert actions["complete_plan_action"]["parameters"]["path.action_id"] == "$response.body#/item_id"
    assert {"cancel_plan_action", "plan", "household"} <= set(actions)


def test_schemathesis_walks_the_links_and_every_answer_is_as_documented(api: Api) -> None:
    """Stateful: sequences that follow the document's links (refer, then commands and reads on that household,
    item commands on what they created), each answer checked for its status, headers, media type and schema.

    No 5xx, no status the operation does not declare, no declared required header missing, no body off its
    schema. The examples and steps are few (the suite's time); HOSTILE_EXAMPLES raises them by hand.
    """
    import os

    import schemathesis
    from collections import Counter

    from hypothesis import HealthCheck, Phase, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_dict(served(api))
    # Requests valid by the document: each must be answered as documented (the stateless campaign of
    # tests/e2e/test_hostile_input.py sends the invalid ones).
    schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE])
    schema.config.phases.stateful.inference.algorithms = []  # the document's own links, none guessed

    @schema.hook("map_body")
    def referrable(context: Any, body: Any) -> Any:
        """What no schema can say: a BSN's elfproef, and whether an organisation is in the register (state).

        A referral in this run names neither, so that most referrals make a household for the links
        to follow; the hostile campaign and tests/e2e/test_codes_http.py send both kinds.
        """
        if context.operation.label == "POST /households" and isinstance(body, dict):
            body = {k: v for k, v in body.items() if k not in ("addressed_to", "relations")}  # relations name members
            body["members"] = [{k: v for k, v in m.items() if k != "bsn"} if isinstance(m, dict) else m
                               for m in body.get("members", [])]
        return body
    token = {"Authorization": f"Bearer {api.tokens['director']}"}  # the intake team of what it refers
    call = {"base_url": f"{api.url}/v1"}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
              response_schema_conformance]
    steps: list[tuple[str, int]] = []

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]  # schemathesis builds the class from the document
        def before_call(self, case: Any) -> None:
            case.headers = {**(case.headers or {}), **token}  # over the made-up bearer it generates

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return call

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            steps.append((case.operation.label, response.status_code))
            if response.status_code in (400, 422) and os.environ.get("SHOW_400"):
                print(response.status_code, case.operation.label, response.text[:300])
            case.validate_response(response, checks=checks, transport_kwargs=kwargs)

    examples = int(os.environ.get("HOSTILE_EXAMPLES", "5")) * 8
    run_settings = settings(max_examples=examples, stateful_step_count=6, deadline=None, database=None,
                            phases=[Phase.generate],  # no replay: the server's state moves between runs
                            suppress_health_check=list(HealthCheck))
    for _ in range(3):  # which operation a sequence starts from is chance: again if no referral was followed
        Workflow.run(settings=run_settings)
        made = any(status in (200, 201) for label, status in steps if label == "POST /households")
        followed = any(label != "POST /households" and status < 300 and label.startswith(
            ("GET /households/{household_id}", "POST /households/{household_id}", "PUT /households/{household_id}"))
            for label, status in steps)
        if made and followed:
            break
    assert made and followed, Counter(steps)


def test_an_id_has_one_name_in_paths_and_bodies(api: Api) -> None:
    """`household_id` in the referral's answer is `{household_id}` in every path (and so for every item id);
    only a query parameter, which the design rules write lowerCamelCase, spells it `householdId`."""
    doc = served(api)
    path_names = {p["name"] for _, _, op in operations(doc) for p in op.get("parameters", []) if p["in"] == "path"}
    assert path_names >= {"household_id", "action_id", "consent_id", "record_id"}
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", name) for name in path_names), path_names
    assert "household_id" in doc["components"]["schemas"]["ReferralResult"]["properties"]
