"""Reads across households: caseloads, the evaluation report and its series (pseudonymous aggregates)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ._http import Http

__all__ = ["ReportRequests"]


class ReportRequests(Http):
    """``/caseloads`` and ``/reports``: figures, no case content."""

    def caseloads(self, on: date | str | None = None, by: Literal["director", "organisation"] = "director", *,
                  min_position: int = 0, known_at: int | datetime | str | None = None) -> list[dict[str, Any]]:
        """Active households by phase, per case director or per organisation (no case content), on ``on``
        (business time, ``asOf``) as known at ``known_at`` (a ledger position or an RFC 3339 moment)."""
        return self._get("/caseloads", asOf=on, by=by, minPosition=min_position, knownAt=_known(known_at))

    def evaluation_report(self, *, from_: date | str | None = None, to: date | str | None = None,
                          as_of: date | str | None = None, known_at: int | datetime | str | None = None,
                          min_cell: int | None = None, timeout: float | None = None) -> dict[str, Any]:
        """The evaluation report as JSON (pseudonymous aggregates), replayed as of ``as_of`` (default today).

        ``from_``/``to`` bound the referral dates counted (widened to whole blocks of months);
        ``min_cell`` raises the service's minimum cell size, never lowers it (docs/evaluation.md).
        ``timeout``: seconds to wait for it (default the client's, else 10 minutes); never re-sent after.
        """
        return self._request("GET", "/reports/evaluation", long=True, timeout=timeout, params={
            "from": from_, "to": to, "asOf": as_of, "knownAt": _known(known_at), "minCell": min_cell}).json()

    def evaluation_report_document(self, format: Literal["html", "csv", "json"] = "html", *,  # noqa: A002 - the API's query parameter name
                                   from_: date | str | None = None, to: date | str | None = None,
                                   as_of: date | str | None = None, lang: Literal["nl", "en"] = "nl",
                                   min_cell: int | None = None, known_at: int | datetime | str | None = None,
                                   timeout: float | None = None) -> str:
        """The evaluation report as a document: self-contained HTML, CSV, or the JSON text (``timeout`` as above).

        Each is its own operation: ``/reports/evaluation.html``, ``.csv``, and the JSON ``/reports/evaluation``.
        """
        params: dict[str, Any] = {"from": from_, "to": to, "asOf": as_of, "knownAt": _known(known_at),
                                  "minCell": min_cell}
        if format != "json":
            params["lang"] = lang
        return self._request("GET", "/reports/evaluation" + _suffix(format), long=True, timeout=timeout,
                             params=params).text

    def evaluation_series(self, *, from_: date | str, to: date | str | None = None,
                          every: Literal["month", "quarter", "year"] = "month",
                          known_at: int | datetime | str | None = None,
                          min_cell: int | None = None, timeout: float | None = None) -> dict[str, Any]:
        """The report's headline figures at every month (quarter, year) end from ``from_`` to ``to`` (JSON).

        One request, one access record, one digest; each point is the report as of its date
        (disclosure control per point; a point with too few households is withheld).
        """
        return self._request("GET", "/reports/evaluation/series", long=True, timeout=timeout, params={
            "from": from_, "to": to, "every": every, "knownAt": _known(known_at), "minCell": min_cell}).json()

    def evaluation_series_document(self, format: Literal["html", "csv", "json"] = "html", *,  # noqa: A002 - the API's query parameter name
                                   from_: date | str, to: date | str | None = None,
                                   every: Literal["month", "quarter", "year"] = "month",
                                   known_at: int | datetime | str | None = None,
                                   lang: Literal["nl", "en"] = "nl", min_cell: int | None = None,
                                   timeout: float | None = None) -> str:
        """The series as a document: a self-contained HTML page of trend charts, CSV, or the JSON text."""
        params: dict[str, Any] = {"from": from_, "to": to, "every": every, "knownAt": _known(known_at),
                                  "minCell": min_cell}
        if format != "json":
            params["lang"] = lang
        return self._request("GET", "/reports/evaluation/series" + _suffix(format), long=True, timeout=timeout,
                             params=params).text


def _suffix(format: str) -> str:  # noqa: A002 - the documents' own word
    """The operation of a representation: ``.html`` or ``.csv`` after the resource; JSON is the resource itself."""
    if format not in ("html", "csv", "json"):
        raise ValueError(f"format must be html, csv or json, not {format!r}")
    return "" if format == "json" else f".{format}"


def _known(known_at: int | datetime | str | None) -> str | None:
    """``knownAt`` as the API reads it: a position, or an RFC 3339 moment."""
    if known_at is None:
        return None
    return known_at.isoformat() if isinstance(known_at, datetime) else str(known_at)
