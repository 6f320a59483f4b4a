"""The API's table of contents: the app factory and its routers.

The lifespan builds the ledger through the composition root and, unless
``LEDGER_PROJECTIONS=external``, follows the ledger into the views in a thread;
nothing is built at import time. Case resources (``/v1/households`` ...) arrive with the API issue.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import threading
from importlib.metadata import version

import structlog
from fastapi import FastAPI

from ledger.bootstrap import Ledger, build
from ledger.config import Settings
from ledger.projections import Runner, open_views

API_VERSION = "1.0.0"

log = structlog.get_logger("ledger.api")


def _follow(views: Runner, stop: threading.Event) -> None:
    """Keep the views up to date inside the service; after a failure, log it and start again."""
    while not stop.is_set():
        try:
            views.run(stop)
        except Exception as e:  # noqa: BLE001 - the views lag, the ledger is unaffected; say so without data
            log.error("views_follower_failed", error_type=type(e).__name__)
            stop.wait(1.0)


def create_app(settings: Settings | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ledger: Ledger = build(settings)
        app.state.ledger = ledger
        views = open_views(ledger)
        app.state.views = views
        stop = threading.Event()
        follower = None
        if ledger.settings.projections == "in_service":
            follower = threading.Thread(target=_follow, args=(views, stop), name="ledger-views", daemon=True)
            follower.start()
        try:
            yield
        finally:
            stop.set()
            if follower is not None:
                follower.join(timeout=10)
            ledger.close()

    app = FastAPI(
        title="ledger",
        version=API_VERSION,
        summary="Event-sourced case ledger with an audit trail",
        openapi_url="/v1/openapi.json",
        docs_url="/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )

    @app.get("/v1/health", tags=["service"])
    def health() -> dict[str, str]:
        """The service runs and which store it uses (no case data)."""
        ledger: Ledger = app.state.ledger
        views = app.state.views
        return {
            "status": "ok",
            "version": version("ledger"),
            "store": "postgresql" if ledger.settings.uses_postgres else "sqlite",
            "ledger_position": views.head(),
            "views_position": views.position(),
        }

    return app
