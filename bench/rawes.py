"""Raw ``eventsourcing``: the library alone, with the same events in plain form.

The reference for the command path. An ordinary ``Application`` with an ordinary
``Aggregate`` (``Case``) whose events carry the same fields and values as the ledger's
household events, decoded and in the clear (no sealing), and a one-event ``Access``
aggregate per command carrying the same fields as the ledger's access record. Each
reference command does what the library does for any command: load the aggregate
(latest snapshot plus later events), trigger one event, save it together with the
access record in one transaction, and take a snapshot every 50 versions, like the
ledger. What it leaves out is what the ledger adds: the access policy, the business
rules, the sealing with the household's key, and the hash chain.
"""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from ledger.bootstrap import _postgres_env

from .backends import Backend

__all__ = ["Access", "Case", "RawApp", "raw_app"]


class Case(Aggregate):
    def __init__(self, kind: str, data: dict[str, Any]) -> None:
        self.items: dict[str, Any] = {"1": {"kind": kind, "data": data}}

    @event("Recorded")
    def record(self, kind: str, data: dict[str, Any]) -> None:
        self.items[str(len(self.items) + 1)] = {"kind": kind, "data": data}


class Access(Aggregate):
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data


class RawApp(Application[UUID]):
    name = "BenchRaw"  # PostgreSQL: tables benchraw_events, benchraw_snapshots in a database of their own
    snapshotting_intervals: ClassVar = {Case: 50}


def raw_app(backend: Backend) -> RawApp:
    if backend.is_postgres:
        assert backend.raw_database_url is not None
        env = _postgres_env(backend.raw_database_url)
    else:
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(backend.work_dir / "raw.sqlite"),
               "SQLITE_LOCK_TIMEOUT": "10"}
    env["IS_SNAPSHOTTING_ENABLED"] = "y"
    return RawApp(env)
