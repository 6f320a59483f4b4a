"""The OpenAPI document, shaped to the NL GOV API Design Rules (ADR) without route authors' help.

``install(app)`` replaces ``app.openapi``: FastAPI's own document is built once (again only when
routes are added) and post-processed so that it passes ``lint/adr.spectral.yaml``, the ADR
ruleset that ``tests/e2e/test_api_design_rules.py`` runs with Spectral:

- ``info.version`` is semantic versioning (from ``app.version``); ``info.contact`` has a name,
  email and url (placeholders on example.org until the service has a public home).
- The major version lives in the server URL, not in the paths: routes are declared as
  ``/v1/...`` (the running app keeps them), the document lists them relative to the server
  ``/v1`` (relative to where the document is served, so the docs page's "Try it out" works on
  any host; ``https://`` in production, never a plain ``http://`` URL in the document). A route
  outside ``/v1`` keeps its full path and gets a path-level server ``/``, which the ruleset
  rejects: every resource belongs under the major version.
- Every 2xx/3xx response documents the ``API-Version`` header (``components.headers``), and
  every response ``Cache-Control: no-store`` (any answer may carry case data; main.py sets it).
- Every 4xx/5xx response is ``application/problem+json`` with the ``Problem`` schema (RFC 9457:
  type, title, status, detail, instance; ``invalidParams`` for invalid input). FastAPI's
  automatic 422 ``HTTPValidationError`` becomes the 400 the API answers request validation with
  (``ledger/api/problems.py``); a 422 a route declares itself stays a 422.
- Every POST/PUT/PATCH, and every operation with parameters or a body, documents a 400; every
  operation documents a 500, and a 401 (with ``WWW-Authenticate``) and a 503 (with ``Retry-After``:
  the users' directory is in the store) when it authenticates: it has the ``bearer`` security
  requirement (``deps.BEARER_SCHEME``), unless ``openapi_extra={"security": []}`` marks it public.
  (``/v1/health`` takes no token and answers from memory: no 401, no 503.) An operation with a
  body documents the 413 of ``main.BodyLimit``.
- Issue 17, what a generated client needs to keep: ``If-Match`` is required where it is taken
  (FastAPI sees it optional, so that a missing one is this API's 428); a household write (its
  answer is a ``WriteResult``, ``ReferralResult`` or ``ConsentResult``) declares ``ETag``,
  ``Ledger-Position`` and ``Location`` on success, and every write with ``Idempotency-Key``
  declares ``Idempotent-Replay`` on the answers the key's store replays; a write's 409 may carry
  ``Retry-After``. ``components.responses.MethodNotAllowed`` is the 405 (with ``Allow``) that any
  path answers a method it lacks (``problems.allowed_methods`` reads ``Allow`` from this document).

What the post-processing cannot do for a route author (the ruleset fails the test instead):
kebab-case path segments, lowerCamelCase query parameter names (``Query(alias="asOf")``),
``date`` for date fields and ``datetime`` (RFC 3339, with an offset) for moments.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

__all__ = ["PROBLEM_MEDIA_TYPE", "VERSION_HEADER", "build_document", "install"]

VERSION_HEADER = "API-Version"
CACHE_HEADER = "Cache-Control"
PROBLEM_MEDIA_TYPE = "application/problem+json"

CONTACT = {
    "name": "ledger maintainers",
    "email": "ledger@example.org",
    "url": "https://example.org/ledger",
}
CONTACT_NOTE = "The contact details above are placeholders (example.org) until the service has a public home."

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
_FASTAPI_VALIDATION = "#/components/schemas/HTTPValidationError"
_PROBLEM_REF = "#/components/schemas/Problem"
_HEADER_REF = f"#/components/headers/{VERSION_HEADER}"
_CACHE_REF = f"#/components/headers/{CACHE_HEADER}"
# The status FastAPI's request validation is answered with (problems.py: invalid-request).
VALIDATION_STATUS = "400"

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "An error as problem details (RFC 9457). Never holds personal data.",
    "required": ["title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri-reference", "default": "about:blank",
                 "description": "Identifies the kind of problem; stable for each error code."},
        "title": {"type": "string", "description": "A short summary of the kind of problem."},
        "status": {"type": "integer", "minimum": 100, "maximum": 599, "description": "The HTTP status code."},
        "detail": {"type": "string", "description": "What went wrong with this request."},
        "instance": {"type": "string", "format": "uri-reference",
                     "description": "Identifies this occurrence (the request id as a URN; never the path)."},
        "invalidParams": {
            "type": "array",
            "description": "Invalid input only: each parameter or body field that failed validation.",
            "items": {"$ref": "#/components/schemas/InvalidParam"},
        },
    },
}
INVALID_PARAM_SCHEMA: dict[str, Any] = {
    "title": "InvalidParam",
    "type": "object",
    "required": ["name", "reason"],
    "properties": {
        "name": {"type": "string", "description": "The parameter or body field (dotted for nested fields)."},
        "code": {"type": "string", "description": "A machine-readable code for the failure."},
        "reason": {"type": "string", "description": "Why it is invalid (the value is never echoed)."},
    },
}

_ERROR_DESCRIPTIONS = {
    "400": "Invalid input: a parameter or the body does not match this description (see invalidParams).",
    "401": "Missing, unknown or disabled bearer token.",
    "413": "The request body is larger than the service takes (1 MiB); nothing was read or changed.",
    "500": "Something went wrong on the service's side; nothing more is shown.",
    "503": "Not now: the store cannot be reached, the views have not caught up, or writes wait for the ledger's "
           "verification. Nothing changed (a write may be retried with the same Idempotency-Key) after "
           "`Retry-After` seconds.",
}

# The response headers the server sends (issue 17: a typed client keeps only what the document declares).
HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": 'The household\'s version after this write (or at this read), as an entity tag: send it back '
                       'as `If-Match` with the next write, e.g. `"7"`.',
        "required": True, "schema": {"type": "string", "pattern": '^"[0-9]+"$'}, "example": '"7"'},
    "Ledger-Position": {
        "description": "Where this write sits in the ledger: pass it as `minPosition` to a view read to read your "
                       "own write (read-your-writes).",
        "required": True, "schema": {"type": "integer", "minimum": 1}, "example": 42},
    "Location": {
        "description": "The household this write is about (`/v1/households/{household_id}`).",
        "required": True, "schema": {"type": "string", "format": "uri-reference"}},
    "Idempotent-Replay": {
        "description": "`true` when this is the stored first answer to an earlier request with the same "
                       "`Idempotency-Key`: nothing ran again.",
        "required": False, "schema": {"type": "string", "enum": ["true"]}},
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True, "schema": {"type": "integer", "minimum": 0}, "example": 1},
    "Allow": {
        "description": "The methods this path has (RFC 9110).",
        "required": True, "schema": {"type": "string"}, "example": "GET, HEAD, POST"},
    "WWW-Authenticate": {
        "description": "How to authenticate: a bearer token.",
        "required": True, "schema": {"type": "string", "enum": ["Bearer"]}},
}
_WRITE_HEADERS = ("ETag", "Ledger-Position", "Location")
_WRITE_RESULTS = ("WriteResult", "ReferralResult", "ConsentResult")  # ledger/api/schemas: a household write's answer
# A write's answers that the Idempotency-Key store keeps and replays (deps.IdempotencyStore): its own
# answer and the problems of a run that refused (request validation, 401, 409, 428 come before it).
_REPLAYED = ("400", "403", "404", "412", "422")


def install(app: FastAPI) -> None:
    """Make ``app.openapi()`` return the ADR-shaped document (idempotent; cached)."""
    if getattr(app.openapi, "_ledger_adr", False):
        return
    # FastAPI would prepend a server of its own (the request's root path, without /v1)
    # that the document's paths are not relative to.
    app.root_path_in_servers = False
    app.openapi_schema = None
    built_for: list[object] = []

    def openapi() -> dict[str, Any]:
        routes_version = _routes_version(app)
        if app.openapi_schema is None or built_for != [routes_version]:
            app.openapi_schema = build_document(app)
            built_for[:] = [routes_version]
        return app.openapi_schema

    openapi._ledger_adr = True  # type: ignore[attr-defined]  # a mark on the function: install() runs once
    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to replace the document


def _routes_version(app: FastAPI) -> object:
    """Changes when routes are added (FastAPI's own cache key where it has one)."""
    get: Callable[[], object] | None = getattr(app.router, "_get_routes_version", None)
    return get() if get is not None else len(app.routes)


def build_document(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document for ``app``, post-processed to the API Design Rules."""
    version = semver(app.version)
    doc = get_openapi(
        title=app.title,
        version=version,
        openapi_version=app.openapi_version,
        summary=app.summary,
        description=app.description,
        terms_of_service=app.terms_of_service,
        contact=app.contact,
        license_info=app.license_info,
        routes=app.routes,
        webhooks=app.webhooks.routes,
        tags=app.openapi_tags,
        separate_input_output_schemas=app.separate_input_output_schemas,
        external_docs=getattr(app, "openapi_external_docs", None),
    )
    prefix = "/v" + version.split(".", 1)[0]
    _info(doc)
    doc["servers"] = list(app.servers) or [{
        "url": prefix,
        "description": "This service, relative to where this document is served (HTTPS in production).",
    }]
    doc["paths"] = _relative_paths(doc.get("paths", {}), prefix)
    components = doc.setdefault("components", {})
    components.setdefault("headers", {})[VERSION_HEADER] = {
        "description": "The full version of the API that answered (semantic versioning).",
        "required": True,
        "schema": {"type": "string"},
        "example": version,
    }
    components["headers"][CACHE_HEADER] = {
        "description": "Always `no-store`: no browser, proxy or CDN may keep an answer that can carry case data.",
        "required": True,
        "schema": {"type": "string", "enum": ["no-store"]},
    }
    for name, header in HEADERS.items():
        components["headers"].setdefault(name, copy.deepcopy(header))
    components.setdefault("responses", {})["MethodNotAllowed"] = {
        "description": "The path has no such method (any path of this API): `Allow` names the methods it has.",
        "headers": {"Allow": {"$ref": "#/components/headers/Allow"}, CACHE_HEADER: {"$ref": _CACHE_REF}},
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": _PROBLEM_REF}}},
    }
    schemas = components.setdefault("schemas", {})
    schemas.setdefault("Problem", copy.deepcopy(PROBLEM_SCHEMA))
    schemas.setdefault("InvalidParam", copy.deepcopy(INVALID_PARAM_SCHEMA))
    for path_item in doc["paths"].values():
        for method in _METHODS:
            if method in path_item:
                _operation(method, path_item[method], path_item, doc.get("security", []))
    _drop_unused_schemas(doc, ("HTTPValidationError", "ValidationError"))
    _nullable_as_type_list(doc)
    _links(doc)
    return doc


def semver(value: str) -> str:
    """``value`` as semantic versioning; ``1`` and ``1.2`` are padded with zeros."""
    if _SEMVER.match(value):
        return value
    if re.fullmatch(r"(0|[1-9]\d*)(\.(0|[1-9]\d*))?", value):
        return ".".join((value.split(".") + ["0", "0"])[:3])
    raise ValueError(f"app.version {value!r} is not semantic versioning (MAJOR.MINOR.PATCH)")


def _info(doc: dict[str, Any]) -> None:
    info = doc.setdefault("info", {})
    contact = info.setdefault("contact", {})
    for key, value in CONTACT.items():
        contact.setdefault(key, value)
    if contact["email"] == CONTACT["email"] and CONTACT_NOTE not in info.get("description", ""):
        info["description"] = (info.get("description", "").rstrip() + "\n\n" + CONTACT_NOTE).lstrip()


def _relative_paths(paths: dict[str, Any], prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, item in paths.items():
        if path == prefix or path.startswith(prefix + "/"):
            relative = path[len(prefix):] or "/"
        else:  # outside the major version: say where it really is (the ruleset refuses it)
            relative = path
            item = {**item, "servers": [{"url": "/", "description": "Not under the major version."}]}
        if relative in out:
            raise ValueError(f"{path} and another route both document as {relative}")
        out[relative] = item
    return out


def _authenticated(op: dict[str, Any], path_item: dict[str, Any], doc_security: list[Any]) -> bool:
    """Whether the operation can answer 401: it has a security requirement (``security: []`` marks it public)."""
    return bool(op.get("security", doc_security))


def _operation(method: str, op: dict[str, Any], path_item: dict[str, Any], doc_security: list[Any]) -> None:
    responses: dict[str, Any] = op.setdefault("responses", {})
    # FastAPI's automatic 422 is the request validation the API answers with a 400.
    auto = responses.get("422")
    if isinstance(auto, dict) and _FASTAPI_VALIDATION in json.dumps(auto.get("content", {})):
        del responses["422"]
        responses.setdefault(VALIDATION_STATUS, {"description": _ERROR_DESCRIPTIONS["400"]})
    takes_input = bool(op.get("parameters") or path_item.get("parameters") or op.get("requestBody"))
    if method in ("post", "put", "patch") or takes_input:
        responses.setdefault("400", {"description": _ERROR_DESCRIPTIONS["400"]})
    authenticated = _authenticated(op, path_item, doc_security)
    if authenticated:  # the users' directory is in the store: whoever authenticates can meet it unreachable
        responses.setdefault("401", {"description": _ERROR_DESCRIPTIONS["401"]})
        responses.setdefault("503", {"description": _ERROR_DESCRIPTIONS["503"]})
    if op.get("requestBody"):
        responses.setdefault("413", {"description": _ERROR_DESCRIPTIONS["413"]})
    responses.setdefault("500", {"description": _ERROR_DESCRIPTIONS["500"]})
    for param in op.get("parameters", []):
        if isinstance(param.get("schema"), dict):
            _not_null(param["schema"])  # an absent parameter is absent: no `null` a generated client could send
    headers_in = {str(p.get("name", "")).lower(): p for p in op.get("parameters", []) if p.get("in") == "header"}
    if "if-match" in headers_in:  # optional for FastAPI, so that a missing one is this API's 428, not a 400
        headers_in["if-match"]["required"] = True
    write = "idempotency-key" in headers_in
    # A household write answers with routes.common.written/referred: the new version in ETag, and where it sits.
    household_write = write and any(
        f'"#/components/schemas/{name}"' in json.dumps(r.get("content", {}))
        for status, r in responses.items() if str(status).startswith("2") and isinstance(r, dict)
        for name in _WRITE_RESULTS)
    for status, response in responses.items():
        if not isinstance(response, dict) or "$ref" in response:
            continue
        status = str(status)
        declared = response.setdefault("headers", {})
        if household_write and status.startswith("2"):
            for name in _WRITE_HEADERS:
                declared.setdefault(name, {"$ref": f"#/components/headers/{name}"})
        if write and (status.startswith("2") or status in _REPLAYED):
            declared.setdefault("Idempotent-Replay", {"$ref": "#/components/headers/Idempotent-Replay"})
        if status == "401":
            declared.setdefault("WWW-Authenticate", {"$ref": "#/components/headers/WWW-Authenticate"})
        if status == "503":
            declared.setdefault("Retry-After", {"$ref": "#/components/headers/Retry-After"})
        if status == "409" and write:  # "still running": retry after a second (not when it was interrupted)
            declared.setdefault("Retry-After", {**HEADERS["Retry-After"], "required": False})
    for status, response in responses.items():
        if not isinstance(response, dict) or "$ref" in response:
            continue
        kind = str(status)[:1]
        if kind in ("2", "3", "4", "5"):
            response.setdefault("headers", {}).setdefault(CACHE_HEADER, {"$ref": _CACHE_REF})
        if kind in ("2", "3"):
            response.setdefault("headers", {}).setdefault(VERSION_HEADER, {"$ref": _HEADER_REF})
        elif kind in ("4", "5"):
            content = response.get("content") or {}
            response["content"] = (
                {PROBLEM_MEDIA_TYPE: content[PROBLEM_MEDIA_TYPE]} if PROBLEM_MEDIA_TYPE in content
                else {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": _PROBLEM_REF}}}
            )
    op["responses"] = dict(sorted(responses.items(), key=lambda kv: (not str(kv[0])[:1].isdigit(), str(kv[0]))))


_HOUSEHOLD = "/households/{household_id}"
_READS_AFTER_A_WRITE = {  # the reads a write's answer leads to, and what it hands them
    _HOUSEHOLD: {},
    _HOUSEHOLD + "/events": {},
    _HOUSEHOLD + "/plan": {"query.minPosition": "$response.header.Ledger-Position"},
    _HOUSEHOLD + "/involved-parties": {"query.minPosition": "$response.header.Ledger-Position"},
}


def _links(doc: dict[str, Any]) -> None:
    """OpenAPI links from each creating operation to the reads and commands that use what it created.

    - The referral (``POST /households``) -> every operation on that household: its id from the
      answer's ``household_id``, and ``If-Match`` from its ``ETag`` where the operation takes one.
    - A command that creates an item (a consent, goal, action, involvement, escalation: its answer's
      ``item_id``) -> the commands on that item (``…/{consent_id}/withdrawal``, …), on the same household.
    - Every household write -> the household's state, history, plan and involved parties, the views
      waiting for the write's ``Ledger-Position``.
    """
    paths = doc["paths"]
    ops = {(path, method): op for path, item in paths.items() for method, op in item.items() if method in _METHODS}

    def takes(op: dict[str, Any], name: str, where: str) -> bool:
        return any(p.get("name") == name and p.get("in") == where for p in op.get("parameters", []))

    def link(target: tuple[str, str], parameters: dict[str, str], description: str) -> dict[str, Any]:
        op = ops[target]
        params = dict(parameters)
        if takes(op, "If-Match", "header"):
            params["header.If-Match"] = "$response.header.ETag"
        return {"operationId": op["operationId"], "parameters": params, "description": description}

    def add(source: tuple[str, str], links: dict[str, dict[str, Any]]) -> None:
        for status, response in ops[source]["responses"].items():
            if str(status).startswith("2") and isinstance(response, dict) and links:
                response.setdefault("links", {}).update(links)

    referral = ("/households", "post")
    if referral in ops:
        add(referral, {
            ops[t]["operationId"]: link(t, {"path.household_id": "$response.body#/household_id"},
                                        "The household this referral made (or named: already known).")
            for t in sorted(ops) if t[0] == _HOUSEHOLD or t[0].startswith(_HOUSEHOLD + "/")})
    for (path, method), op in sorted(ops.items()):
        if method not in ("post", "put") or not path.startswith(_HOUSEHOLD + "/"):
            continue
        on_this = {"path.household_id": "$request.path.household_id"}
        reads = {ops[(r, "get")]["operationId"]: link((r, "get"), {**on_this, **extra}, "The household after this write.")
                 for r, extra in _READS_AFTER_A_WRITE.items() if (r, "get") in ops}
        items = {}
        for (t_path, t_method), t_op in sorted(ops.items()):
            rest = t_path[len(path):]
            param = re.fullmatch(r"/\{(\w+)\}/[a-z-]+", rest) if t_path.startswith(path + "/{") else None
            if param and _answers_item_id(doc, op):
                items[t_op["operationId"]] = link(
                    (t_path, t_method), {**on_this, f"path.{param.group(1)}": "$response.body#/item_id"},
                    "The item this command created.")
        add((path, method), {**reads, **items})


def _not_null(schema: dict[str, Any]) -> None:
    """A parameter's schema without its ``null`` (FastAPI's optional ``X | None``): none is sent as text."""
    if isinstance(schema.get("enum"), list) and None in schema["enum"]:
        schema["enum"] = [v for v in schema["enum"] if v is not None]
    kind = schema.get("type")
    if isinstance(kind, list) and "null" in kind:
        rest = [k for k in kind if k != "null"]
        schema["type"] = rest[0] if len(rest) == 1 else rest
    options = schema.get("anyOf")
    if isinstance(options, list) and {"type": "null"} in options:
        rest = [o for o in options if o != {"type": "null"}]
        del schema["anyOf"]
        if len(rest) == 1:
            outer, inner = schema.get("description"), rest[0].get("description")
            schema.update({k: v for k, v in rest[0].items() if k not in schema})
            if outer and inner and inner not in outer:  # the parameter's words, then its type's (a code list)
                schema["description"] = f"{outer} {inner}"
        else:
            schema["anyOf"] = rest


def _answers_item_id(doc: dict[str, Any], op: dict[str, Any]) -> bool:
    """Whether the operation's success answer has an ``item_id`` (the id of what it created)."""
    schemas = doc.get("components", {}).get("schemas", {})
    for status, response in op.get("responses", {}).items():
        if not str(status).startswith("2") or not isinstance(response, dict):
            continue
        for media in (response.get("content") or {}).values():
            ref = str(media.get("schema", {}).get("$ref", ""))
            if "item_id" in schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}):
                return True
    return False


