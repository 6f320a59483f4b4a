"""The evaluation series: the report's headline figures at a series of dates, as JSON or one HTML page with trends."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from ledger.reports import render_series_csv, render_series_html
from ledger.projections.knowledge import parse_known_at
from ledger.reports.series import ACTION as SERIES_ACTION
from ledger.reports.series import MAX_POINTS, evaluation_series

from ..deps import Caller, CallerDep, ledger_of
from ..schemas import EvaluationSeriesOut
from ..single_flight import shared_read
from .common import problem_responses
from .reports import CsvResponse, Lang, MinCell

__all__ = ["router"]

router = APIRouter(prefix="/v1")

_SUMMARY = "The evaluation report's headline figures at every month (quarter, year) end of a period"
ERRORS = problem_responses(403, 503)
SeriesFrom = Annotated[date, Query(alias="from", description="The first date: the series starts at this month's end.")]
SeriesTo = Annotated[date | None, Query(description="The last date (default today); under disclosure control the "
                                                    "last month that is over.")]
Every = Annotated[Literal["month", "quarter", "year"], Query(
    description=f"month (default), quarter or year ends; at most {MAX_POINTS} points.")]
KnownAtText = Annotated[str | None, Query(alias="knownAt", description="Knowledge time: count only what the ledger "
                                          "had recorded by then, a ledger position or an RFC 3339 moment with "
                                          "offset (default: now).")]
JsonOnly = Annotated[Literal["json"] | None, Query(
    alias="format", deprecated=True,
    description="Deprecated: this operation answers JSON only. The page is `GET /reports/evaluation/series.html`, "
                "the table `GET /reports/evaluation/series.csv`; `html` or `csv` here is a 400.")]


async def _series(request: Request, who: Caller, from_: date, to: date | None, every: str, known_at: str | None,
                  min_cell: int | None) -> dict[str, Any]:
    ledger = ledger_of(request)
    known = parse_known_at(known_at)  # a bad knownAt is refused before anything is computed
    # identical requests running at once share one computation; each caller's read is recorded
    return await shared_read(request, who.actor,
                             {"from": from_, "to": to, "every": every, "knownAt": known, "minCell": min_cell},
                             lambda: evaluation_series(ledger, who.actor, from_=from_, to=to, every=every,
                                                       known_at=known, min_cell=min_cell),
                             admit=lambda: ledger.app.record_read(who.actor, SERIES_ACTION))


def _name(series: dict[str, Any]) -> str:
    return f"evaluation-series-{series['from']}-{series['to']}"


@router.get("/reports/evaluation/series", tags=["reports"], response_model=EvaluationSeriesOut, responses=ERRORS,
            summary=_SUMMARY, operation_id="evaluation_series")
async def evaluation_series_route(request: Request, who: CallerDep, from_: SeriesFrom, to: SeriesTo = None,
                                  every: Every = "month", known_at: KnownAtText = None, min_cell: MinCell = None,
                                  format_: JsonOnly = None) -> Any:
    return await _series(request, who, from_, to, every, known_at, min_cell)


@router.get("/reports/evaluation/series.html", tags=["reports"], response_class=HTMLResponse, responses={
                200: {"description": "The series as one self-contained HTML page with trend charts.",
                      "content": {"text/html": {"schema": {"type": "string"}}}}, **ERRORS},
            summary=f"{_SUMMARY}: one HTML page", operation_id="evaluation_series_page")
async def evaluation_series_page(request: Request, who: CallerDep, from_: SeriesFrom, to: SeriesTo = None,
                                 every: Every = "month", known_at: KnownAtText = None, min_cell: MinCell = None,
                                 lang: Lang = "nl") -> Response:
    series = await _series(request, who, from_, to, every, known_at, min_cell)
    return Response(await run_in_threadpool(render_series_html, series, lang), media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": f'inline; filename="{_name(series)}.html"'})


@router.get("/reports/evaluation/series.csv", tags=["reports"], response_class=CsvResponse, responses={
                200: {"description": "The series as one CSV table (date, figure, value).",
                      "content": {"text/csv": {"schema": {"type": "string"}}}}, **ERRORS},
            summary=f"{_SUMMARY}: one CSV table", operation_id="evaluation_series_table")
async def evaluation_series_table(request: Request, who: CallerDep, from_: SeriesFrom, to: SeriesTo = None,
                                  every: Every = "month", known_at: KnownAtText = None, min_cell: MinCell = None,
                                  lang: Lang = "nl") -> Response:
    series = await _series(request, who, from_, to, every, known_at, min_cell)
    return Response(await run_in_threadpool(render_series_csv, series, lang), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{_name(series)}.csv"'})
