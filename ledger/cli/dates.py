"""Date and time options, parsed once for both halves of the CLI (no ledger internals: the remote half uses it too).

Each half reports a bad value its own way (the operator half as one error line, the remote half as a
usage error); the parsing and the wording are here.
"""

from __future__ import annotations

from datetime import date, datetime

__all__ = ["AS_OF_HELP", "KNOWN_AT_HELP", "parse_as_of", "parse_date", "parse_known_at", "parse_moment"]

AS_OF_HELP = "Business date (YYYY-MM-DD): what was true on that day, by the dates the events carry (default today)."
KNOWN_AT_HELP = ("Knowledge time: a ledger position, or a time with its offset (2026-03-01T09:00+01:00: the last "
                 "position recorded by then). Only what the ledger had recorded by then counts (default: now).")


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


def parse_known_at(value: str | None, option: str = "--known-at") -> int | datetime | None:
    """``--known-at``: a ledger position (digits) or an ISO 8601 time with its offset; ``None`` stays ``None``."""
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    try:
        return parse_moment(value, option)
    except ValueError:
        raise ValueError(f"{option} must be a ledger position like 1200 or a time like 2026-03-01T09:00+01:00") from None


def parse_as_of(value: str | None, option: str = "--as-of") -> date | None:
    """``--as-of``: a business date; a time (its meaning before issue 14) is refused, naming ``--known-at``."""
    if value is not None and len(value) > 10:
        raise ValueError(f"{option} is a business date now (like 2026-03-01); to see what the ledger had recorded "
                         "by a moment, pass --known-at (a ledger position or a time with its offset)")
    return parse_date(value, option)
