"""The ``ledger`` command.

Commands that work directly on the data act as the local operator
(``LEDGER_OPERATOR``, default the operating-system user), recorded as the acting
user like anyone else. Errors print one line on stderr and exit non-zero:
1 for a refused or failed command, 2 for a usage error.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from ledger.aggregates import Actor, errors
from ledger.bootstrap import Ledger, build
from ledger.cli_admin import audit_app, keys_app, organisations_app, users_app
from ledger.cli_base import (AsJson, AsOf, CliError, HouseholdId, On, Version, _date, _ledger, _operator,
                             _print_json, _settings, log)
from ledger.client_cli import audit_remote_app, household_app, report_app, whoami_app
from ledger.config import Settings
from ledger.logs import configure_logging
from ledger.privacy import KeyStoreError, SealedDataError
from ledger.privacy.retention import RetentionConfigError, load_rules
from ledger.privacy.users import UserError
from ledger.presenters import event_view, household_view

app = typer.Typer(
    name="ledger",
    help="Event-sourced case ledger for integrated casework (één gezin, één plan, één regisseur).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(keys_app, name="keys")
app.add_typer(audit_app, name="audit")
app.add_typer(users_app, name="users")
app.add_typer(organisations_app, name="organisations")
projections_app = typer.Typer(help="Read models: follow the ledger, rebuild, show positions.", no_args_is_help=True)
app.add_typer(projections_app, name="projections")
views_app = typer.Typer(help="Read the views (current plan, who is involved, caseloads, access log), now or --as-of.",
                        no_args_is_help=True)
app.add_typer(views_app, name="views")
# Through the HTTP API as the user of LEDGER_TOKEN (ledger/client_cli.py); the audit commands join `ledger audit`.
app.add_typer(household_app, name="household")
audit_app.add_typer(audit_remote_app)
app.add_typer(report_app, name="report")
app.add_typer(whoami_app)

# --------------------------------------------------------------------- service
@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL only; SQLite uses one).")] = 1,
) -> None:
    """Run the HTTP service on the configured store (SQLite by default)."""
    import uvicorn

    settings = _settings()
    if workers > 1 and not settings.uses_postgres:
        raise CliError("several workers need PostgreSQL (set LEDGER_DATABASE_URL)")
    configure_logging(settings.log_level)
    build(settings).close()  # create the data directory, key file and tables before serving
    log.info("service_starting", host=host, port=port, store="postgresql" if settings.uses_postgres else "sqlite")
    # uvicorn's access log prints raw paths (a name pasted into an id field would land in it);
    # the app logs each request itself, with the route template and ids only.
    uvicorn.run("ledger.api.main:create_app", factory=True, host=host, port=port, workers=workers, log_level="info",
                access_log=False)


@app.command()
def demo(
    households: Annotated[int, typer.Option(min=1, max=5000, help="How many households to invent.")] = 40,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same municipality.")] = 1,
) -> None:
    """Fill the ledger with an invented municipality (synthetic data only)."""
    from ledger import demo as demo_mod

    settings = _settings()
    clock, ids, household_ids = demo_mod.demo_wiring(seed)
    with _ledger(clock=clock, new_id=ids, new_household_id=household_ids) as ledger:
        if ledger.app.list_households(_operator(settings)):
            raise CliError("the ledger holds households already; the demo fills an empty one (set LEDGER_DATA_DIR)")
        report = demo_mod.generate(
            ledger, households=households, seed=seed, operator=_operator(settings), clock=clock
        )
    typer.echo(
        f"Invented {report.households} households with {report.events} events "
        f"({report.first_day.isoformat()} to {report.last_day.isoformat()}): "
        f"{report.closed} closed, {report.erased} erased."
    )


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="JSON Lines, one household per line (docs/architecture.md, Bulk import).",
                                         exists=True, dir_okay=False, readable=True)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate every line; write nothing.")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Skip households already in the ledger (finish an "
                                         "interrupted import) instead of refusing the file.")] = False,
) -> None:
    """Migrate cases from another system: validate the whole file, then write it in batches of ~1,000 events."""
    from ledger.bulk import import_file

    settings = _settings()
    with _ledger() as ledger:
        report = import_file(ledger.app, file, _operator(settings), dry_run=dry_run, resume=resume)
    typer.echo(report.summary())


# ----------------------------------------------------------------------- reads
@app.command("households")
def list_households(as_json: AsJson = False) -> None:
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
    typer.echo(f"{'household':36}  {'phase':12} {'ver':>4}  {'referred':10}  case director")
    for r in rows:
        phase = "erased" if r.erased else r.phase
        typer.echo(
            f"{r.household_id!s:36}  {phase:12} {r.version:>4}  {r.referred_on.isoformat():10}  {r.case_director or '-'}"
        )
    typer.echo(f"{len(rows)} households")


@app.command()
def show(
    household: HouseholdId,
    as_json: AsJson = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Show the household as recorded at the end of this date.")] = None,
) -> None:
    """Show a household's state and its event history."""
    settings = _settings()
    moment = None
    if as_of is not None:
        day = _date(as_of, "--as-of")
        assert day is not None
        moment = datetime.combine(day, time.max, tzinfo=UTC)
    with _ledger() as ledger:
        actor = _operator(settings)
        h = ledger.app.get_household(actor, household, as_of=moment)
        events = [e for e in ledger.app.history(actor, household) if moment is None or e.timestamp <= moment]
    state, history = household_view(h), [event_view(e) for e in events]
    if as_json:
        _print_json({"household": state, "events": history})
        return
    _print_household_text(state, history, ZoneInfo(settings.timezone))


