"""Plain, JSON-ready views of households and events, shared by the CLI and the API.

Personal values are shown here (this is the case view, for those allowed to
see it); erased ones read ``null``.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from ledger.aggregates import Household, Personal

__all__ = ["event_view", "household_view", "plain"]

_SKIP_EVENT_FIELDS = {"originator_id", "originator_version", "timestamp", "originator_topic", "actor"}


def plain(obj: Any) -> Any:
    """Turn domain values into JSON-ready ones."""
    if isinstance(obj, Personal):
        return obj.value
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, (datetime, date)):
        return obj.isoformat()
    if isinstance(obj, (UUID, Decimal)):
        return str(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted(plain(v) for v in obj)
    return obj


def household_view(h: Household) -> dict[str, Any]:
    state = {k: v for k, v in vars(h).items() if not k.startswith("_")}
    return {
        "id": str(h.id),
        "version": h.version,
        "phase": h.phase,
        "erased": h.is_erased,
        "created_on": h.created_on.isoformat(),
        "modified_on": h.modified_on.isoformat(),
        **plain(state),
    }


def event_view(e: Any) -> dict[str, Any]:
    actor = getattr(e, "actor", None)
    return {
        "version": e.originator_version,
        "type": type(e).__name__,
        "recorded_at": e.timestamp.isoformat(),
        "actor": plain(actor),
        "data": {k: plain(v) for k, v in vars(e).items() if k not in _SKIP_EVENT_FIELDS},
    }
