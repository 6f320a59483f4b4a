"""The household resources: referral and the reads of one household or the caseload."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from ._http import Http
from .values import Member, Written, _plain, _seg, _version_of

__all__ = ["HouseholdRequests"]


class HouseholdRequests(Http):
    """``/households``: refer, list, and read one household (state, events, plan, involved)."""

    def refer_household(self, sources: Sequence[str], members: Iterable[Member | Mapping[str, Any]],
              address: str | None = None, reason: str | None = None, on: date | str | None = None,
              idempotency_key: str | None = None, addressed_to: str | None = None) -> Written:
        """Refer a new household (version 1). ``members``: :class:`Member` or dicts with the same keys.

        ``addressed_to``: the organisation whose intake team takes it (default: the municipality's).
        """
        return self._write("/households", None, {"sources": list(sources), "members": [_plain(m) for m in members],
                                                 "address": address, "reason": reason, "on": on,
                                                 "addressed_to": addressed_to}, idempotency_key)

    def caseload(self, phase: str | None = None, *, page_size: int | None = None) -> Iterator[dict[str, Any]]:
        """The households this user may see (id, version, phase, referred_on, case_director, erased)."""
        return self._pages("/households", {"phase": phase}, page_size)

    def household(self, household_id: str, as_of: date | str | None = None, *,
                  emergency_reason: str | None = None) -> tuple[dict[str, Any], int]:
        """The household's state (or as it was at the end of ``as_of``) and its current version."""
        response = self._request("GET", f"/households/{_seg(household_id)}", params={"asOf": as_of},
                                 headers=self._emergency(emergency_reason))
        state = response.json()
        version = _version_of(response.headers.get("etag"))
        return state, version if version is not None else int(state["version"])

    def events(self, household_id: str, *, emergency_reason: str | None = None,
               page_size: int | None = None) -> Iterator[dict[str, Any]]:
        """Every event of the household, oldest first (version, type, recorded_at, actor, data)."""
        return self._pages(f"/households/{_seg(household_id)}/events", None, page_size,
                           self._emergency(emergency_reason))

    def plan(self, household_id: str, min_position: int = 0, *, emergency_reason: str | None = None) -> dict[str, Any]:
        """The current plan (view). Pass your last write's ``position`` to read your own writes."""
        return self._request("GET", f"/households/{_seg(household_id)}/plan", params={"minPosition": min_position},
                             headers=self._emergency(emergency_reason)).json()

    def involved_parties(self, household_id: str, min_position: int = 0, *,
                         emergency_reason: str | None = None) -> dict[str, Any]:
        """Who else works with this household, now and before (view)."""
        return self._request("GET", f"/households/{_seg(household_id)}/involved-parties",
                             params={"minPosition": min_position}, headers=self._emergency(emergency_reason)).json()
