"""The API's table of contents: the app factory, its middleware and its routers.

The lifespan builds the ledger through the composition root and, unless
``LEDGER_PROJECTIONS=external``, follows the ledger into the views in a thread;
nothing is built at import time. The API adds no business or privacy logic: it
authenticates (``deps.py``), maps requests to application calls (``routes/``, one router per
resource) and maps errors to problem+json (``problems.py``).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import Any

import structlog
from fastapi import FastAPI, Request, Response

from ledger.bootstrap import Ledger, build
from ledger.config import Settings
from ledger.projections import Progress, Runner

from .deps import IdempotencyStore
from .openapi import install as install_openapi
from .problems import install_problem_handlers, problem, unhandled
from .routes import audit, caseloads, commands, directory, households, privacy, report_series, reports
from .single_flight import RAW_RECEIVE, CallerGone, SingleFlight, fact_head
from .schemas import HealthOut

API_VERSION = "1.0.0"
MAX_BODY_BYTES = 1024 * 1024  # the largest legitimate command is far smaller (docs/api.md)
# Any /v1 answer may carry case data (or a problem about it): no cache may keep it. Only the
# published description of the API is the same for everyone.
NO_STORE = "no-store"
CACHEABLE = frozenset({"/v1/openapi.json", "/v1/docs", "/v1/docs/oauth2-redirect"})

log = structlog.get_logger("ledger.api")


CATCH_UP_LOG_SECONDS = 5.0  # at most this long between two lines of the start-up catch-up (the setting's default)


def catch_up_logged(views: Runner, every: float = CATCH_UP_LOG_SECONDS) -> int:
    """The start-up catch-up of the views, logged: ``views_catch_up_started`` (how far behind), a
    ``views_catching_up`` line every ``every`` seconds (done/total, rate, eta) and ``views_caught_up``.
    Positions and counts only. Views already at the head log nothing."""
    behind = views.head() - min(views.positions().values(), default=0)
    if behind <= 0:
        return views.catch_up()
    log.info("views_catch_up_started", behind=behind, head=views.head())
    last = [time.monotonic()]

    def show(p: Progress) -> None:
        now = time.monotonic()
        if now - last[0] >= every:
            last[0] = now
            rate = p.done / p.seconds if p.seconds > 0 else 0.0
            log.info("views_catching_up", done=p.done, total=p.total, rate=round(rate),
                     eta_seconds=round((p.total - p.done) / rate) if rate > 0 else None)

    began = time.monotonic()
    done = views.catch_up(progress=show)
    seconds = time.monotonic() - began
    log.info("views_caught_up", events=done, seconds=round(seconds, 1), rate=round(done / seconds) if seconds > 0 else None)
    return done


def _follow(views: Runner, stop: threading.Event, every: float = CATCH_UP_LOG_SECONDS) -> None:
    """Keep the views up to date inside the service (caught up first, logged); after a failure, log it, start again."""
    started = False
    while not stop.is_set():
        try:
            if not started:
                catch_up_logged(views, every)
                started = True
            views.run(stop)
        except Exception as e:  # noqa: BLE001 - the views lag, the ledger is unaffected; say so without data
            log.error("views_follower_failed", error_type=type(e).__name__)
            stop.wait(1.0)


DIGEST_CHECK_SECONDS = 3600.0


def _digest_daily(ledger: Ledger, stop: threading.Event, check_seconds: float = DIGEST_CHECK_SECONDS) -> None:
    """Take a signed digest into the digest directory at start-up and then daily (when the last is a day old)."""
    while not stop.is_set():
        try:
            if ledger.digests.due():
                d = ledger.audit.take_digest()  # the service's own: no user asked, nothing to record
                log.info("digest_taken", position=d.position, key_id=d.key_id)
        except Exception as e:  # noqa: BLE001 - a broken chain or a full disk: say so, try again later
            log.error("digest_failed", error_type=type(e).__name__)
        stop.wait(check_seconds)


class _BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with 413 problem+json, declared or streamed."""

    def __init__(self, app: Any, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, send)
            return
        seen = 0
        too_large = started = False

        async def counted_receive() -> Any:
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    too_large = True
                    raise _BodyTooLarge
            return message

        async def watched_send(message: Any) -> None:
            nonlocal started
            if too_large and not started:
                return  # whatever the app made of the cut-off body, the answer is 413
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        # The request's own receive, past the request-log middleware, which hides a client's disconnect from the
        # routes below it (Starlette's BaseHTTPMiddleware): a long read waiting on others polls this one.
        scope[RAW_RECEIVE] = counted_receive
        try:
            await self.app(scope, counted_receive, watched_send)
        except _BodyTooLarge:
            pass
        if too_large and not started:
            await self._refuse(scope, send)

    async def _refuse(self, scope: dict[str, Any], send: Any) -> None:
        request_id = uuid.uuid4().hex
        response = problem(413, "body-too-large", "Request body too large",
                           f"A request body may hold at most {self.limit} bytes.",
                           instance=f"urn:ledger:request:{request_id}",
                           headers={"API-Version": API_VERSION, "X-Request-ID": request_id, "Connection": "close",
                                    "Cache-Control": NO_STORE})
        log.info("request", request_id=request_id, method=scope.get("method"), route="unmatched", status=413)
        await response(scope, _drained, send)


