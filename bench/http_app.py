"""The service as ``ledger serve`` runs it, plus one bench-only route: the same read, not recorded.

``uvicorn bench.http_app:create_app --factory`` serves ``ledger.api.main.create_app`` with
settings from the ``LEDGER_*`` environment (as ``ledger serve`` does) and adds

* ``GET /bench/unaudited/households/{household_id}``: the real ``GET /v1/households/{id}``
  minus access recording. The same bearer authentication (``CallerDep``), the same sync
  handler shape (it runs in the same thread pool), the same load (``CaseLedger._load``:
  snapshot plus later events, unsealed), the same access-policy decision, the same
  serialisation (``household_view`` and ``JSONResponse`` with the ETag). What it leaves
  out is exactly what recording adds: building the ``AccessRecorded`` aggregate and
  saving it (group-committed with other reads' records, its chain links in the same
  transaction) before the answer.

With ``LEDGER_BENCH_TIMING=1`` it also wraps the audited path's parts in wall-clock timers
(per request, summed over threads) and serves them at ``GET /bench/timings`` (``?reset=1``
zeroes them): where the audited read's extra time goes, lock and pool waits included.
Never part of the product: the route only exists in this bench module.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from functools import wraps
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response

from ledger.aggregates import Household
from ledger.api.deps import CallerDep, ledger_of
from ledger.api.routes.common import EmergencyReason, HouseholdId, reason_text
from ledger.api.main import create_app as create_service
from ledger.config import Settings
from ledger.privacy.access import ALL_CATEGORIES, AccessDeniedError
from ledger.privacy.policy import decide
from ledger.presenters import household_view

__all__ = ["UNAUDITED", "create_app"]

UNAUDITED = "/bench/unaudited/households/{household_id}"


class Timings:
    """Wall-clock seconds and calls per named part, summed over all threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.parts: dict[str, list[float]] = {}

    def add(self, name: str, seconds: float) -> None:
        with self._lock:
            part = self.parts.setdefault(name, [0.0, 0])
            part[0] += seconds
            part[1] += 1

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.add(name, time.perf_counter() - t0)
        return timed

    def snapshot(self, reset: bool) -> dict[str, dict[str, float]]:
        with self._lock:
            out = {k: {"seconds": round(v[0], 6), "calls": v[1]} for k, v in self.parts.items()}
            if reset:
                self.parts.clear()
        return out


def _instrument(app: FastAPI, timings: Timings) -> None:
    """Time the audited read's parts on the live ledger (after the lifespan built it)."""
    ledger = app.state.ledger
    cl = ledger.app
    cl._load = timings.wrap("load", cl._load)
    cl.guard.authorised = timings.wrap("authorise (decide + record save + chain)", cl.guard.authorised)
    cl.save = timings.wrap("save (record, incl. after_save hooks)", cl.save)
    cl.recorder.insert_events = timings.wrap("recorder.insert_events (the record's transaction)",
                                             cl.recorder.insert_events)
    cl.after_save[:] = [timings.wrap(f"after_save: {getattr(h, '__qualname__', h)}", h) for h in cl.after_save]
    ledger.chain.head = timings.wrap("chain.head", ledger.chain.head)
    ledger.chain.recorder.select_notifications = timings.wrap(
        "recorder.select_notifications (chain pages and the views follower)", ledger.chain.recorder.select_notifications)
    ledger.users.authenticate = timings.wrap("users.authenticate", ledger.users.authenticate)


def create_app(settings: Settings | None = None) -> FastAPI:
    app = create_service(settings)
    timings = Timings() if os.environ.get("LEDGER_BENCH_TIMING") == "1" else None

    @app.get(UNAUDITED, include_in_schema=False)
    def household_unaudited(request: Request, who: CallerDep, household_id: HouseholdId,
                            emergency_reason: EmergencyReason = None) -> JSONResponse:
        cl = ledger_of(request).app
        h: Household = cl._load(household_id)
        decision = decide(who.actor, "read_household", h, ALL_CATEGORIES, who.actor.purpose, on=cl.today(),
                          emergency_reason=reason_text(emergency_reason))
        if not decision.allowed:
            raise AccessDeniedError(decision.reason)
        return JSONResponse(household_view(h), headers={"ETag": f'"{h.version}"'})

    if timings is not None:
        lifespan = app.router.lifespan_context

        @asynccontextmanager
        async def timed_lifespan(a: FastAPI) -> Any:
            async with lifespan(a) as state:
                _instrument(a, timings)
                yield state

        app.router.lifespan_context = timed_lifespan

        @app.middleware("http")
        async def timed_request(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
            t0 = time.perf_counter()
            response = await call_next(request)
            route = request.scope.get("route")
            timings.add(f"request {getattr(route, 'path', '?')}", time.perf_counter() - t0)
            return response

        @app.get("/bench/timings", include_in_schema=False)
        def bench_timings(reset: Annotated[bool, Query()] = False) -> dict[str, Any]:
            return timings.snapshot(reset)

    return app
