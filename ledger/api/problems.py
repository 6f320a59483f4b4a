"""Every error as ``application/problem+json`` (RFC 9457), without personal data.

Each domain error has a stable ``type`` (``https://ledger.example.org/problems/<code>``,
the error's ``code``), a fixed ``title`` and the error's own message as ``detail`` (domain
messages never hold personal data; see ``ledger/aggregates/errors.py``). Request
validation names the offending fields in ``invalidParams`` and never echoes their values.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg
import psycopg_pool
import structlog
from eventsourcing import persistence as es_persistence
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from ledger.aggregates import errors
from ledger.privacy.access import AccessDeniedError
from ledger.privacy.keys import KeyStoreBusyError
from ledger.privacy.chain import ChainTailError
from ledger.privacy.sealing import SealedDataError
from ledger.projections.read_side import ViewsBehindError
from ledger.reports.disclosure import CohortTooSmallError

__all__ = ["PROBLEM_BASE", "ApiProblem", "install_problem_handlers", "problem", "unhandled"]

PROBLEM_BASE = "https://ledger.example.org/problems/"
MEDIA_TYPE = "application/problem+json"

log = structlog.get_logger("ledger.api")


class ApiProblem(Exception):
    """An error raised by the API layer itself (authentication, preconditions, idempotency)."""

    def __init__(self, status: int, code: str, title: str, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.code, self.title, self.detail, self.headers = status, code, title, detail, headers or {}


# Domain error -> HTTP status and title. The most specific class wins.
STATUS: list[tuple[type[Exception], int, str]] = [
    (AccessDeniedError, 403, "Access denied"),
    (CohortTooSmallError, 422, "Too few households for this report"),
    (errors.NotFoundError, 404, "Not found"),
    (errors.StaleVersionError, 412, "The household changed"),
    (errors.InvalidInputError, 400, "Invalid input"),
    (errors.RuleViolationError, 422, "Refused by a rule of the case"),
    (errors.HouseholdError, 422, "Refused"),
]


def problem(status: int, code: str, title: str, detail: str, *, instance: str | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = {"type": PROBLEM_BASE + code, "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _instance(request: Request) -> str:
    """This occurrence: the request id (the path may hold whatever a caller pasted into an id field)."""
    return f"urn:ledger:request:{getattr(request.state, 'request_id', 'unknown')}"


def _route(request: Request) -> str:
    """The route template, never the path (which may hold whatever a caller pasted into an id field)."""
    return getattr(request.scope.get("route"), "path", "unmatched")


# The store cannot be reached (a database restart, a full pool, a lock held too long): 503, retry.
STORE_UNAVAILABLE: tuple[type[Exception], ...] = (
    sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
    es_persistence.OperationalError, es_persistence.InterfaceError,
    psycopg.OperationalError, psycopg.InterfaceError, psycopg_pool.PoolTimeout,
    KeyStoreBusyError,  # e.g. an erasure whose shredding waited too long: its retry finishes it
)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(errors.HouseholdError)
    async def _domain(request: Request, exc: errors.HouseholdError) -> JSONResponse:
        for cls, status, title in STATUS:
            if isinstance(exc, cls):
                return problem(status, exc.code, title, str(exc), instance=_instance(request))
        raise AssertionError("unreachable: HouseholdError is in STATUS")  # pragma: no cover

    @app.exception_handler(ApiProblem)
    async def _api(request: Request, exc: ApiProblem) -> JSONResponse:
        return problem(exc.status, exc.code, exc.title, exc.detail, instance=_instance(request), headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        params = []
        for e in exc.errors():
            loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "header")]
            params.append({"name": ".".join(loc) or "body", "code": e.get("type", "invalid"),
                           "reason": str(e.get("msg", "invalid"))})
        return problem(400, "invalid-request", "Invalid request",
                       "The request does not match the API description; see invalidParams.",
                       instance=_instance(request), invalidParams=params)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not-found", 405: "method-not-allowed", 406: "not-acceptable"}.get(exc.status_code, "http-error")
        title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "Request failed")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # RFC 9110 15.5.6: Allow names every method of the resource
            headers["Allow"] = allowed_methods(request)
        return problem(exc.status_code, code, title, str(exc.detail), instance=_instance(request), headers=headers)

    @app.exception_handler(ViewsBehindError)
    async def _behind(request: Request, exc: ViewsBehindError) -> JSONResponse:
        return problem(503, "views-behind", "Views not caught up", str(exc), instance=_instance(request),
                       headers={"Retry-After": "1"})

    @app.exception_handler(ChainTailError)
    async def _tail(request: Request, exc: ChainTailError) -> JSONResponse:
        return problem(503, "chain-tail-unchained", "Writes refused until the ledger is verified", str(exc),
                       instance=_instance(request), headers={"Retry-After": "30"})

    @app.exception_handler(SealedDataError)
    async def _sealed(request: Request, exc: SealedDataError) -> JSONResponse:
        log.error("sealed_data_error", route=_route(request))
        return problem(500, "sealed-data", "Stored data failed its integrity check",
                       "Stored data of this household does not match its key; run `ledger audit verify`.",
                       instance=_instance(request))

    async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
        return unhandled(request, exc)

    for unavailable in STORE_UNAVAILABLE:
        app.add_exception_handler(unavailable, _unavailable)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        return unhandled(request, exc)


def allowed_methods(request: Request) -> str:
    """The methods the API document gives the request's path (Starlette's own Allow names one route's only).

    From the served document, so Allow and the document agree: each path template relative to its
    server URL, ``{param}`` matching one segment; HEAD wherever GET is (Starlette answers it).
    """
    doc = request.app.openapi()
    servers = [s.get("url", "") for s in doc.get("servers", [])] or [""]
    prefix = servers[0].rstrip("/") if servers[0].startswith("/") else ""
    methods: set[str] = set()
    for template, item in doc.get("paths", {}).items():
        base = "" if "servers" in item else prefix
        pattern = re.escape(base + template)
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
        if re.fullmatch(pattern, request.url.path):
            methods |= {m.upper() for m in item if m in ("get", "put", "post", "delete", "patch")}
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def _where(exc: BaseException) -> str:
    """The innermost frame of ledger's own code: a place in the code, never a value."""
    where = "?"
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if "/ledger/" in code.co_filename:
            where = f"{code.co_filename.rsplit('/ledger/', 1)[-1]}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def unhandled(request: Request, exc: Exception) -> JSONResponse:
    """An exception nothing else handled: 503 if the store is unreachable, else 500. Logged by type and
    code location only: no traceback, whose messages may quote values (SQL parameters, say)."""
    if isinstance(exc, STORE_UNAVAILABLE):
        log.warning("store_unavailable", route=_route(request), error_type=type(exc).__name__)
        return problem(503, "store-unavailable", "Storage unavailable",
                       "The ledger's database cannot be reached just now; retry shortly. A write that got this "
                       "answer may not have been recorded: retry it with the same Idempotency-Key.",
                       instance=_instance(request), headers={"Retry-After": "1"})
    log.error("request_failed", route=_route(request), error_type=type(exc).__name__, where=_where(exc))
    return problem(500, "internal", "Internal error",
                   "Something went wrong on our side; nothing more is shown to protect case data.",
                   instance=_instance(request))
