from __future__ import annotations

import re
import secrets
import warnings
from collections.abc import Iterator

import pytest

from pg_server import PgServer, create_database, drop_database, start_postgres

# --- real PostgreSQL, started by the test run itself ---
# One server per test session (tests/pg_server.py); each test that asks for
# `pg_url` gets its own empty database on it. No PostgreSQL installed = error.


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgServer]:
    server = start_postgres(tmp_path_factory.mktemp("pg"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """URL of a fresh, empty database for this test only."""
    slug = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:40]
    name = f"t_{slug}_{secrets.token_hex(4)}"
    url = create_database(pg_server, name)
    yield url
    try:
        drop_database(pg_server, name)
    except Exception as exc:  # best effort: the whole server goes at session end
        warnings.warn(f"could not drop test database {name}: {exc}", stacklevel=1)
