"""Where a benchmark runs: a SQLite data directory, or a database on a private PostgreSQL.

PostgreSQL comes from the test suite's own helper (``tests/pg_server.py``): a throwaway
server started from ``/usr/lib/postgresql/15/bin`` as an unprivileged user, with
``fsync=off`` and ``synchronous_commit=off``. The ledger and every reference use the
same server, so ratios compare like with like; absolute numbers are those of a server
that does not wait for the disk (as on SQLite, where WAL commits do wait for it).

The plain references talk to the database with its own driver (``sqlite3`` or
``psycopg``), with no ORM and no library in between: that is "the machine's limit".
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg

from ledger.config import Settings

ROOT = Path(__file__).resolve().parents[1]

__all__ = ["Backend", "PostgresServer", "ROOT"]


class PostgresServer:
    """One private PostgreSQL server for the whole bench run (started on first use)."""

    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir
        self._server: Any = None

    def database(self, name: str) -> str:
        if str(ROOT / "tests") not in sys.path:
            sys.path.insert(0, str(ROOT / "tests"))
        from pg_server import create_database, start_postgres  # the tests' helper, reused

        if self._server is None:
            self._server = start_postgres(self.base_dir)
        return create_database(self._server, name)

    def version(self) -> str | None:
        if self._server is None:
            return None
        with psycopg.connect(self._server.url) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return row[0] if row else None

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


@dataclass
class Backend:
    """One store under test, and plain connections to it for the references."""

    name: str  # "sqlite" | "postgres"
    data_dir: Path  # the ledger's data directory (SQLite files, master key, signing key)
    work_dir: Path  # scratch files of the references (SQLite)
    database_url: str | None = None  # PostgreSQL only
    # Raw eventsourcing gets a database of its own on the same server: with database functions
    # enabled, two applications in one schema replace each other's insert function
    # (``es_insert_events_uuid``), and the ledger's events would land in the other's table.
    raw_database_url: str | None = None
    _open: list[Any] = field(default_factory=list, repr=False)

    @property
    def is_postgres(self) -> bool:
        return self.name == "postgres"

    def settings(self, **overrides: Any) -> Settings:
        return Settings(data_dir=self.data_dir, database_url=self.database_url, log_level="warning", **overrides)

    def child_env(self) -> dict[str, str]:
        """LEDGER_* variables that make a child process open this same store."""
        env = {"LEDGER_DATA_DIR": str(self.data_dir), "LEDGER_LOG_LEVEL": "warning"}
        if self.database_url:
            env["LEDGER_DATABASE_URL"] = self.database_url
        return env

    # -------------------------------------------------------- the ledger's tables
    @property
    def events_table(self) -> str:
        return "ledger_events" if self.is_postgres else "stored_events"

    @property
    def snapshots_table(self) -> str:
        return "ledger_snapshots" if self.is_postgres else "stored_snapshots"

    @property
    def position_column(self) -> str:
        """The notification id: a bigserial on PostgreSQL, the rowid on SQLite."""
        return "notification_id" if self.is_postgres else "rowid"

    def oid(self, household_id: UUID) -> Any:
        """An originator id as the store keeps it (SQLite: 32 hex digits; PostgreSQL: uuid)."""
        return household_id if self.is_postgres else household_id.hex

    def uuid(self, stored: Any) -> UUID:
        return stored if isinstance(stored, UUID) else UUID(stored)

    # -------------------------------------------------------- plain connections
    def connect(self, sqlite_file: Path | None = None) -> Any:
        """A plain DB-API connection: to the ledger's store, or (SQLite) another file.

        Autocommit; callers open their own transactions (:meth:`transaction`).
        """
        if self.is_postgres:
            assert self.database_url is not None
            conn: Any = psycopg.connect(self.database_url, autocommit=True)
        else:
            path = sqlite_file or self.data_dir / "ledger.sqlite"
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")  # as eventsourcing's recorder sets it
            conn.execute("PRAGMA busy_timeout=10000")
        self._open.append(conn)
        return conn

    def sql(self, statement: str) -> str:
        """Statements are written with ``%s``; SQLite's driver wants ``?``."""
        return statement if self.is_postgres else statement.replace("%s", "?")

    def execute(self, conn: Any, statement: str, params: Sequence[Any] = ()) -> Any:
        return conn.execute(self.sql(statement), params)

    @contextmanager
    def transaction(self, conn: Any) -> Iterator[Any]:
        if self.is_postgres:
            with conn.transaction():
                yield conn
        else:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        for conn in self._open:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - closing at the end of a run, best effort
                pass
        self._open.clear()
