"""``ledger keys generate|status|rotate|reindex``: the master key, the data keys it wraps, the BSN blind index."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from .base import AsJson, _fail, _ledger, _operator, _print_json
from .terminal import echo

__all__ = ["keys_app"]

keys_app = typer.Typer(help="Master key tools.", no_args_is_help=True)


@keys_app.command("generate")
def keys_generate() -> None:
    """Print a new random master key (base64) for LEDGER_MASTER_KEY."""
    from ledger.bootstrap import generate_master_key

    typer.echo(generate_master_key())


@keys_app.command("status")
def keys_status(as_json: AsJson = False) -> None:
    """Which master key wraps how many data keys, pending erasures, and whether a rotation is due."""
    with _ledger() as ledger:
        status = ledger.keys.status()
    if as_json:
        return _print_json({**dataclasses.asdict(status), "rotation_due": status.rotation_due,
                            "rotation_unfinished": status.rotation_unfinished})
    typer.echo(f"current master key: {status.current}")
    for mid, count in sorted(status.rows_by_master.items()):
        typer.echo(f"  {mid}: {count} data keys" + ("" if mid == status.current else " (old: run `ledger keys rotate`)"))
    typer.echo(f"pending erasures: {status.pending_erasures}")
    if status.rotation_due:
        echo(f"rotation due: {status.erasures_under_current} erasures since the last rotation "
             "(WAL, standbys and backups can still undo them)", indent=2)
    elif status.rotation_unfinished:
        typer.echo("rotation unfinished: data keys are still wrapped by an old master key")
    else:
        typer.echo("rotation: not due")
    for mid in status.old_keys_unused:
        echo(f"old master key {mid} wraps nothing any more: remove it from the configuration and destroy "
             "every copy", indent=2)


@keys_app.command("reindex")
def keys_reindex() -> None:
    """Rebuild the BSN blind index of every live household (decrypts each household's members; recorded).

    Run it once after upgrading a store made before the index, or after replacing LEDGER_INDEX_KEY.
    """
    with _ledger() as ledger:
        households, entries = ledger.app.reindex_bsns(_operator(ledger.settings))
    typer.echo(f"{households} households indexed, {entries} BSN entries")


@keys_app.command("rotate")
def keys_rotate(
    batch: Annotated[int, typer.Option("--batch", min=1, max=100_000, help="Data keys re-wrapped per transaction.")
                     ] = 500,
) -> None:
    """Re-wrap every data key under the current master key (LEDGER_MASTER_KEY), online and resumable.

    Configure the new key as LEDGER_MASTER_KEY and the old one in LEDGER_OLD_MASTER_KEYS
    on every instance first (docs/architecture.md "Master-key rotation").
    """
    with _ledger() as ledger:  # start-up finishes pending erasures first: their keys are shredded, not re-wrapped
        done = ledger.keys.rotate(batch=batch, progress=lambda n: typer.echo(f"{n} data keys re-wrapped", err=True))
        status = ledger.keys.status()
    typer.echo(f"{done} data keys re-wrapped under master key {status.current}")
    if status.rotation_unfinished:
        _fail("some data keys are still under an old master key (a pending erasure or a concurrent run); "
              "run `ledger keys rotate` again")
    for mid in status.old_keys_unused:
        typer.echo(f"old master key {mid} wraps nothing any more: remove it from the configuration and destroy "
                   "every copy; erasures before now can then no longer be undone from WAL, standbys or backups")
