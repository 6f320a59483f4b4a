"""The test PostgreSQL server itself: who runs it, and database isolation."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from pathlib import Path

import psycopg
import pytest

from pg_server import PgServer, create_database, drop_database, start_postgres

pytestmark = pytest.mark.postgres


def _server_facts(url: str) -> tuple[Path, int]:
    """The cluster's data directory and the owner of this connection's backend process.

    The backend is looked at while the connection is open: it exits when the connection closes.
    """
    with psycopg.connect(url) as conn:
        data_dir, pid = conn.execute(
            "SELECT current_setting('data_directory'), pg_backend_pid()"
        ).fetchone()
        return Path(data_dir), Path(f"/proc/{pid}").stat().st_uid


def test_server_never_runs_as_root(pg_url: str) -> None:
    data_dir, process_owner = _server_facts(pg_url)
    data_owner = data_dir.stat().st_uid
    if os.geteuid() == 0:
        assert data_owner != 0, "cluster directory is owned by root"
        assert process_owner != 0, "postgres backend runs as root"
    else:
        assert data_owner == os.geteuid()
        assert process_owner == os.geteuid()


def test_fresh_databases_are_independent(pg_server: PgServer, pg_url: str) -> None:
    other_name = f"t_other_{secrets.token_hex(4)}"
    other_url = create_database(pg_server, other_name)
    try:
        with psycopg.connect(pg_url) as conn:
            conn.execute("CREATE TABLE only_here (id int PRIMARY KEY)")
            conn.execute("INSERT INTO only_here VALUES (1)")
        with psycopg.connect(pg_url) as conn:
            assert conn.execute("SELECT count(*) FROM only_here").fetchone() == (1,)
        with psycopg.connect(other_url) as conn:
            assert conn.execute("SELECT to_regclass('only_here')").fetchone() == (None,)
    finally:
        drop_database(pg_server, other_name)


@pytest.mark.parametrize("parent_mode", [0o755, 0o700], ids=["open_parent", "locked_parent"])
def test_cluster_placement_and_stop(parent_mode: int) -> None:
    """A base dir the server user can reach holds the cluster; one behind a 0700
    parent (like /root, or pytest's own temp root) makes the cluster go into a
    fresh temp dir instead. Either way the server works and stop() cleans up."""
    parent = Path(tempfile.mkdtemp(prefix="pgtest-parent-"))
    try:
        parent.chmod(parent_mode)
        base_dir = parent / "base"
        server = start_postgres(base_dir)
        try:
            data_dir, _pid = _server_facts(server.url)
            assert data_dir == server.data_dir
            falls_back = os.geteuid() == 0 and parent_mode == 0o700
            assert data_dir.is_relative_to(base_dir) != falls_back, data_dir
        finally:
            server.stop()
        assert not server.data_dir.exists()
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(server.url, connect_timeout=2)
    finally:
        shutil.rmtree(parent, ignore_errors=True)
