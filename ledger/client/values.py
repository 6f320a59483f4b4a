"""What the client sends and returns: :class:`Member`, :class:`Written`, and the JSON and path helpers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

__all__ = ["Member", "Written"]


@dataclass(frozen=True, slots=True)
class Written:
    """What a write returns: the household, its new version, the ledger position, a created item's id."""

    household_id: str
    version: int
    position: int
    item_id: str | None = None
    already_known: bool = False  # a referral: the household was known to you, the referral added to it
    consent: dict[str, Any] | None = None  # a consent's answer: the consent as stored (ConsentResult)


@dataclass(frozen=True, slots=True)
class Member:
    """A household member in a referral (personal data: sent, never logged or shown in errors)."""

    role: str  # adult or child
    name: str
    bsn: str | None = None
    birth_date: date | str | None = None
    phone: str | None = None
    email: str | None = None


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return _clean(asdict(value))
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    return value


def _clean(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON body: dates as ISO strings, and fields left at None not sent (the API's default)."""
    return {k: _plain(v) for k, v in fields.items() if v is not None}


def _seg(value: str) -> str:
    """One path segment, escaped (an id can never reach another route)."""
    return quote(str(value), safe="")


def _version_of(etag: str | None) -> int | None:
    if not etag:
        return None
    value = etag.strip().removeprefix("W/").strip('"')
    return int(value) if value.isdigit() else None
