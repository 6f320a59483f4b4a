"""The OpenAPI document passes the NL GOV API Design Rules linter (Spectral, lint/adr.spectral.yaml).

The linter is the pinned ``@stoplight/spectral-cli`` from ``lint/package-lock.json``, which
``scripts/test`` installs into ``lint/node_modules`` (``npm ci --prefix lint``). The document
is the app's own (``create_app`` + ``ledger.api.openapi.install``), built without starting the
service. Each rule that matters is also shown to bite: the good document, broken in one
place, fails with that rule's name.
"""

from __future__ import annotations

import asyncio
import copy
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from ledger.api.main import create_app
from ledger.api.openapi import PROBLEM_MEDIA_TYPE, VERSION_HEADER, install
from ledger.config import Settings

ROOT = Path(__file__).resolve().parents[2]
SPECTRAL = ROOT / "lint" / "node_modules" / ".bin" / "spectral"
RULESET = ROOT / "lint" / "adr.spectral.yaml"
OFFICIAL = ROOT / "lint" / "logius.spectral.yaml"  # Logius' media/linter.yaml (lint/logius/) with our exceptions
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

Doc = dict[str, Any]


def spectral(*args: str | Path, ruleset: Path = RULESET) -> subprocess.CompletedProcess[str]:
    if not SPECTRAL.exists():
        pytest.fail(f"{SPECTRAL.relative_to(ROOT)} is missing: run scripts/test, which installs the "
                    "pinned linter (npm ci --prefix lint)", pytrace=False)
    return subprocess.run([str(SPECTRAL), "lint", "--ruleset", str(ruleset), *map(str, args)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("data")))
    install(app)  # create_app installs it too; a second install changes nothing
    return app


@pytest.fixture(scope="module")
def document(app) -> Doc:
    return app.openapi()


def test_the_api_document_passes_the_design_rules(document: Doc, tmp_path: Path) -> None:
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document, indent=2))
    run = spectral("--fail-severity", "error", path)
    assert run.returncode == 0, f"spectral found errors in the API document:\n{run.stdout}\n{run.stderr}"


def test_the_api_document_passes_the_official_ruleset_without_a_finding(document: Doc, tmp_path: Path) -> None:
    """Logius' own media/linter.yaml (vendored unchanged) with the documented exceptions: no error, no warning."""
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document, indent=2))
    run = spectral("--fail-severity", "warn", path, ruleset=OFFICIAL)
    assert run.returncode == 0, f"the official ruleset found problems:\n{run.stdout}\n{run.stderr}"
    assert "warning" not in run.stdout and "error" not in run.stdout.replace("severity of 'error'", ""), run.stdout


def test_the_official_ruleset_is_vendored_unchanged_and_each_exception_is_documented() -> None:
    """The sha256 lint/logius/README.md records; every exempted place is named in docs/api.md with its reason."""
    import hashlib
    import re

    readme = (ROOT / "lint" / "logius" / "README.md").read_text()
    digest = hashlib.sha256((ROOT / "lint" / "logius" / "linter.yaml").read_bytes()).hexdigest()
    assert f"`{digest}`" in readme, "lint/logius/linter.yaml changed: put a departure in lint/logius.spectral.yaml"
    exempt = re.findall(r"#/components/schemas/(\w+)(?:/properties/(\w+))?", OFFICIAL.read_text())
    assert len(exempt) >= 4
    api = (ROOT / "docs" / "api.md").read_text()
    for schema, prop in exempt:
        assert (f"{schema}.{prop}" if prop else schema) in api, (schema, prop)


