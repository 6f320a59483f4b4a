"""Set queries the library's recorders lack, in one statement each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

__all__ = ["existing_households"]


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