def _print_household_text(state: dict[str, Any], history: list[dict[str, Any]], tz: ZoneInfo) -> None:
    ref = state["referral"]
    director = (state.get("case_director") or {}).get("director") or {}
    typer.echo(f"Household {state['id']}  version {state['version']}  phase {state['phase']}"
               + ("  [erased]" if state["erased"] else ""))
    typer.echo(f"  referred on {ref['on']} by {', '.join(ref['sources'])}; "
               f"{ref['composition']} ({ref['adults']} adults, {ref['children']} children)")
    for m in ref["members"]:
        typer.echo(f"  member {m['member_id']}: {m['role']:5} {m['name'] or '[erased]'}")
    typer.echo(f"  case director: {director.get('user_id', '-')} {director.get('organisation', '')}".rstrip())
    typer.echo(f"  goals {len(state['goals'])}, actions {len(state['actions'])}, "
               f"involvements {len(state['involvements'])}, ZRM measurements {len(state['zrm'])}")
    typer.echo(f"History (recorded at, {tz.key}):")
    for e in history:
        a = e["actor"] or {}
        at = datetime.fromisoformat(e["recorded_at"]).astimezone(tz).strftime("%Y-%m-%d %H:%M")
        typer.echo(f"  v{e['version']:<3} {at}  {e['type']:22} "
                   f"by {a.get('user_id', '?')} ({a.get('organisation', '?')}, {a.get('role', '?')})")


@app.command("export")
def export(
    household: HouseholdId,
    since: Annotated[str | None, typer.Option("--since", help="Access records from this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Access records up to and including this date.")] = None,
) -> None:
    """A data subject's access request (AVG art. 15): the household's data and who accessed it, as JSON."""
    settings = _settings()
    start, end = _date(since, "--since"), _date(until, "--until")
    with _ledger() as ledger:
        data = ledger.app.export_household(
            _operator(settings), household,
            since=datetime.combine(start, time.min, tzinfo=UTC) if start else None,
            until=datetime.combine(end, time.max, tzinfo=UTC) if end else None,
        )
    _print_json(data)


