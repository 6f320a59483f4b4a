"""``ledger views ...``: the operator's reads of the local store, now or in the past.

One household (state, history, plan, involved parties) at two times: ``--as-of DATE`` (business date)
and ``--known-at POS|TIME`` (knowledge time), folded from its own events only; caseloads at the same two
times from the caseload view's spans; the access log, whose records have one time only, ``--known-at`` a
moment (a replay of the ledger up to it).

The household list, one household's state and history (a replay), and the projections' views (current
plan, who is involved, caseloads, access log). They open the store directly as the operator (recorded
like anyone's reads); a person reads the same through the service (``ledger household list|show|plan|
involved``, ``ledger report caseloads``, ``ledger audit log``: :mod:`ledger.cli.remote`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import typer

from .dates import AS_OF_HELP, KNOWN_AT_HELP, parse_as_of, parse_known_at
from .base import AsJson, CliError, HouseholdId, _date, _ledger, _operator, _print_json, _settings
from .terminal import console, echo, local_time, print_access_records, print_json, table
from .progress import catch_up_shown

if TYPE_CHECKING:  # the store's modules load in the commands (`ledger views --help` stays light)
    from ledger.aggregates import Actor
    from ledger.bootstrap import Ledger

__all__ = ["views_app"]

views_app = typer.Typer(help="The operator's reads of the local store (households, one household's history, current "
                             "plan, who is involved, caseloads, access log), now or --as-of.", no_args_is_help=True)


@views_app.command("households")
def views_households(as_json: AsJson = False) -> None:
    """List the households (id, phase, version, case director)."""
    settings = _settings()
    with _ledger() as ledger:
        rows = ledger.app.list_households(_operator(settings))
    if as_json:
        _print_json([
            {"id": str(r.household_id), "version": r.version, "phase": r.phase,
             "referred_on": r.referred_on.isoformat(), "case_director": r.case_director, "erased": r.erased}
            for r in rows
        ])
        return
    if not rows:
        typer.echo("No households yet. `ledger demo` invents some.")
        return
    console().print(table(None, ["household", "phase", "version", "referred", "case director"],
                          [(r.household_id, "erased" if r.erased else r.phase, r.version, r.referred_on.isoformat(),
                            r.case_director) for r in rows], nowrap=("household",)))
    typer.echo(f"{len(rows)} households")


AsOfDate = Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)]
KnownAt = Annotated[str | None, typer.Option("--known-at", help=KNOWN_AT_HELP)]


def _times(as_of: str | None, known_at: str | None) -> tuple[date | None, int | datetime | None]:
    try:
        return parse_as_of(as_of), parse_known_at(known_at)
    except ValueError as e:
        raise CliError(str(e)) from None


def _times_of(data: dict[str, Any]) -> dict[str, Any]:
    known = data["known_at"]
    return {"as_of": data["as_of"], "known_at": {"position": known.position, "at": known.at}}


@views_app.command("household")
def views_household(
    household: HouseholdId,
    as_json: AsJson = False,
    as_of: AsOfDate = None,
    known_at: KnownAt = None,
) -> None:
    """Show a household's state and its event history: now, or on --as-of as known at --known-at."""
    settings = _settings()
    day, known = _times(as_of, known_at)
    times: dict[str, Any] = {}
    with _ledger() as ledger:
        actor = _operator(settings)
        if day is None and known is None:
            h = ledger.app.get_household(actor, household)
            events: list[Any] = ledger.app.history(actor, household)
        else:
            folded = ledger.app.household_as_of(actor, household, as_of=day, known_at=known)
            h, events = folded.household, [e for _, e in folded.events]
            times = _times_of({"as_of": folded.as_of, "known_at": folded.known_at})
    from ledger.presenters import event_view, household_view

    state, history = household_view(h), [event_view(e) for e in events]
    if as_json:
        _print_json({"household": state, "events": history, **json.loads(json.dumps(times, default=_json_default))})
        return
    _print_household_text(state, history, ZoneInfo(settings.timezone))
    if times:
        typer.echo(f"As of {times['as_of']}, as known at position {times['known_at']['position']} "
                   f"({times['known_at']['at']}).")


