"""``ledger projections status|run|rebuild``: the read models follow the ledger, are rebuilt, show their positions."""

from __future__ import annotations

from typing import Annotated

import typer

from .base import AsJson, CliError, _ledger, _print_json
from .progress import Progress, catch_up_shown
from .terminal import local_time

__all__ = ["projections_app"]

projections_app = typer.Typer(help="Read models: follow the ledger, rebuild, show positions.", no_args_is_help=True)


@projections_app.command("status")
def projections_status(as_json: AsJson = False) -> None:
    """Each view's position in the ledger, how far behind the head it is, and where a stalled view stopped."""
    with _ledger() as ledger:
        runner = ledger.views
        head = runner.head()
        stalls = runner.failures()
        positions = runner.positions()
    if as_json:
        return _print_json([
            {"view": name, "position": position, "head": head, "behind": head - position,
             "stalled": None if (stall := stalls.get(name)) is None else {
                 "position": stall.position, "error_type": stall.error_type, "attempts": stall.attempts,
                 "since": stall.since.isoformat()}}
            for name, position in positions.items()])
    for name, position in positions.items():
        line = f"{name:18} at {position:>10}  (head {head}, {head - position} behind)"
        stall = stalls.get(name)
        if stall is not None:
            line += (f"  STALLED at position {stall.position}: {stall.error_type}"
                     f" ({stall.attempts} attempts since {local_time(stall.since)})")
        typer.echo(line)


@projections_app.command("run")
def projections_run(
    once: Annotated[bool, typer.Option("--once", help="Catch up to the head and exit.")] = False,
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="Events per transaction.")] = 500,
) -> None:
    """Follow the ledger and keep every view up to date (until interrupted)."""
    import signal
    import threading

    with _ledger() as ledger:
        runner = ledger.open_views(batch=batch)
        if once:
            n = catch_up_shown(runner)
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

    with _ledger() as ledger:
        runner = ledger.views
        unknown = [n for n in names or [] if n not in runner.models]
        if unknown:
            raise CliError(f"unknown view {unknown[0]!r}; known: {', '.join(runner.models)}")
        began = time.monotonic()
        with Progress("rebuilding", "events", runner.head()) as shown:
            done = runner.rebuild(names or None, progress=lambda p: shown.update(p.done, p.total))
        seconds = time.monotonic() - began
    rate = done / seconds if seconds > 0 else 0.0
    typer.echo(f"rebuilt {', '.join(names or runner.models)}: {done} events in {seconds:.1f} s ({rate:,.0f} events/s)")