# ---------------------------------------------------------------- direct writes
@app.command()
def refer(
    source: Annotated[list[str], typer.Option("--source", help="Referral source code; repeat for several.")],
    member: Annotated[list[str], typer.Option("--member", help="ROLE:NAME[:BSN], ROLE adult or child; repeat.")],
    address: Annotated[str | None, typer.Option(help="Household address.")] = None,
    on: On = None,
) -> None:
    """Refer a new household; prints its id and version."""
    from ledger.application import NewMember

    members = []
    for spec in member:
        parts = spec.split(":")
        if len(parts) not in (2, 3) or not parts[1].strip():
            raise CliError("--member takes ROLE:NAME or ROLE:NAME:BSN")
        members.append(NewMember(role=parts[0], name=parts[1].strip(), bsn=parts[2] if len(parts) == 3 else None))
    settings = _settings()
    with _ledger() as ledger:
        hid, version = ledger.app.refer_household(
            _operator(settings), sources=source, members=members, address=address, on=_date(on)
        )
    typer.echo(f"{hid} version {version}")


@app.command()
def intake(
    household: HouseholdId,
    version: Version,
    domain: Annotated[list[str], typer.Option("--domain", help="Life domain discussed; repeat.")],
    agency: Annotated[list[str], typer.Option(
        "--agency", help="An organisation id already involved; repeat.")] = [],  # noqa: B006
    on: On = None,
) -> None:
    """Record the integral intake."""
    settings = _settings()
    with _ledger() as ledger:
        new = ledger.app.record_intake(
            _operator(settings), household, expected_version=version, domains_discussed=domain,
            agencies_involved=agency, on=_date(on),
        )
    typer.echo(f"version {new}")


@app.command()
def zrm(
    household: HouseholdId,
    version: Version,
    instrument: Annotated[str, typer.Option(help="ZRM version: 2013 or 2017.")],
    moment: Annotated[str, typer.Option(help="intake, interim or final.")],
    score: Annotated[list[str], typer.Option("--score", help="DOMAIN=1..5; repeat.")],
    member_id: Annotated[str | None, typer.Option("--member", help="Member id; default the household.")] = None,
    on: On = None,
) -> None:
    """Record a ZRM measurement."""
    scores: dict[str, int] = {}
    for s in score:
        domain, _, value = s.partition("=")
        if not value.strip().lstrip("-").isdigit():
            raise CliError("--score takes DOMAIN=NUMBER, e.g. finances=2")
        scores[domain.strip()] = int(value)
    settings = _settings()
    with _ledger() as ledger:
        _, new = ledger.app.record_zrm_measurement(
            _operator(settings), household, expected_version=version, instrument=instrument, moment=moment,
            scores=scores, member_id=member_id, on=_date(on),
        )
    typer.echo(f"version {new}")


@app.command()
def close(
    household: HouseholdId,
    version: Version,
    reason: Annotated[str, typer.Option(help="Closure reason code, e.g. goals_achieved.")],
    aftercare_until: Annotated[str | None, typer.Option(help="Aftercare follow-up date (waakvlam).")] = None,
    on: On = None,
) -> None:
    """Close the case, optionally with an aftercare follow-up date."""
    settings = _settings()
    with _ledger() as ledger:
        new = ledger.app.close_case(
            _operator(settings), household, expected_version=version, reason=reason,
            aftercare_until=_date(aftercare_until, "--aftercare-until"), on=_date(on),
        )
    typer.echo(f"version {new}")


@app.command()
def erase(
    household: HouseholdId,
    version: Version,
    reason: Annotated[str, typer.Option(help="Reason code, e.g. data_subject_request.")],
) -> None:
    """Erase a closed household's personal data (destroys its data key)."""
    settings = _settings()
    with _ledger() as ledger:
        new = ledger.app.erase_household(_operator(settings), household, expected_version=version, reason=reason)
    typer.echo(f"version {new}; personal data destroyed")




# ------------------------------------------------------------------ projections
@projections_app.command("status")
def projections_status() -> None:
    """Each view's position in the ledger, how far behind the head it is, and where a stalled view stopped."""
    from ledger.projections import open_views

    with _ledger() as ledger:
        runner = open_views(ledger)
        head = runner.head()
        stalls = runner.failures()
        for name, position in runner.positions().items():
            line = f"{name:18} at {position:>10}  (head {head}, {head - position} behind)"
            stall = stalls.get(name)
            if stall is not None:
                line += (f"  STALLED at position {stall.position}: {stall.error_type}"
                         f" ({stall.attempts} attempts since {stall.since:%Y-%m-%d %H:%M:%S} UTC)")
            typer.echo(line)


