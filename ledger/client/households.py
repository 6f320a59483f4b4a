"""The household resources: referral and the reads of one household or the caseload."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from ._http import Http
from .values import Member, Written, _plain, _seg, _version_of

__all__ = ["HouseholdRequests"]


class HouseholdRequests(Http):
    """``/households``: refer, list, and read one household (state, events, plan, involved)."""

    def refer_household(self, sources: Sequence[str], members: Iterable[Member | Mapping[str, Any]],
              address: str | None = None, reason: str | None = None, on: date | str | None = None,
              idempotency_key: str | None = None, addressed_to: str | None = None,
              relations: Iterable[Mapping[str, str]] | None = None, composition: str | None = None) -> Written:
        """Refer a new household (version 1). ``members``: :class:`Member` or dicts with the same keys.

        ``addressed_to``: the organisation whose intake team takes it (default: the municipality's).
        ``relations``: ``{"member": "m1", "relation": "mother_of", "to_member": "m2"}`` (members m1, m2, ... in
        order); ``composition``: a category that overrides the one derived from them.
        A member's BSN that names a household you may write adds the referral there instead:
        ``already_known`` is then true and ``household_id`` is the known household.
        """
        return self._write("/households", None, {"sources": list(sources), "members": [_plain(m) for m in members],
                                                 "address": address, "reason": reason, "on": on,
                                                 "addressed_to": addressed_to, "composition": composition,
                                                 "relations": list(relations) if relations is not None else None},
                           idempotency_key)

    def caseload(self, phase: str | None = None, *, page_size: int | None = None) -> Iterator[dict[str, Any]]:
        """The households this user may see (id, version, phase, referred_on, case_director, erased)."""
        return self._pages("/households", {"phase": phase}, page_size)

    def household(self, household_id: str, as_of: date | str | None = None, *, known_at: int | datetime | str | None = None,
                  emergency_reason: str | None = None) -> tuple[dict[str, Any], int]:
        """The household's state and its version: now, or on business date ``as_of`` as known at ``known_at``
        (a ledger position or an aware moment). An as-of answer names both times (``as_of``, ``known_at``)."""
        response = self._request("GET", f"/households/{_seg(household_id)}", params=_times(as_of, known_at),
                                 headers=self._emergency(emergency_reason))
        state = response.json()
        version = _version_of(response.headers.get("etag"))
        return state, version if version is not None else int(state["version"])

    def events(self, household_id: str, *, known_at: int | datetime | str | None = None,
               emergency_reason: str | None = None, page_size: int | None = None) -> Iterator[dict[str, Any]]:
        """Every event of the household, oldest first (version, type, recorded_at, actor, data); with ``known_at``
        only those the ledger had recorded by then."""
        return self._pages(f"/households/{_seg(household_id)}/events", _times(None, known_at) or None, page_size,
                           self._emergency(emergency_reason))

    def plan(self, household_id: str, min_position: int = 0, *, as_of: date | str | None = None,
             known_at: int | datetime | str | None = None, emergency_reason: str | None = None) -> dict[str, Any]:
        """The plan (view): now (pass your last write's ``position`` to read your own writes), or on ``as_of`` as
        known at ``known_at``."""
        params: dict[str, Any] = {"minPosition": min_position, **_times(as_of, known_at)}
        return self._request("GET", f"/households/{_seg(household_id)}/plan", params=params,
                             headers=self._emergency(emergency_reason)).json()

    def involved_parties(self, household_id: str, min_position: int = 0, *, as_of: date | str | None = None,
                         known_at: int | datetime | str | None = None,
                         emergency_reason: str | None = None) -> dict[str, Any]:
        """Who else works with this household (view): now and before, or on ``as_of`` as known at ``known_at``."""
        params: dict[str, Any] = {"minPosition": min_position, **_times(as_of, known_at)}
        return self._request("GET", f"/households/{_seg(household_id)}/involved-parties",
                             params=params, headers=self._emergency(emergency_reason)).json()


def _times(as_of: date | str | None, known_at: int | datetime | str | None) -> dict[str, str]:
    """The two times as query parameters (left out when not given)."""
    out = {}
    if as_of is not None:
        out["asOf"] = as_of.isoformat() if isinstance(as_of, date) else str(as_of)
    if known_at is not None:
        out["knownAt"] = known_at.isoformat() if isinstance(known_at, datetime) else str(known_at)
    return out