async def _drained() -> dict[str, Any]:
    return {"type": "http.disconnect"}


def create_app(settings: Settings | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ledger: Ledger = build(settings)  # the whole system: application, audit, views, read side
        app.state.ledger = ledger
        views = ledger.views
        app.state.views = views
        app.state.read_side = ledger.read_side
        app.state.idempotency = IdempotencyStore(ledger.engine, lease_seconds=ledger.settings.idempotency_lease_seconds)
        app.state.single_flight = SingleFlight()  # identical long reads share one computation
        app.state.fact_head = fact_head(ledger.app.recorder)
        stop = threading.Event()
        follower = None
        if ledger.settings.projections == "in_service":
            follower = threading.Thread(target=_follow, args=(views, stop, ledger.settings.catch_up_log_seconds),
                                        name="ledger-views", daemon=True)
            follower.start()
        digests = threading.Thread(target=_digest_daily, args=(ledger, stop), name="ledger-digests", daemon=True)
        digests.start()
        try:
            yield
        finally:
            stop.set()
            digests.join(timeout=10)
            if follower is not None:
                follower.join(timeout=10)
            app.state.single_flight.close()
            ledger.close()

    app = FastAPI(
        title="ledger",
        version=API_VERSION,
        summary="Event-sourced case ledger with an audit trail",
        description=(
            "One household, one plan, one case director: every step of a case as an immutable event, "
            "every read and write access-recorded (NEN 7513). Writes name the version they expect in "
            "If-Match and return the new one in ETag; POSTs take an Idempotency-Key. JSON bodies use "
            "snake_case (they carry domain codes such as ZRM domains as keys); query parameters use "
            "lowerCamelCase."
        ),
        openapi_url="/v1/openapi.json",
        docs_url="/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
        redirect_slashes=False,  # a redirect would echo the path, which may hold whatever was pasted into an id
        # A generated client names its methods after the operation ids: the route's own name
        # (refer, household, record_intake, ...), not FastAPI's name_path_method.
        generate_unique_id_function=lambda route: route.name,
    )
    install_problem_handlers(app)

    @app.exception_handler(CallerGone)
    async def _caller_gone(request: Request, exc: CallerGone) -> Response:
        return Response(status_code=499)  # the client left a shared read: nobody to answer (the request log says 499)

    @app.middleware("http")
    async def request_log(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        """A request id, the API-Version and Cache-Control headers, one JSON log line: ids, status, timing; no personal data."""
        given = request.headers.get("x-request-id", "")
        # A caller's id is kept only when it looks like one (it is echoed in headers and problems).
        request_id = given if given and len(given) <= 64 and given.replace("-", "").isalnum() else uuid.uuid4().hex
        request.state.request_id = request_id
        began = time.perf_counter()
        if b"%00" in request.scope.get("query_string", b"") or "\x00" in request.scope.get("path", ""):
            # NUL is no text: PostgreSQL refuses it in a query; say so before anything looks it up.
            response: Response = problem(400, "invalid-request", "Invalid request",
                                         "NUL characters are not accepted in the path or query.",
                                         instance=f"urn:ledger:request:{request_id}")
        else:
            try:
                response = await call_next(request)
            except Exception as exc:  # noqa: BLE001 - answered here, so no server traceback reaches the log
                response = unhandled(request, exc)
        response.headers["API-Version"] = API_VERSION
        response.headers["X-Request-ID"] = request_id
        if request.url.path not in CACHEABLE:
            response.headers["Cache-Control"] = NO_STORE
        route = request.scope.get("route")
        log.info("request", request_id=request_id, method=request.method,
                 route=getattr(route, "path", "unmatched"), status=response.status_code,
                 user_id=getattr(request.state, "user_id", None),
                 ms=round((time.perf_counter() - began) * 1000, 1))
        return response

    @app.get("/v1/health", tags=["service"], response_model=HealthOut)
    def health() -> dict[str, Any]:
        """The service runs, which store it uses, and any view stopped at an event it cannot apply (no case data)."""
        ledger: Ledger = app.state.ledger
        views = app.state.views
        return {
            "status": "ok",
            "version": version("ledger"),
            "store": "postgresql" if ledger.settings.uses_postgres else "sqlite",
            "ledger_position": views.head(),
            "views_position": views.position(),
            "stalled_views": {name: {"position": s.position, "error_type": s.error_type, "attempts": s.attempts}
                              for name, s in views.failures().items()},
        }

    for resource in (households, commands, privacy, directory, caseloads, audit, report_series, reports):  # one each
        app.include_router(resource.router)
    install_openapi(app)
    app.add_middleware(BodyLimit)  # outermost: counts the bytes before anything reads them
    return app
