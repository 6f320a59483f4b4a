"""The HTTP API (FastAPI). Routers arrive with the API issue; ``main`` is its table of contents."""

from .main import create_app

__all__ = ["create_app"]