# ------------------------------------------------------------------ the ruleset bites
def operations(doc: Doc):
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def add_schema(**properties: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        doc["components"]["schemas"]["Broken"] = {"type": "object", "properties": properties}
    return mutate


def add_operation(path: str, method: str = "get", **operation: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        op = {"operationId": f"broken_{method}", "responses": {
            "200": {"description": "OK",
                    "headers": {VERSION_HEADER: {"$ref": f"#/components/headers/{VERSION_HEADER}"}}},
            "400": {"description": "Bad",
                    "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}},
        }}
        op.update(operation)
        doc["paths"][path] = {method: op}
    return mutate


def drop_version_header(doc: Doc) -> None:
    _, _, op = next(operations(doc))
    status = next(s for s in op["responses"] if s.startswith("2"))
    del op["responses"][status]["headers"][VERSION_HEADER]


def no_headers(doc: Doc) -> None:
    _, _, op = next(operations(doc))
    status = next(s for s in op["responses"] if s.startswith("2"))
    del op["responses"][status]["headers"]


def json_error_response(doc: Doc) -> None:
    _, _, op = next(operations(doc))
    op["responses"]["500"]["content"] = {"application/json": {"schema": {"type": "object"}}}


def no_400_on_a_post(doc: Doc) -> None:
    add_operation("/broken-things", "post")(doc)
    del doc["paths"]["/broken-things"]["post"]["responses"]["400"]


def no_400_on_a_get_with_parameters(doc: Doc) -> None:
    add_operation("/broken-things", "get", parameters=[
        {"name": "limit", "in": "query", "schema": {"type": "integer"}}])(doc)
    del doc["paths"]["/broken-things"]["get"]["responses"]["400"]


def problem_without_detail(doc: Doc) -> None:
    del doc["components"]["schemas"]["Problem"]["properties"]["detail"]


def a_route_outside_v1(doc: Doc) -> None:
    """Another app (install works on any routes) with one route outside the major version."""
    other = FastAPI(title="other", version="2.1.0")
    other.get("/v2/things")(lambda: {})
    other.get("/status")(lambda: {})
    install(other)
    doc.clear()
    doc.update(other.openapi())
    assert set(doc["paths"]) == {"/things", "/status"} and doc["servers"][0]["url"] == "/v2"


def set_(dotted: str, value: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        *parents, last = dotted.split(".")
        node = doc
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if value is DELETE:
            del node[last]
        else:
            node[int(last) if isinstance(node, list) else last] = value
    return mutate


DELETE = object()

# (rule the linter must name, how the good document is broken)
VIOLATIONS: dict[str, tuple[str, Callable[[Doc], None]]] = {
    "openapi-2": ("nlgov:openapi3", set_("openapi", "2.0")),
    "server-without-version": ("nlgov:include-major-version-in-uri", set_("servers.0.url", "https://ledger.example.org")),
    "server-over-http": ("nlgov:servers-use-https", set_("servers.0.url", "http://ledger.example.org/v1")),
    "route-outside-v1": ("nlgov:include-major-version-in-uri", a_route_outside_v1),
    "trailing-slash": ("nlgov:paths-no-trailing-slash", add_operation("/broken-things/")),
    "upper-case-segment": ("nlgov:paths-kebab-case", add_operation("/Households")),
    "snake-case-segment": ("nlgov:paths-kebab-case", add_operation("/involved_parties")),
    "file-type-mid-path": ("nlgov:paths-kebab-case", add_operation("/reports.csv/evaluation")),
    "snake-case-query": ("nlgov:query-keys-camel-case", add_operation("/broken-things", parameters=[
        {"name": "as_of", "in": "query", "schema": {"type": "string", "format": "date"}}])),
    "no-version-header": ("nlgov:missing-version-header", drop_version_header),
    "no-headers": ("nlgov:missing-version-header", no_headers),
    "error-as-json": ("nlgov:use-problem-schema", json_error_response),
    "problem-without-detail": ("nlgov:problem-schema-members", problem_without_detail),
    "post-without-400": ("nlgov:problem-invalid-input", no_400_on_a_post),
    "get-with-parameters-without-400": ("nlgov:problem-invalid-input", no_400_on_a_get_with_parameters),
    "no-contact": ("nlgov:info-contact-fields-exist", set_("info.contact", DELETE)),
    "contact-without-url": ("nlgov:info-contact-fields-exist", set_("info.contact.url", DELETE)),
    "version-not-semver": ("nlgov:semver", set_("info.version", "1.0")),
    "date-as-plain-string": ("nlgov:specify-format-for-date-and-time", add_schema(birthDate={"type": "string"})),
    "optional-date-as-date-time": ("nlgov:specify-format-for-date-and-time", add_schema(
        closed_on={"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]})),
    "local-date-time": ("nlgov:date-time-ensure-timezone", add_schema(
        validFrom={"type": "string", "format": "date-time-local"})),
    "moment-as-plain-string": ("ledger:moment-fields-use-date-time", add_schema(occurred_at={"type": "string"})),
    "time-with-offset": ("nlgov:time-without-timezone", add_schema(opens={"type": "string", "format": "time"})),
    "module-path-schema-name": ("nlgov:schema-camel-case", set_("components.schemas.ledger__api__KnownAtOut",
                                                                {"type": "object"})),
    # The ruleset's exemptions name four properties of two schemas; the same names elsewhere are not exempt.
    "exempt-name-in-another-schema": ("nlgov:specify-format-for-date-and-time", add_schema(
        created_on={"type": "string"}, at_report_date={"anyOf": [{"type": "integer"}, {"type": "string"}]})),
}


def test_the_exempt_properties_keep_their_true_schemas(document: Doc) -> None:
    """What lint/adr.spectral.yaml exempts from the date-name rule is still typed exactly (no schema without a type)."""
    schemas = document["components"]["schemas"]
    for name in ("created_on", "modified_on"):
        prop = schemas["HouseholdOut"]["properties"][name]
        assert (prop["type"], prop["format"]) == ("string", "date-time")
    for name in ("at_report_date", "per_household_at_report_date"):
        variants = schemas["InvolvedKindOut"]["properties"][name]["anyOf"]
        assert all("type" in v for v in variants)
        assert {"type": "string", "pattern": variants[1]["pattern"]}.items() <= variants[1].items()


@pytest.fixture(scope="module")
def findings(document: Doc, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """Lint every broken document in one Spectral run: {case: [finding, ...]}."""
    folder = tmp_path_factory.mktemp("broken")
    files = {}
    for case, (_, mutate) in VIOLATIONS.items():
        doc = copy.deepcopy(document)
        mutate(doc)
        files[case] = folder / f"{case}.json"
        files[case].write_text(json.dumps(doc, indent=2))
    run = spectral("--format", "json", "--quiet", *files.values())
    try:
        results = json.loads(run.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"spectral gave no JSON (exit {run.returncode}):\n{run.stdout}\n{run.stderr}")
    by_file = {path.resolve(): case for case, path in files.items()}
    out: dict[str, list[dict[str, Any]]] = {case: [] for case in files}
    for result in results:
        out[by_file[Path(result["source"]).resolve()]].append(result)
    return out


@pytest.mark.parametrize("case", VIOLATIONS)
def test_the_ruleset_catches(case: str, findings: dict[str, list[dict[str, Any]]]) -> None:
    rule, _ = VIOLATIONS[case]
    errors = {f["code"] for f in findings[case] if f["severity"] == 0}
    assert rule in errors, f"{case}: expected an error from {rule}, spectral said:\n" + "\n".join(
        f"  {f['code']}: {f['message']} at {'.'.join(map(str, f['path']))}" for f in findings[case])


def test_every_rule_in_the_ruleset_is_an_error() -> None:
    text = RULESET.read_text()
    assert "severity: warn" not in text and "severity: info" not in text and "severity: hint" not in text


# ------------------------------------------------------------------ the document's shape
def test_paths_are_relative_to_the_versioned_server(app, document: Doc) -> None:
    assert [s["url"] for s in document["servers"]] == ["/v1"]
    assert document["paths"] and not any(p.startswith("/v1/") for p in document["paths"])
    fastapis = get_openapi(title=app.title, version=app.version, routes=app.routes)["paths"]
    assert {"/v1" + p if p != "/" else "/v1" for p in document["paths"]} == set(fastapis)


def test_errors_are_problems_and_validation_is_a_400(document: Doc) -> None:
    for path, method, op in operations(document):
        responses = op["responses"]
        takes_token = op.get("security") == [{"bearer": []}]  # the bearer scheme (issue 17)
        assert "500" in responses and ("401" in responses) == takes_token, (method, path)
        if method in ("post", "put", "patch") or op.get("parameters"):
            assert "400" in responses, (method, path)
        for status, response in responses.items():
            if status[0] in "45":
                assert list(response["content"]) == [PROBLEM_MEDIA_TYPE], (method, path, status)
    assert "HTTPValidationError" not in json.dumps(document)


def test_install_is_idempotent_and_cached(app, document: Doc) -> None:
    openapi = app.openapi
    install(app)
    assert app.openapi is openapi and app.openapi() is document


def test_the_served_document_is_the_shaped_one(app, document: Doc) -> None:
    async def fetch() -> httpx.Response:  # no lifespan: serving the document needs no ledger
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test") as client:
            return await client.get("/v1/openapi.json")

    response = asyncio.run(fetch())
    assert response.status_code == 200 and response.json() == json.loads(json.dumps(document))
