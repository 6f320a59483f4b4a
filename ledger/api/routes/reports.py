"""Reports: the evaluation report, replayed from the ledger as of any date (pseudonymous aggregates)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from ledger import reports
from ledger.projections.knowledge import parse_known_at

from ..deps import Caller, CallerDep, ledger_of
from ..schemas import EvaluationReportOut
from ..single_flight import shared_read
from .common import problem_responses

__all__ = ["CsvResponse", "EvaluationReportOut", "Lang", "MinCell", "router"]

router = APIRouter(prefix="/v1")


class CsvResponse(Response):
    """A CSV table: the one media type its operation documents."""

    media_type = "text/csv"


# One operation per representation (issue 17): a generated client parses the JSON operation's answer as its
# schema, and takes the HTML page and the CSV table as text from their own operations.
FromParam = Annotated[date | None, Query(alias="from", description="First referral date counted (default: all).")]
ToParam = Annotated[date | None, Query(description="Last referral date counted (default: the as-of date).")]
AsOfDate = Annotated[date | None, Query(alias="asOf", description="Report as of the end of this day (default today).")]
KnownAtText = Annotated[str | None, Query(
    alias="knownAt", description="Knowledge time: a ledger position or an RFC 3339 moment; only what was recorded by "
                                 "then counts (default: the signed digest's position).")]
MinCell = Annotated[int | None, Query(alias="minCell", ge=1, le=1000,
                                      description="Raise the minimum cell size; a value below the service's minimum "
                                                  "(default 5) is ignored.")]
Lang = Annotated[Literal["nl", "en"], Query(description="Labels: Dutch (default) or English.")]
JsonOnly = Annotated[Literal["json"] | None, Query(
    alias="format", deprecated=True,
    description="Deprecated: this operation answers JSON only. The page is `GET /reports/evaluation.html`, the "
                "table `GET /reports/evaluation.csv`; `html` or `csv` here is a 400 that says so.")]
_SUMMARY = "The evaluation report at a business date (asOf) as known at a ledger position (knownAt), from facts"
ERRORS = problem_responses(403, 422, 503)


async def _report(request: Request, who: Caller, from_: date | None, to: date | None, as_of: date | None,
                  known_at: str | None, min_cell: int | None) -> dict[str, Any]:
    ledger = ledger_of(request)
    known = parse_known_at(known_at)  # a bad knownAt is refused before anything is computed
    # identical requests running at once share one computation; each caller's read is recorded
    return await shared_read(request, who.actor,
                             {"from": from_, "to": to, "asOf": as_of, "knownAt": known, "minCell": min_cell},
                             lambda: reports.evaluation_report(ledger, who.actor, from_=from_, to=to,
                                                               as_of=as_of, known_at=known, min_cell=min_cell),
                             admit=lambda: ledger.app.record_read(who.actor, reports.ACTION))


@router.get("/reports/evaluation", tags=["reports"], response_model=EvaluationReportOut, responses=ERRORS,
            summary=_SUMMARY, operation_id="evaluation_report")
async def evaluation_report(request: Request, who: CallerDep, from_: FromParam = None, to: ToParam = None,
                            as_of: AsOfDate = None, known_at: KnownAtText = None, min_cell: MinCell = None,
                            format_: JsonOnly = None) -> Any:
    return await _report(request, who, from_, to, as_of, known_at, min_cell)


@router.get("/reports/evaluation.html", tags=["reports"], response_class=HTMLResponse, responses={
                200: {"description": "The report as one self-contained HTML page with charts.",
                      "content": {"text/html": {"schema": {"type": "string"}}}}, **ERRORS},
            summary=f"{_SUMMARY}: one HTML page", operation_id="evaluation_report_page")
async def evaluation_report_page(request: Request, who: CallerDep, from_: FromParam = None, to: ToParam = None,
                                 as_of: AsOfDate = None, known_at: KnownAtText = None, min_cell: MinCell = None,
                                 lang: Lang = "nl") -> Response:
    report = await _report(request, who, from_, to, as_of, known_at, min_cell)
    return Response(await run_in_threadpool(reports.render_html, report, lang), media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": f'inline; filename="evaluation-{report["as_of"]}.html"'})


@router.get("/reports/evaluation.csv", tags=["reports"], response_class=CsvResponse, responses={
                200: {"description": "The report as one CSV table (section, figure, value).",
                      "content": {"text/csv": {"schema": {"type": "string"}}}}, **ERRORS},
            summary=f"{_SUMMARY}: one CSV table", operation_id="evaluation_report_table")
async def evaluation_report_table(request: Request, who: CallerDep, from_: FromParam = None, to: ToParam = None,
                                  as_of: AsOfDate = None, known_at: KnownAtText = None, min_cell: MinCell = None,
                                  lang: Lang = "nl") -> Response:
    report = await _report(request, who, from_, to, as_of, known_at, min_cell)
    return Response(await run_in_threadpool(reports.render_csv, report, lang), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="evaluation-{report["as_of"]}.csv"'})
