"""The API's table of contents: the app factory and its routers.

The lifespan builds the ledger through the composition root; nothing is built at
import time. Case resources (``/v1/households`` ...) arrive with the API issue.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version

from fastapi import FastAPI

from ledger.bootstrap import Ledger, build
from ledger.config import Settings

API_VERSION = "1.0.0"


def create_app(settings: Settings | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ledger: Ledger = build(settings)
        app.state.ledger = ledger
        try:
            yield
        finally:
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
        return {
            "status": "ok",
            "version": version("ledger"),
            "store": "postgresql" if ledger.settings.uses_postgres else "sqlite",
        }

    return app
