"""The evaluation series: the report's headline figures at a series of dates, as JSON or one HTML page with trends."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ledger.reports import render_series_csv, render_series_html
from ledger.projections.knowledge import parse_known_at
from ledger.reports.series import ACTION as SERIES_ACTION
from ledger.reports.series import MAX_POINTS, evaluation_series

from ..deps import CallerDep, ledger_of
from ..schemas import EvaluationSeriesOut
from ..single_flight import shared_read
from .common import problem_responses

__all__ = ["router"]

router = APIRouter(prefix="/v1")

_MEDIA = {"text/html": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}}}


@router.get("/reports/evaluation/series", tags=["reports"], response_model=EvaluationSeriesOut,
            responses={200: {"description": "The series: JSON (default), a self-contained HTML page with trend "
                                            "charts, or CSV.", "content": _MEDIA}, **problem_responses(403, 503)},
            summary="The evaluation report's headline figures at every month (quarter, year) end of a period")
async def evaluation_series_route(
    request: Request, who: CallerDep,
    from_: Annotated[date, Query(alias="from", description="The first date: the series starts at this month's end.")],
    to: Annotated[date | None, Query(description="The last date (default today); under disclosure control the "
                                                 "last month that is over.")] = None,
    every: Annotated[Literal["month", "quarter", "year"], Query(
        description=f"month (default), quarter or year ends; at most {MAX_POINTS} points.")] = "month",
    known_at: Annotated[str | None, Query(alias="knownAt", description="Knowledge time: count only what the ledger "
                                          "had recorded by then, a ledger position or an RFC 3339 moment with "
                                          "offset (default: now).")] = None,
    format_: Annotated[Literal["json", "html", "csv"], Query(alias="format", description="json, html or csv.")
                       ] = "json",
    lang: Annotated[Literal["nl", "en"], Query(description="Labels in html and csv: Dutch (default) or English.")
                    ] = "nl",
    min_cell: Annotated[int | None, Query(alias="minCell", ge=1, le=1000,
                                          description="Raise the minimum cell size; a value below the service's "
                                                      "minimum (default 5) is ignored.")] = None,
) -> Any:
    ledger = ledger_of(request)
    known = parse_known_at(known_at)  # a bad knownAt is refused before anything is computed
    # identical requests running at once share one computation; each caller's read is recorded
    series = await shared_read(request, who.actor,
                               {"from": from_, "to": to, "every": every, "knownAt": known, "minCell": min_cell},
                               lambda: evaluation_series(ledger, who.actor, from_=from_, to=to, every=every,
                                                         known_at=known, min_cell=min_cell),
                               admit=lambda: ledger.app.record_read(who.actor, SERIES_ACTION))
    name = f"evaluation-series-{series['from']}-{series['to']}"
    if format_ == "html":
        return Response(await run_in_threadpool(render_series_html, series, lang), media_type="text/html; charset=utf-8",
                        headers={"Content-Disposition": f'inline; filename="{name}.html"'})
    if format_ == "csv":
        return Response(await run_in_threadpool(render_series_csv, series, lang), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    return series
