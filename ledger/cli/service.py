"""``ledger serve|demo|import|retention``: the operator runs the service and fills or inspects the local store.

A case's steps are not here: a person does them through the service (``ledger household ...``,
:mod:`ledger.cli.remote`), where the access policy, four eyes and the access records apply to them.
``demo`` and ``import`` are the operator's two ways to put cases in the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .base import AsJson, CliError, _ledger, _operator, _print_json, _settings, log
from .progress import Progress, Stages
from .terminal import echo

__all__ = ["service_app"]

service_app = typer.Typer()  # merged into `ledger` itself (no name of its own)


@service_app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL only; SQLite uses one).")] = 1,
) -> None:
    """Run the HTTP service on the configured store (SQLite by default)."""
    import uvicorn

    from ledger.bootstrap import build, configure_logging

    settings = _settings()
    if workers > 1 and not settings.uses_postgres:
        raise CliError("several workers need PostgreSQL (set LEDGER_DATABASE_URL)")
    configure_logging(settings.log_level)  # the service's level (main() set the CLI's)
    build(settings).close()  # create the data directory, key file and tables before serving
    log.info("service_starting", host=host, port=port, store="postgresql" if settings.uses_postgres else "sqlite")
    # uvicorn's access log prints raw paths (a name pasted into an id field would land in it);
    # the app logs each request itself, with the route template and ids only.
    uvicorn.run("ledger.api.main:create_app", factory=True, host=host, port=port, workers=workers, log_level="info",
                access_log=False)


@service_app.command()
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
        with Progress("demo", "events") as shown:
            report = demo_mod.generate(
                ledger, households=households, seed=seed, operator=_operator(settings), clock=clock,
                progress=shown.update,
            )
    typer.echo(
        f"Invented {report.households} households with {report.events} events "
        f"({report.first_day.isoformat()} to {report.last_day.isoformat()}): "
        f"{report.closed} closed, {report.erased} erased."
    )


@service_app.command("import")
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
    with _ledger() as ledger, Stages("import", "households") as shown:
        report = import_file(ledger.app, file, _operator(settings), dry_run=dry_run, resume=resume,
                             progress=shown.update)
    typer.echo(report.summary())


@service_app.command("retention")
def retention(as_json: AsJson = False) -> None:
    """List the retention rules in force (the defaults, or LEDGER_RETENTION_FILE)."""
    from ledger.config import Settings
    from ledger.privacy.retention import load_rules

    settings = Settings()
    rules = load_rules(settings.retention_file)
    if as_json:
        return _print_json([{"kind": r.kind, "years": r.years, "law": r.law, "yields_to_request": r.yields_to_request,
                             "categories": sorted(r.categories), "source": r.source or None} for r in rules])
    typer.echo(f"retention rules ({'from ' + str(settings.retention_file) if settings.retention_file else 'defaults'}):")
    for r in rules:
        on_request = "yields to a data-subject request" if r.yields_to_request else "blocks every erasure"
        echo(f"  {r.kind}: {r.years} years after closure, {r.law}; {on_request}", indent=4)
        echo(f"    categories: {', '.join(sorted(r.categories))}" + (f"; source: {r.source}" if r.source else ""),
             indent=2)
    if not rules:
        typer.echo("  (none: only retention holds placed by the privacy officer block erasure)")
