"""The evaluation series' response body: the report's headline figures at a series of dates (issue 14 item 3).

Each point is what the evaluation report as of its date shows (``report.py``: the same cells, the
same disclosure marks); a point whose cohort is too small is withheld as a whole.
"""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, Field

from .base import Out
from .report import Cell, DateNamedCell, Figure, PhasesOut, ReportKnownAtOut, ReportPeriodOut, TextMoment

__all__ = ["EvaluationSeriesOut"]


class SeriesRequestedOut(Out):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: date = Field(alias="from")
    to: date | None
    every: str
    known_at: int | TextMoment | None = Field(None, description="As asked: a ledger position or an RFC 3339 moment.")
    min_cell: int | None


class SeriesLedgerOut(Out):
    position: int
    head: str
    signed_at: TextMoment
    public_key: str
    signature: str


class SeriesCaseloadsOut(Out):
    households: Cell
    directors: int
    median: Figure


class SeriesZrmDomainOut(Out):
    compared: Cell
    up: Cell
    same: Cell
    down: Cell


class SeriesInvolvementOut(Out):
    households: Cell
    professionals: DateNamedCell = Field(description="Involved on the date (the report's at_report_date).")
    volunteers: DateNamedCell


class SeriesActionsOut(Out):
    open: Cell
    late: Cell


class SeriesFiguresOut(Out):
    households: Cell = Field(description="The cohort: households referred in the point's period.")
    caseloads: SeriesCaseloadsOut
    phases: PhasesOut
    zrm: dict[str, dict[str, SeriesZrmDomainOut]] = Field(description="By instrument version, then life domain.")
    involvement: SeriesInvolvementOut
    plan_actions: SeriesActionsOut


class SeriesPointOut(Out):
    as_of: date
    withheld: str | None = Field(description="cohort-too-small: the report as of this date would be refused, so "
                                             "the point shows nothing; null: shown.")
    period: ReportPeriodOut | None
    last_included_position: int | None
    figures: SeriesFiguresOut | None


class EvaluationSeriesOut(Out):
    """The report's headline figures at month (quarter, year) ends; each point as the report as of that date."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: date = Field(alias="from", description="The first date of the series (a month end).")
    to: date = Field(description="The last date of the series.")
    every: str = Field(description="month, quarter or year.")
    min_cell: int
    requested: SeriesRequestedOut
    known_at: ReportKnownAtOut
    ledger: SeriesLedgerOut = Field(description="The one signed digest the whole series rests on.")
    points: list[SeriesPointOut]