@projections_app.command("run")
def projections_run(
    once: Annotated[bool, typer.Option("--once", help="Catch up to the head and exit.")] = False,
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="Events per transaction.")] = 500,
) -> None:
    """Follow the ledger and keep every view up to date (until interrupted)."""
    import signal
    import threading

    from ledger.projections import open_views

    with _ledger() as ledger:
        runner = open_views(ledger, batch=batch)
        if once:
            n = runner.catch_up()
            typer.echo(f"caught up: {n} events applied, at position {runner.position()}")
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        typer.echo(f"following the ledger from position {runner.position()} (Ctrl-C stops)", err=True)
        runner.run(stop)
        typer.echo(f"stopped at position {runner.position()}", err=True)


@projections_app.command("rebuild")
def projections_rebuild(
    names: Annotated[list[str] | None, typer.Argument(help="Views to rebuild (default: all).")] = None,
) -> None:
    """Drop views and replay the whole ledger into them, with a progress bar and the rate."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from ledger.projections import open_views

    with _ledger() as ledger:
        runner = open_views(ledger)
        unknown = [n for n in names or [] if n not in runner.models]
        if unknown:
            raise CliError(f"unknown view {unknown[0]!r}; known: {', '.join(runner.models)}")
        began = time.monotonic()
        with Progress(TextColumn("rebuilding"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                      TimeRemainingColumn(), transient=True, disable=not sys.stderr.isatty(),
                      console=None) as bar:
            task = bar.add_task("rebuild", total=runner.head(), rate="")

            def show(p: Any) -> None:
                bar.update(task, completed=p.done, total=p.total,
                           rate=f"{p.done / p.seconds:,.0f} events/s" if p.seconds > 0 else "")

            done = runner.rebuild(names or None, progress=show)
        seconds = time.monotonic() - began
    rate = done / seconds if seconds > 0 else 0.0
    typer.echo(f"rebuilt {', '.join(names or runner.models)}: {done} events in {seconds:.1f} s ({rate:,.0f} events/s)")


# ------------------------------------------------------------------ views
def _moment(value: str | None, tz: str) -> datetime | None:
    """--as-of: a date means the end of that day (local time); an ISO time is taken as given."""
    if value is None:
        return None
    from zoneinfo import ZoneInfo

    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime.combine(day, datetime.max.time(), tzinfo=ZoneInfo(tz))
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CliError("--as-of must be a date like 2026-03-01 or a time like 2026-03-01T12:00:00+01:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))


@contextmanager
def _read_side(as_of: str | None) -> Iterator[tuple[Any, Actor, Ledger]]:
    from ledger.projections import open_views
    from ledger.projections.read_side import ReadSide

    settings = _settings()
    with _ledger() as ledger:
        at = _moment(as_of, settings.timezone)
        if at is None:
            views = open_views(ledger)
            views.catch_up()  # the CLI reads its own store: bring the views to the head first
            yield ReadSide(views), _operator(settings), ledger
        else:
            yield ReadSide.as_of(ledger, at), _operator(settings), ledger


def _json_default(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _print_view(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


@views_app.command("plan")
def views_plan(household: HouseholdId, as_of: AsOf = None) -> None:
    """The current plan: phase, case director, goals, actions (late ones marked), ZRM change since intake."""
    with _read_side(as_of) as (side, actor, ledger):
        data = side.plan(actor, household, today=_day_of(as_of, ledger))
    if data is None:
        raise CliError("that household did not exist yet then")
    _print_view(data)


@views_app.command("involved")
def views_involved(household: HouseholdId, as_of: AsOf = None) -> None:
    """Who else works with this household: organisations, professionals, volunteers, now and before."""
    with _read_side(as_of) as (side, actor, ledger):
        data = side.involved(actor, household, on=_day_of(as_of, ledger))
    if data is None:
        raise CliError("that household did not exist yet then")
    _print_view(data)


@views_app.command("caseloads")
def views_caseloads(
    as_of: AsOf = None,
    by: Annotated[str, typer.Option(help="director or organisation")] = "director",
) -> None:
    """Active households by phase, per case director or per organisation."""
    if by not in ("director", "organisation"):
        raise CliError("--by must be director or organisation")
    with _read_side(as_of) as (side, actor, ledger):
        _print_view(side.caseloads(actor, on=_day_of(as_of, ledger), by=by))


@views_app.command("access-log")
def views_access_log(
    household: Annotated[str | None, typer.Option(help="Only this household.")] = None,
    user: Annotated[str | None, typer.Option(help="Only this user id.")] = None,
    day: Annotated[str | None, typer.Option(help="Only this day (YYYY-MM-DD).")] = None,
    category: Annotated[str | None, typer.Option(help="Only records touching this data category.")] = None,
    emergencies: Annotated[bool, typer.Option("--emergencies", help="Only emergency accesses awaiting review.")] = False,
    as_of: AsOf = None,
) -> None:
    """The NEN 7513 views over the access records (per household, user, day, record; emergencies)."""
    with _read_side(as_of) as (side, actor, _ledger_):
        if emergencies:
            _print_view(side.emergencies_awaiting_review(actor))
        else:
            _print_view(side.access_records(actor, household_id=household, user_id=user,
                                            day=_date(day, "--day"), category=category))


def _day_of(as_of: str | None, ledger: Ledger) -> date:
    settings = ledger.settings
    at = _moment(as_of, settings.timezone)
    return at.date() if at is not None else ledger.app.today()


@app.command("retention")
def retention() -> None:
    """List the retention rules in force (the defaults, or LEDGER_RETENTION_FILE)."""
    settings = Settings()
    rules = load_rules(settings.retention_file)
    typer.echo(f"retention rules ({'from ' + str(settings.retention_file) if settings.retention_file else 'defaults'}):")
    for r in rules:
        on_request = "yields to a data-subject request" if r.yields_to_request else "blocks every erasure"
        typer.echo(f"  {r.kind}: {r.years} years after closure, {r.law}; {on_request}")
        typer.echo(f"    categories: {', '.join(sorted(r.categories))}" + (f"; source: {r.source}" if r.source else ""))
    if not rules:
        typer.echo("  (none: only retention holds placed by the privacy officer block erasure)")



# ------------------------------------------------------------------- entry
def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every failure becomes one line on stderr."""
    # Interactive commands log warnings only, unless LEDGER_LOG_LEVEL says otherwise.
    configure_logging(os.environ.get("LEDGER_LOG_LEVEL", "warning"))
    try:
        # Without standalone mode, typer returns (not raises) the code of a typer.Exit.
        code = app(args=argv, standalone_mode=False)
        if isinstance(code, int) and code:
            return code
    except typer.Exit as e:
        return e.exit_code
    except typer.Abort:
        typer.echo("error: aborted", err=True)
        return 1
    except typer.TyperException as e:  # typer's own click: usage and parameter errors
        message = e.format_message() if hasattr(e, "format_message") else str(e)
        typer.echo(f"error: {(message.splitlines() or ['usage error'])[0]} (see ledger --help)", err=True)
        return int(getattr(e, "exit_code", 2))
    except (errors.HouseholdError, CliError, KeyStoreError, SealedDataError, UserError, RetentionConfigError) as e:
        typer.echo(f"error: {e}", err=True)
        return 1
    except Exception as e:  # noqa: BLE001 - the last line of defence: no raw text, it may hold data
        log.error("cli_failed", error_type=type(e).__name__)
        typer.echo(f"error: internal error ({type(e).__name__}); nothing more is shown to protect case data", err=True)
        return 70
    return 0


if __name__ == "__main__":
    sys.exit(main())
