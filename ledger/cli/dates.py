"""Date and time options, parsed once for both halves of the CLI (no ledger internals: the remote half uses it too).

Each half reports a bad value its own way (the operator half as one error line, the remote half as a
usage error); the parsing and the wording are here.
"""

from __future__ import annotations

from datetime import date, datetime

__all__ = ["parse_date", "parse_moment"]


def parse_date(value: str | None, option: str = "--on") -> date | None:
    """``2026-03-01`` as a date; ``None`` stays ``None``. A bad value raises ``ValueError`` naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{option} must be a date like 2026-03-01") from None


def parse_moment(value: str | None, option: str) -> datetime | None:
    """An ISO 8601 time with its offset; ``None`` stays ``None``. A bad or zone-less value raises ``ValueError``."""
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{option} must be a time like 2026-03-01T09:00+01:00") from None
    if at.tzinfo is None:
        raise ValueError(f"{option} needs a time zone, e.g. 2026-03-01T09:00+01:00")
    return at