def _print_household_text(state: dict[str, Any], history: list[dict[str, Any]], tz: ZoneInfo) -> None:
    ref = state["referral"]
    director = (state.get("case_director") or {}).get("director") or {}
    echo(f"Household {state['id']}  version {state['version']}  phase {state['phase']}"
         + ("  [erased]" if state["erased"] else ""))
    echo(f"  referred on {ref['on']} by {', '.join(ref['sources'])}; "
         f"{ref['composition']} ({ref['adults']} adults, {ref['children']} children)")
    if state.get("composition_revision"):
        echo(f"  composition revised on {state['composition_revision']['on']}: {state['composition']}")
    for m in ref["members"]:
        echo(f"  member {m['member_id']}: {m['role']:5} {m['name'] or '[erased]'}")
    echo(f"  case director: {director.get('user_id', '-')} {director.get('organisation', '')}".rstrip())
    echo(f"  goals {len(state['goals'])}, actions {len(state['actions'])}, "
         f"involvements {len(state['involvements'])}, ZRM measurements {len(state['zrm'])}")
    console().print(table(f"History (recorded at, {tz.key})", ["version", "recorded at", "event", "by"], [
        (e["version"], datetime.fromisoformat(e["recorded_at"]).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), e["type"],
         "{user_id} ({organisation}, {role})".format_map({"user_id": "?", "organisation": "?", "role": "?",
                                                          **(e["actor"] or {})}))
        for e in history], nowrap=("recorded at",)))