def _nullable_as_type_list(node: Any) -> None:
    """``anyOf: [{type: T, format: …}, {type: null}]`` (pydantic's ``X | None``) as ``type: [T, "null"]``.

    The same schema in OpenAPI 3.1, in the form that keeps ``format`` beside the field: the official
    ADR ruleset reads a date field's ``format`` there (``nlgov:specify-format-for-date-and-time``),
    and generators read it as one optional scalar. A ``$ref`` or an object stays an ``anyOf``.
    """
    if isinstance(node, list):
        for item in node:
            _nullable_as_type_list(item)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        _nullable_as_type_list(value)
    options = node.get("anyOf")
    if not (isinstance(options, list) and len(options) == 2 and {"type": "null"} in options):
        return
    other = options[0] if options[1] == {"type": "null"} else options[1]
    kind = other.get("type") if isinstance(other, dict) else None
    if not isinstance(other, dict) or "$ref" in other or set(other) & set(node) - {"anyOf", "description"} \
            or not (isinstance(kind, str) and kind not in ("object", "array", "null")
                    or isinstance(kind, list) and "null" in kind):
        return
    del node["anyOf"]
    outer, inner = node.get("description"), other.get("description")
    node.update(other)
    if outer and inner and inner not in outer:  # the field's words, then the type's (a code list, say)
        node["description"] = f"{outer} {inner}"
    elif outer:
        node["description"] = outer
    node["type"] = kind if isinstance(kind, list) else [kind, "null"]
    if "enum" in node and None not in node["enum"]:
        node["enum"] = [*node["enum"], None]


def _drop_unused_schemas(doc: dict[str, Any], names: tuple[str, ...]) -> None:
    """Remove FastAPI's validation-error schemas once nothing refers to them (in order)."""
    schemas = doc.get("components", {}).get("schemas", {})
    for name in names:
        if name in schemas:
            rest = {k: v for k, v in schemas.items() if k != name}
            text = json.dumps({**doc, "components": {**doc["components"], "schemas": rest}})
            if f'"#/components/schemas/{name}"' not in text:
                del schemas[name]
