"""The data subject's rights and the privacy officer's resources: access requests, export, holds, erasure, access log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, Literal

from ._http import Http
from .values import Written, _clean, _seg

__all__ = ["PrivacyRequests"]


class PrivacyRequests(Http):
    """What the privacy officer (and for an erasure, the municipality's admin) asks of the service."""

    def household_access_log(self, household_id: str, *, page_size: int | None = None) -> Iterator[dict[str, Any]]:
        """Who accessed this household, oldest first (privacy officer)."""
        return self._pages(f"/households/{_seg(household_id)}/access-log", None, page_size)

    def record_access_request(self, household_id: str, *, requester: str = "data_subject",
                              identity_check: str, received_on: date | str | None = None) -> str:
        """Record a data subject's access request (the municipality's privacy officer); returns its id."""
        body = _clean({"requester": requester, "identity_check": identity_check, "received_on": received_on})
        return str(self._request("POST", f"/households/{_seg(household_id)}/access-requests", body=body,
                                 retry=False).json()["request_id"])

    def export_household(self, household_id: str, access_request: str) -> dict[str, Any]:
        """Answer a recorded access request (AVG art. 15): their data and every access to it (privacy officer)."""
        return self._get(f"/households/{_seg(household_id)}/export", accessRequest=access_request)

    def place_retention_hold(self, household_id: str, version: int, law: str, until: date | str, *,
                             on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        return self._command(household_id, "retention-holds", version, idempotency_key, law=law, until=until, on=on)

    def request_erasure(self, household_id: str, version: int, reason: str = "data_subject_request", *,
                        on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        """The municipality's privacy officer requests erasure; another person (its admin) executes it."""
        return self._command(household_id, "erasure-requests", version, idempotency_key, reason=reason, on=on)

    def erase_household(self, household_id: str, version: int, reason: str = "data_subject_request", *,
              on: date | str | None = None, idempotency_key: str | None = None) -> Written:
        """Erase a closed household (the municipality's admin, on a recorded request): its data key is destroyed."""
        return self._command(household_id, "erasure", version, idempotency_key, reason=reason, on=on)

    def access_log(self, *, household_id: str | None = None, user_id: str | None = None,
                   day: date | str | None = None, category: str | None = None,
                   since: datetime | str | None = None, until: datetime | str | None = None,
                   page_size: int | None = None) -> Iterator[dict[str, Any]]:
        """Access records, oldest first, by any NEN 7513 view (privacy officer)."""
        return self._pages("/access-log", {"householdId": household_id, "userId": user_id, "day": day,
                                           "category": category, "since": since, "until": until}, page_size)

    def emergencies(self, *, page_size: int | None = None) -> list[dict[str, Any]]:
        """Emergency (break-the-glass) accesses not reviewed yet, oldest first, every page (privacy officer).

        Each with its stated reason; showing it is recorded (``read_access_review``) page by page.
        """
        return list(self._pages("/access-log", {"awaitingReview": "true"}, page_size))

    def access_record(self, record_id: str) -> dict[str, Any]:
        """One access record for review: the stated reason, reader, categories and relations then (privacy officer).

        Showing it is itself recorded (``read_access_review``).
        """
        return self._get(f"/access-log/{_seg(record_id)}")

    def review_emergency(self, record_id: str, verdict: Literal["justified", "unjustified"]) -> dict[str, Any]:
        """The privacy officer's verdict on one emergency access."""
        return self._request("POST", f"/access-log/{_seg(record_id)}/review", body={"verdict": verdict},
                             retry=False).json()
