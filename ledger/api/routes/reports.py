"""Reports: the evaluation report, replayed from the ledger as of any date (pseudonymous aggregates)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ledger import reports
from ledger.projections.knowledge import parse_known_at

from ..deps import CallerDep, ledger_of
from ..schemas import EvaluationReportOut
from ..single_flight import shared_read
from .common import problem_responses

__all__ = ["EvaluationReportOut", "router"]

router = APIRouter(prefix="/v1")


_REPORT_MEDIA = {"text/html": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}}}


@router.get("/reports/evaluation", tags=["reports"], response_model=EvaluationReportOut,
            responses={200: {"description": "The report: JSON (default), a self-contained HTML page, or CSV.",
                             "content": _REPORT_MEDIA}, **problem_responses(403, 422, 503)},
            summary="The evaluation report at a business date (asOf) as known at a ledger position (knownAt), from facts")
async def evaluation_report(
    request: Request, who: CallerDep,
    from_: Annotated[date | None, Query(alias="from", description="First referral date counted (default: all).")
                     ] = None,
    to: Annotated[date | None, Query(description="Last referral date counted (default: the as-of date).")] = None,
    as_of: Annotated[date | None, Query(alias="asOf", description="Report as of the end of this day (default today).")
                     ] = None,
    known_at: Annotated[str | None, Query(alias="knownAt", description="Knowledge time: a ledger position or an RFC "
                                          "3339 moment; only what was recorded by then counts (default: the "
                                          "signed digest's position).")] = None,
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
    report = await shared_read(request, who.actor,
                               {"from": from_, "to": to, "asOf": as_of, "knownAt": known, "minCell": min_cell},
                               lambda: reports.evaluation_report(ledger, who.actor, from_=from_, to=to,
                                                                 as_of=as_of, known_at=known, min_cell=min_cell),
                               admit=lambda: ledger.app.record_read(who.actor, reports.ACTION))
    name = f"evaluation-{report['as_of']}"
    if format_ == "html":
        return Response(await run_in_threadpool(reports.render_html, report, lang), media_type="text/html; charset=utf-8",
                        headers={"Content-Disposition": f'inline; filename="{name}.html"'})
    if format_ == "csv":
        return Response(await run_in_threadpool(reports.render_csv, report, lang), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    return report
