"""Knowledge time: parse and resolve ``known_at`` to a ledger position; bring the report's views there.

``known_at`` is a ledger position (an int) or a timezone-aware moment; a moment resolves to the
last household event recorded at or before it (``fact_events.at``: access records between
change no figure). Default: the signed digest's position. A position beyond the digest's is
refused (``InvalidInputError``): the report never claims knowledge its digest does not cover.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ledger.aggregates import errors
from .caseloads import Caseloads
from .evaluation_facts import EvaluationFacts, fact_events

__all__ = ["VIEWS", "KnownAt", "known_at_of", "parse_known_at", "reached"]

VIEWS = (EvaluationFacts.name, Caseloads.name)  # what the report reads


@dataclass(frozen=True)
class KnownAt:
    position: int
    at: datetime | None  # when the last household event at or before ``position`` was recorded

    def to_json(self) -> dict[str, Any]:
        return {"position": self.position, "at": self.at.isoformat() if self.at else None}


def parse_known_at(text: str | int | datetime | None) -> int | datetime | None:
    """``knownAt`` as given over HTTP or the CLI: a ledger position (digits) or an RFC 3339 moment with offset."""
    if text is None or isinstance(text, (int, datetime)):
        return text
    text = text.strip()
    if text.isascii() and text.isdigit():  # "¹" is a digit to str.isdigit, not to int()
        return int(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise errors.InvalidInputError(
            # never echo the value: people paste names into fields
            f"knownAt {errors.shown(text)} is neither a ledger position nor an RFC 3339 moment with offset.") from None
    if moment.tzinfo is None:
        raise errors.InvalidInputError("knownAt as a moment needs a UTC offset (RFC 3339).")
    return moment


def known_at_of(conn: sa.Connection, known_at: int | datetime | None, head: int) -> KnownAt:
    """The position ``known_at`` names (``head``, the digest's, when None) and its recording time."""
    e = fact_events
    if known_at is None:
        position = head
    elif isinstance(known_at, datetime):
        if known_at.tzinfo is None:
            raise errors.InvalidInputError("knownAt as a moment needs a UTC offset (RFC 3339).")
        found = conn.execute(sa.select(sa.func.max(e.c.position)).where(e.c.at <= known_at)).scalar_one_or_none()
        position = min(found or 0, head)
    else:
        if known_at < 0:
            raise errors.InvalidInputError("knownAt is a ledger position (0 or more) or an RFC 3339 moment.")
        if known_at > head:
            raise errors.InvalidInputError(
                f"knownAt {known_at} lies beyond the ledger's signed position {head}: the ledger does not know it yet.")
        position = known_at
    at = conn.execute(sa.select(e.c.at).where(e.c.position <= position).order_by(e.c.position.desc())
                      .limit(1)).scalar_one_or_none()
    if at is not None and at.tzinfo is None:  # SQLite keeps no offset: the runner stores UTC
        at = at.replace(tzinfo=UTC)
    return KnownAt(position, at)


def reached(runner: Any, position: int, wait_seconds: float = 5.0) -> bool:
    """Whether the report's views have applied ``position``: after a short wait, the report catches them up
    itself (the follower's own work, under the same per-view locks); False when a view stays behind."""
    if runner.wait_for(position, timeout=0.05, views=VIEWS):
        return True
    runner.catch_up()
    return bool(runner.wait_for(position, timeout=wait_seconds, views=VIEWS))
