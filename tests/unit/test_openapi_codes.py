"""The OpenAPI document declares every vocabulary code a request carries, as the server checks it (issue 17 item 1).

The document is the app's own (``create_app`` + ``app.openapi()``). Walked, not listed: every
request-body field and query parameter with an ``enum`` must be exactly the codes of one
vocabulary that a command accepts (the enum minus its kept codes), in the vocabulary's order,
with each code's Dutch and English label in ``x-enum-descriptions``; and every vocabulary the
domain checks input against (each ``checked_code(...)`` call in ``ledger/aggregates``, the read
side's and the access request's checks) must appear in the document. Over HTTP, that a code
from the enum is accepted and one outside it refused: tests/e2e/test_codes_http.py.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from ledger.aggregates.instruments import INSTRUMENTS
from ledger.aggregates.vocabulary import (
    KEPT,
    CoordinationOutcome,
    DataCategory,
    HouseholdComposition,
    LifeDomain,
    Phase,
    ReferralSource,
    accepted,
)
from ledger.api.codes import ENUM_DESCRIPTIONS
from ledger.api.main import create_app
from ledger.config import Settings
from ledger.privacy.access import IdentityCheck, Requester, ReviewVerdict
from ledger.privacy.labels import LABELS, PRESET_LABELS
from ledger.privacy.presets import CONSENT_PRESETS
from ledger.privacy.users import OrganisationKind

ROOT = Path(__file__).resolve().parents[2]
Doc = dict[str, Any]
METHODS = ("get", "put", "post", "delete", "patch")
# Query parameters whose enum is an option of the API (a format, a language, a grouping), no vocabulary.
OPTIONS = frozenset({"?by", "?every", "?format", "?lang"})


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> Doc:
    return create_app(Settings(data_dir=tmp_path_factory.mktemp("data"))).openapi()


def _resolve(doc: Doc, schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _enums(doc: Doc, schema: dict[str, Any], where: str, seen: frozenset[str] = frozenset()) -> Iterator[
        tuple[str, dict[str, Any]]]:
    """Every schema with an ``enum`` under ``schema``, with where it is (properties, items, anyOf)."""
    ref = schema.get("$ref")
    if ref in seen:
        return
    schema = _resolve(doc, schema)
    seen = seen | {ref} if ref else seen
    if "enum" in schema:
        yield where, schema
    for name, sub in schema.get("properties", {}).items():
        yield from _enums(doc, sub, f"{where}.{name}", seen)
    if "items" in schema:
        yield from _enums(doc, schema["items"], f"{where}[]", seen)
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _enums(doc, schema["additionalProperties"], f"{where}{{}}", seen)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, ()):
            yield from _enums(doc, sub, where, seen)


def request_enums(doc: Doc) -> list[tuple[str, dict[str, Any]]]:
    """(operation and field, schema) for every enum a request body or query parameter declares."""
    found = []
    for path, item in doc["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            name = f"{method.upper()} {path}"
            for p in op.get("parameters", ()):
                if p.get("in") == "query":
                    found += _enums(doc, p["schema"], f"{name} ?{p['name']}")
            for content in op.get("requestBody", {}).get("content", {}).values():
                found += _enums(doc, content["schema"], f"{name} body")
    return found


def vocabularies() -> dict[str, tuple[tuple[str, ...], dict[str, tuple[str, str]]]]:
    """Every vocabulary a request may carry: name -> (the codes a command accepts, in order; labels)."""
    known: dict[str, tuple[tuple[str, ...], dict[str, tuple[str, str]]]] = {
        enum.__name__: (tuple(c.value for c in accepted(enum)), dict(LABELS[enum])) for enum in LABELS}
    instruments = {c: (i.nl, i.en) for c, i in INSTRUMENTS.items()}
    known["instrument"] = (tuple(INSTRUMENTS), instruments)
    known["zrm instrument"] = (tuple(c for c, i in INSTRUMENTS.items() if i.zrm), instruments)
    known["consent preset"] = (tuple(CONSENT_PRESETS), dict(PRESET_LABELS))
    return known


def test_the_walk_finds_the_code_fields(document: Doc) -> None:
    where = {w for w, _ in request_enums(document)}
    assert "POST /households/{household_id}/intakes body.domains_discussed[]" in where
    assert "POST /households body.sources[]" in where
    assert "GET /households ?phase" in where
    assert len(where) >= 35


def test_every_request_enum_is_the_accepted_codes_of_one_vocabulary_with_both_labels(document: Doc) -> None:
    known = vocabularies()
    problems = []
    for where, schema in request_enums(document):
        if where.rsplit(" ", 1)[-1] in OPTIONS:
            continue
        enum = [c for c in schema["enum"] if c is not None]  # a nullable field's enum holds null too
        if None in schema["enum"] and "null" not in schema.get("type", ()):
            problems.append(f"{where}: null in the enum of a field that cannot be null")
        matches = [name for name, (codes, _) in known.items() if set(codes) == set(enum)]
        if not matches:
            problems.append(f"{where}: {enum} is the accepted codes of no vocabulary")
            continue
        codes, words = known[matches[0]]
        if tuple(enum) != codes:
            problems.append(f"{where}: not in the vocabulary's order")
        described = schema.get(ENUM_DESCRIPTIONS)
        if described != {c: f"{words[c][0]} — {words[c][1]}" for c in codes}:
            problems.append(f"{where}: {ENUM_DESCRIPTIONS} is not each code's Dutch and English label")
        if not all(c in schema.get("description", "") for c in codes):
            problems.append(f"{where}: the description does not list the codes")
    assert not problems, "\n".join(problems)


def test_no_request_enum_offers_a_kept_code(document: Doc) -> None:
    kept = {k.value for codes in KEPT.values() for k in codes}
    offered = {c for _, schema in request_enums(document) for c in schema["enum"]}
    assert not offered & kept
    assert LifeDomain.UNSPECIFIED.value in kept and "single_parent_not_recorded" in kept  # the check can fail


def _checked_vocabularies() -> set[type[StrEnum]]:
    """The enums the domain checks input against: the first argument of each ``checked_code`` call."""
    found = set()
    for path in (ROOT / "ledger" / "aggregates").glob("*.py"):
        module = importlib.import_module(f"ledger.aggregates.{path.stem}")
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "checked_code"
                    and node.args and isinstance(node.args[0], ast.Name)):
                enum = getattr(module, node.args[0].id, None)
                if isinstance(enum, type):  # not the value objects' generic coercion (a type hint)
                    found.add(enum)
    return found


def test_every_vocabulary_the_server_checks_is_in_the_document(document: Doc) -> None:
    checked = _checked_vocabularies()
    assert {ReferralSource, CoordinationOutcome, LifeDomain, DataCategory, HouseholdComposition} <= checked
    # the checks outside the aggregate: the caseload's phase, the access log's category, the access request, the
    # privacy officer's review, the organisation register
    checked |= {Phase, DataCategory, Requester, IdentityCheck, ReviewVerdict, OrganisationKind}
    offered = [tuple(c for c in schema["enum"] if c is not None) for _, schema in request_enums(document)]
    missing = [e.__name__ for e in checked if tuple(c.value for c in accepted(e)) not in offered]
    assert not missing, f"checked by the server, declared by no request field: {sorted(missing)}"
    assert tuple(INSTRUMENTS) in offered and tuple(CONSENT_PRESETS) in offered


def response_enums(doc: Doc) -> list[tuple[str, dict[str, Any]]]:
    """(operation, status and field, schema) for every enum a JSON response declares."""
    found = []
    for path, item in doc["paths"].items():
        for method in METHODS:
            op = item.get(method)
            for status, response in (op or {}).get("responses", {}).items():
                for media, content in response.get("content", {}).items():
                    if media == "application/json" and "schema" in content:
                        found += _enums(doc, content["schema"], f"{method.upper()} {path} {status}")
    return found


def test_every_labelled_response_enum_is_every_code_of_one_vocabulary(document: Doc) -> None:
    """A response may carry what was stored before: its code fields list every code, kept ones included."""
    every = {e.__name__: (tuple(c.value for c in e), dict(LABELS[e])) for e in LABELS}
    labelled = [(w, s) for w, s in response_enums(document) if ENUM_DESCRIPTIONS in s]
    problems = []
    for where, schema in labelled:
        enum = tuple(c for c in schema["enum"] if c is not None)  # a nullable field's enum holds null too
        matches = [n for n, (codes, _) in every.items() if codes == enum]
        if not matches:
            problems.append(f"{where}: {schema['enum']} is no vocabulary's every code")
            continue
        words = every[matches[0]][1]
        if schema[ENUM_DESCRIPTIONS] != {c: f"{nl} — {en}" for c, (nl, en) in words.items()}:
            problems.append(f"{where}: labels")
    assert not problems, "\n".join(problems)
    where = {w for w, _ in labelled}
    for field in ("GET /households/{household_id} 200.phase", "GET /households/{household_id} 200.withheld{}",
                  "GET /households/{household_id} 200.composition", "GET /households 200.items[].phase",
                  "GET /households/{household_id}/plan 200.goals[].life_domain", "GET /users/me 200.role"):
        assert field in where, field
    kept_somewhere = {c for _, s in labelled for c in s["enum"]}
    assert {"unspecified", "not_recorded", "single_parent_not_recorded"} <= kept_somewhere