def _moment(value: str | None, tz: str) -> datetime | None:
    """access-log --known-at: a date means the end of that day (local time); an ISO time is taken as given."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime.combine(day, datetime.max.time(), tzinfo=ZoneInfo(tz))
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CliError("--known-at must be a date like 2026-03-01 or a time like 2026-03-01T12:00:00+01:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))


@contextmanager
def _read_side(as_of: str | None) -> Iterator[tuple[Any, Actor, Ledger]]:
    settings = _settings()
    with _ledger() as ledger:
        at = _moment(as_of, settings.timezone)
        if at is None:
            catch_up_shown(ledger.views)  # the CLI reads its own store: bring the views to the head first
            yield ledger.read_side, _operator(settings), ledger
        else:
            yield ledger.as_of(at), _operator(settings), ledger


def _json_default(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _print_view(data: Any) -> None:
    print_json(data)


def _times_line(data: dict[str, Any]) -> None:
    """"as of DATE, as known at position N (TIME)" above an as-of answer; nothing for a current one."""
    known = data.get("known_at")
    if data.get("as_of") is None and known is None:
        return
    known = known if isinstance(known, dict) else {"position": getattr(known, "position", known),
                                                    "at": getattr(known, "at", None)}
    at = known.get("at")
    typer.echo(f"as of {data.get('as_of')}, as known at position {known.get('position')}"
               f" ({local_time(at) if at else 'nothing recorded'})")


def _print_plan(plan: dict[str, Any]) -> None:
    """The plan as the remote ``household plan`` prints it: a header line, goals, actions (late ones flagged)."""
    _times_line(plan)
    out = console()
    director = plan.get("director") or {}
    out.print(f"Household {plan.get('household_id')}  version {plan.get('version')}  phase {plan.get('phase')}  "
              f"case director {director.get('user_id', '-')}")
    out.print(table("Goals", ["goal", "life domain", "target", "set on"],
                    [(g.get("goal_id"), g.get("life_domain"), g.get("target_date"), g.get("set_on"))
                     for g in plan.get("goals", [])]))
    out.print(table("Actions", ["action", "goal", "performer", "due", "status", "late"],
                    [(a.get("action_id"), a.get("goal_id"),
                      " ".join(filter(None, [a.get("performer_kind"), a.get("performer_organisation")])),
                      a.get("due_on"), a.get("status"), a.get("late")) for a in plan.get("actions", [])]))


def _print_involved(data: dict[str, Any]) -> None:
    """Who is involved, now and before: kind, organisation, discipline, worker, from, until (the ids with --json)."""
    _times_line(data)
    out = console()
    for key in ("current", "previous"):
        rows = data.get(key) or []
        if not rows:
            out.print(f"{key.capitalize()}: none")
            continue
        out.print(table(key.capitalize(), ["kind", "organisation", "discipline", "worker", "from", "until"],
                        [(r.get("kind"), r.get("organisation"), r.get("discipline"), r.get("worker_id"),
                          r.get("started_on"), r.get("ended_on")) for r in rows]))


@views_app.command("plan")
def views_plan(household: HouseholdId, as_of: AsOfDate = None, known_at: KnownAt = None, as_json: AsJson = False) -> None:
    """The plan: phase, case director, goals, actions (late ones marked), ZRM change since intake; now, or on
    --as-of as known at --known-at (only this household's events are folded)."""
    day, known = _times(as_of, known_at)
    settings = _settings()
    with _ledger() as ledger:
        if day is None and known is None:
            catch_up_shown(ledger.views)  # the CLI reads its own store: bring the views to the head first
            data = ledger.read_side.plan(_operator(settings), household, today=ledger.app.today())
        else:
            data = ledger.read_side.plan_as_of(_operator(settings), household, as_of=day, known_at=known)
    if as_json:
        return _print_view(data)
    _print_plan(data)


@views_app.command("involved")
def views_involved(household: HouseholdId, as_of: AsOfDate = None, known_at: KnownAt = None,
                   as_json: AsJson = False) -> None:
    """Who else works with this household: organisations, professionals, volunteers, now and before; or on
    --as-of as known at --known-at."""
    day, known = _times(as_of, known_at)
    settings = _settings()
    with _ledger() as ledger:
        if day is None and known is None:
            catch_up_shown(ledger.views)
            data = ledger.read_side.involved(_operator(settings), household, on=ledger.app.today())
        else:
            data = ledger.read_side.involved_as_of(_operator(settings), household, as_of=day, known_at=known)
    if as_json:
        return _print_view(data)
    _print_involved(data)


@views_app.command("caseloads")
def views_caseloads(
    as_of: AsOfDate = None,
    known_at: KnownAt = None,
    by: Annotated[str, typer.Option(help="director or organisation")] = "director",
    as_json: AsJson = False,
) -> None:
    """Active households by phase, per case director or per organisation, on --as-of (a business date, default
    today) as known at --known-at (default: everything recorded), from the caseload view's spans."""
    if by not in ("director", "organisation"):
        raise CliError("--by must be director or organisation")
    day, known = _times(as_of, known_at)
    settings = _settings()
    with _ledger() as ledger:
        catch_up_shown(ledger.views)  # the CLI reads its own store: bring the views to the head first
        data = ledger.read_side.caseloads(_operator(settings), on=day, by=by, known_at=known)
    if as_json:
        return _print_view(data)
    if not data:
        typer.echo("no active households")
        return
    columns = [c for c in data[0] if c != "households"] + ["households"]
    console().print(table(None, columns, ([r.get(c) for c in columns] for r in data)))


@views_app.command("access-log")
def views_access_log(
    household: Annotated[str | None, typer.Option(help="Only this household.")] = None,
    user: Annotated[str | None, typer.Option(help="Only this user id.")] = None,
    day: Annotated[str | None, typer.Option(help="Only this day (YYYY-MM-DD).")] = None,
    category: Annotated[str | None, typer.Option(help="Only records touching this data category.")] = None,
    emergencies: Annotated[bool, typer.Option("--emergencies", help="Only emergency accesses awaiting review.")] = False,
    known_at: Annotated[str | None, typer.Option(
        "--known-at", help="The log as it stood at this moment (a date: the end of that day; or an ISO time). "
                           "Access records have one time only: when they were recorded.")] = None,
    as_json: AsJson = False,
) -> None:
    """The NEN 7513 views over the access records (per household, user, day, record; emergencies)."""
    with _read_side(known_at) as (side, actor, _ledger_):
        if emergencies:
            rows, more = side.emergencies_awaiting_review(actor)
            while more:  # the whole list, page by page
                page, more = side.emergencies_awaiting_review(actor, after=rows[-1]["position"])
                rows += page
        else:
            rows = side.access_records(actor, household_id=household, user_id=user,
                                       day=_date(day, "--day"), category=category)
    if as_json:
        return _print_view(rows)
    print_access_records(rows, with_household=household is None)
