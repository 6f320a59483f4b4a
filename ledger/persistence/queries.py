"""Set queries the library's recorders lack, in one statement each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from psycopg.sql import SQL, Identifier

__all__ = ["existing_households", "household_notifications"]


def existing_households(recorder: Any, ids: Sequence[UUID]) -> set[UUID]:
    """Which of ``ids`` the store holds already (a first event): one query per call, on the recorder's own connection.

    Bulk import asks this 500 households at a time. Another recorder than the library's SQLite
    and PostgreSQL ones (an in-memory store) is asked once per household.
    """
    if not ids:
        return set()
    table = getattr(recorder, "events_table_name", None)
    datastore = getattr(recorder, "datastore", None)
    if table is None or datastore is None:
        return {hid for hid in ids if recorder.select_events(hid, limit=1)}
    if datastore.__class__.__name__.startswith("Postgres"):
        with datastore.transaction(commit=False) as cur:
            cur.execute(f"SELECT originator_id FROM {table} WHERE originator_id = ANY(%s) "
                        "AND originator_version = 1", (list(ids),))
            return {UUID(str(row["originator_id"])) for row in cur.fetchall()}
    with datastore.transaction(commit=False) as cur:
        cur.execute(f"SELECT originator_id FROM {table} WHERE originator_version = 1 "
                    f"AND originator_id IN ({', '.join('?' * len(ids))})", [hid.hex for hid in ids])
        return {UUID(row[0]) for row in cur.fetchall()}


def household_notifications(recorder: Any, household_id: UUID) -> list[Notification]:
    """One household's stored events with their ledger positions (notification ids), oldest first: one query.

    The as-of reads fold these (:mod:`ledger.application.as_of`), so their cost follows the household's
    own events, not the ledger's size (the primary key is (originator_id, originator_version)).
    """
    table = getattr(recorder, "events_table_name", None)
    datastore = getattr(recorder, "datastore", None)
    if table is None or datastore is None:
        raise NotImplementedError("as-of reads need the SQLite or PostgreSQL recorder")
    if datastore.__class__.__name__.startswith("Postgres"):
        statement = SQL("SELECT notification_id, originator_id, originator_version, topic, state FROM {0}.{1} "
                        "WHERE originator_id = %s ORDER BY originator_version").format(
            Identifier(datastore.schema), Identifier(table))
        with datastore.transaction(commit=False) as cur:
            cur.execute(statement, (household_id,))
            rows = [(r["notification_id"], r["originator_id"], r["originator_version"], r["topic"], bytes(r["state"]))
                    for r in cur.fetchall()]
    else:
        with datastore.transaction(commit=False) as cur:
            cur.execute(f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} "
                        "WHERE originator_id = ? ORDER BY originator_version", (household_id.hex,))
            rows = [(r[0], UUID(r[1]), r[2], r[3], bytes(r[4])) for r in cur.fetchall()]
    return [Notification(id=nid, originator_id=oid if isinstance(oid, UUID) else UUID(str(oid)),
                         originator_version=version, topic=topic, state=state)
            for nid, oid, version, topic, state in rows]
