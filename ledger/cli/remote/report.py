"""``ledger report evaluation|series|caseloads`` and ``ledger whoami``: reads from the service that name no household."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from ._common import AsJson, Timeout, _client, _console, _date, _fail, _handled, _json, _table

__all__ = ["report_app", "whoami_app"]

report_app = typer.Typer(help="Reports from the service (pseudonymous aggregates).", no_args_is_help=True)
whoami_app = typer.Typer()  # merged into `ledger` itself: `ledger whoami`
_FORMATS: dict[str, Literal["html", "json", "csv"]] = {"html": "html", "json": "json", "csv": "csv"}


@report_app.command("evaluation")
@_handled
def report_evaluation(
    from_: Annotated[str | None, typer.Option(
        "--from", help="First referral date counted (YYYY-MM-DD; default: all).")] = None,
    to: Annotated[str | None, typer.Option(
        "--to", help="Last referral date counted (default: the as-of date).")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The report as of the end of this day (default today).")] = None,
    known_at: Annotated[str | None, typer.Option(
        "--known-at", help="Only what the ledger had recorded by then: a position or an RFC 3339 moment "
                           "(default: now).")] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="html, json or csv. Default: a summary on screen; with --out, from its suffix.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="nl (default) or en: the labels in html and csv.")] = "nl",
    min_cell: Annotated[int | None, typer.Option("--min-cell", min=1, max=1000,
                                                 help="Raise the minimum cell size to N (never below "
                                                      "the service's, default 5).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the report to this file.")] = None,
    as_json: AsJson = False,
    timeout: Timeout = None,
) -> None:
    """The evaluation report at a business date (--as-of) as known at --known-at (pseudonymous aggregates).

    Without --format or --out: a summary on screen. --format html gives one self-contained
    page with charts (--lang en for English labels), csv one row per figure, json every figure.
    """
    period = {"from_": _date(from_, "--from"), "to": _date(to, "--to"), "as_of": _date(as_of, "--as-of")}
    if as_json:
        fmt = "json"
    if fmt is None and out is not None:
        fmt = {".json": "json", ".csv": "csv"}.get(out.suffix.lower(), "html")
    if fmt is not None and fmt not in ("html", "json", "csv"):
        raise typer.BadParameter("--format must be html, json or csv")
    if lang not in ("nl", "en"):
        raise typer.BadParameter("--lang must be nl or en")
    with _client(timeout) as c:
        if fmt is None:
            report = c.evaluation_report(from_=period["from_"], to=period["to"], as_of=period["as_of"],
                                         known_at=known_at, min_cell=min_cell)
        else:
            text = c.evaluation_report_document(_FORMATS[fmt], from_=period["from_"], to=period["to"],
                                                as_of=period["as_of"], lang="en" if lang == "en" else "nl",
                                                min_cell=min_cell, known_at=known_at)
    if fmt is None:
        return _print_evaluation(report)
    if fmt == "json":
        text = json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        _fail(f"cannot write {out}: {e.strerror}")
    typer.echo(f"evaluation report ({fmt}) written to {out}")


def _print_evaluation(r: dict[str, Any]) -> None:
    """A summary of the report on screen; the full report is --format html|json|csv."""
    period, basis, ledger = r.get("period") or {}, r.get("basis") or {}, r.get("ledger") or {}
    typer.echo(f"Evaluation report as of {r.get('as_of')}: referrals from {period.get('from') or 'the start'} "
               f"to {period.get('to')}")
    if (r.get("min_cell") or 1) > 1:
        typer.echo(f"disclosure control: minimum cell {r.get('min_cell')} ('<{r.get('min_cell')}' small, 'x' "
                   "withheld to protect one); the as-of date is a month end, the period whole blocks of months")
    typer.echo(f"rests on {basis.get('households')} households and {basis.get('events')} events; "
               f"ledger position {ledger.get('position')}, chain head {ledger.get('head')}")
    known = r.get("known_at") or {}
    typer.echo(f"as known at position {known.get('position')} ({known.get('at') or 'nothing recorded'})")
    if r.get("empty_basis"):
        typer.echo(f"EMPTY: {r['empty_basis']}")
    console = _console()
    console.print(_table("Phase reached", ["phase", "households"], (r.get("phases") or {}).items()))
    console.print(_table("Referrals by source", ["source", "households"],
                         ((k, v) for k, v in ((r.get("referrals") or {}).get("by_source") or {}).items() if v)))
    console.print(_table("Coordination decisions", ["outcome", "households"],
                         ((r.get("coordination") or {}).get("by_outcome") or {}).items()))
    actions = r.get("plan_actions") or {}
    rows = [*((actions.get("by_performer") or {}).items()), ("total", actions.get("total") or {})]
    console.print(_table("Plan actions by performer", ["performer", "added", "done", "open", "late", "cancelled"],
                         ((k, *(v.get(m) for m in ("added", "done", "open", "late", "cancelled"))) for k, v in rows)))
    console.print(_table("Lead times (days)", ["stage", "n", "q1", "median", "q3"],
                         ((k, *(v.get(m) for m in ("n", "q1", "median", "q3")))
                          for k, v in (r.get("lead_times") or {}).items())))
    caseloads = r.get("caseloads") or {}
    console.print(_table(f"Caseload per case director on {caseloads.get('on')}",
                         ["director", "organisation", "households", "norm 8-30"],
                         ((d.get("director"), d.get("organisation"), d.get("households"), d.get("norm"))
                          for d in caseloads.get("per_director") or [])))
    costs = r.get("costs") or {}
    total = costs.get("total_per_year") or {}
    typer.echo(f"costs: {costs.get('households_with_both')} households with a baseline and costs during the "
               f"approach; per year {total.get('baseline_per_year')} before, {total.get('approach_per_year')} "
               f"during ({total.get('change_pct')}%)")


@report_app.command("series")
@_handled
def report_series(
    from_: Annotated[str, typer.Option("--from", help="The first date: the series starts at this month's end.")],
    to: Annotated[str | None, typer.Option("--to", help="The last date (default today).")] = None,
    every: Annotated[str, typer.Option("--every", help="month (default), quarter or year.")] = "month",
    known_at: Annotated[int | None, typer.Option("--known-at", min=0, help="Count only what the ledger had "
                                                                          "recorded up to this position.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write a page of trend charts to this file.")] = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="Write one row per date and figure to this file.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="nl (default) or en: the labels in html and csv.")] = "nl",
    min_cell: Annotated[int | None, typer.Option("--min-cell", min=1, max=1000,
                                                 help="Raise the minimum cell size to N (never below "
                                                      "the service's, default 5).")] = None,
    as_json: AsJson = False,
) -> None:
    """The evaluation report's headline figures at every month (quarter, year) end: one request, one record.

    Each point is the report as of that date (disclosure control per point). Without --html or
    --csv: a table on screen.
    """
    if every not in ("month", "quarter", "year"):
        raise typer.BadParameter("--every must be month, quarter or year")
    if lang not in ("nl", "en"):
        raise typer.BadParameter("--lang must be nl or en")
    if html is not None and csv is not None:
        raise typer.BadParameter("give --html or --csv, not both")
    start = _date(from_, "--from")
    if start is None:
        raise typer.BadParameter("--from is required")
    step: Literal["month", "quarter", "year"] = "quarter" if every == "quarter" else "year" if every == "year" else "month"
    asked: dict[str, Any] = {"from_": start, "to": _date(to, "--to"), "every": step, "known_at": known_at,
                             "min_cell": min_cell}
    out = html or csv
    with _client() as c:
        if out is None:
            series = c.evaluation_series(**asked)
        else:
            text = c.evaluation_series_document("html" if html is not None else "csv", **asked,
                                                lang="en" if lang == "en" else "nl")
    if out is None:
        return _json(series) if as_json else _print_series(series)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        _fail(f"cannot write {out}: {e.strerror}")
    typer.echo(f"evaluation series ({'html' if html is not None else 'csv'}) written to {out}")


def _print_series(s: dict[str, Any]) -> None:
    """The headline per date on screen; the charts are --html."""
    ledger, known = s.get("ledger") or {}, s.get("known_at") or {}
    typer.echo(f"Evaluation series {s.get('from')} to {s.get('to')} (every {s.get('every')}), ledger position "
               f"{known.get('position')} of {ledger.get('position')}, chain head {ledger.get('head')}")
    if (s.get("min_cell") or 1) > 1:
        typer.echo(f"disclosure control per point: minimum cell {s.get('min_cell')}")
    columns = ["as of", "households", "caseloads", "intake", "plan", "closed", "professionals", "volunteers",
               "open", "late"]

    def row(p: dict[str, Any]) -> list[Any]:
        f = p.get("figures")
        if not f:
            return [p.get("as_of"), f"withheld ({p.get('withheld')})", *([""] * (len(columns) - 2))]
        ph, inv, act = f["phases"], f["involvement"], f["plan_actions"]
        return [p.get("as_of"), f["households"], f["caseloads"]["households"], ph["intake_held"], ph["plan_made"],
                ph["closed"], inv["professionals"], inv["volunteers"], act["open"], act["late"]]
    _console().print(_table("Headline figures", columns, (row(p) for p in s.get("points") or [])))


@report_app.command("caseloads")
@_handled
def report_caseloads(
    by: Annotated[str, typer.Option(help="director or organisation.")] = "director",
    on: Annotated[str | None, typer.Option("--as-of", "--on", help="The day to count (default today).")] = None,
    known_at: Annotated[str | None, typer.Option(
        "--known-at", help="Only what the ledger had recorded by then: a position or an RFC 3339 moment.")] = None,
    as_json: AsJson = False,
    timeout: Timeout = None,
) -> None:
    """Active households by phase, per case director or per organisation."""
    if by not in ("director", "organisation"):
        raise typer.BadParameter("--by must be director or organisation")
    with _client(timeout) as c:
        rows = c.caseloads(_date(on, "--as-of"), "organisation" if by == "organisation" else "director",
                           known_at=known_at)
    if as_json:
        return _json(rows)
    _print_caseloads(rows)


def _print_caseloads(rows: list[dict[str, Any]]) -> None:
    if not rows:
        typer.echo("no active households")
        return
    columns = list(dict.fromkeys(k for r in rows for k in r))
    _console().print(_table(None, columns, ([r.get(k) for k in columns] for r in rows)))


@whoami_app.command("whoami")
@_handled
def whoami(as_json: AsJson = False) -> None:
    """Who LEDGER_TOKEN belongs to (user id, organisation, role) at LEDGER_URL."""
    with _client() as c:
        me = c.me()
    if as_json:
        return _json(me)
    typer.echo(f"{me['user_id']} ({me['role']}, {me['organisation']}) at {c.base_url}")
