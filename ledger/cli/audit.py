"""The operator CLI's audit commands on the local store: `ledger audit digest|verify|chain-tail`.

The privacy officer's commands over the HTTP API join the same group (:mod:`ledger.cli.remote.audit`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .base import CliError, _fail, _ledger, _operator, _settings
from .progress import Progress

__all__ = ["audit_app"]

audit_app = typer.Typer(help="Tamper evidence: signed digests and verification of the whole ledger.", no_args_is_help=True)


@audit_app.command("digest")
def audit_digest(
    out: Annotated[Path | None, typer.Option("--out", help="Also write the digest to this file.")] = None,
) -> None:
    """Check the chain since the last kept digest, then sign a digest of its head and keep it (digest directory)."""
    from ledger.privacy.chain import ChainBrokenError

    settings = _settings()
    with _ledger() as ledger:
        try:
            digest = ledger.audit.digest(_operator(settings))  # recorded as the API's GET /v1/audit/digest
        except ChainBrokenError as e:
            _fail(f"no digest signed: {e} Run `ledger audit verify`.")
        unchained = ledger.chain.unchained()
    if out is None:
        typer.echo(digest.to_json())
    else:
        out.write_text(digest.to_json() + "\n")
        typer.echo(f"digest at position {digest.position} (key {digest.key_id}) written to {out}")
    if unchained:
        typer.echo(f"warning: positions {unchained[0]}..{unchained[1]} are not chained (`ledger audit verify`)",
                   err=True)


@audit_app.command("verify")
def audit_verify(
    digest_file: Annotated[Path | None, typer.Option(
        "--digest", help="A digest exported earlier (default: the latest in the digest directory).")] = None,
    views: Annotated[bool, typer.Option(help="Also compare every view with a replay of the ledger.")] = True,
) -> None:
    """Check the chain (no re-chaining), the directory, snapshots and views; exit 1 on any failure."""
    from ledger.privacy.chain import Digest

    digest = None
    if digest_file is not None:
        try:
            digest = Digest.from_json(digest_file.read_text())
        except (OSError, ValueError, KeyError, TypeError):
            raise CliError(f"{digest_file} is not a readable ledger digest") from None
    settings = _settings()
    with _ledger() as ledger:  # recorded as the API's POST /v1/audit/verification
        with Progress("audit verify: chain", "records", ledger.app.recorder.max_notification_id() or 0) as shown:
            report = ledger.audit.verify(_operator(settings), ledger.views if views else None, digest,
                                         progress=shown.update)
    for note in report.notes:
        typer.echo(f"note: {note}", err=True)
    if not report.ok:
        for problem in report.problems[1:]:
            typer.echo(f"also: {problem}", err=True)
        _fail(f"verification failed: {report.problems[0]}")
    typer.echo(f"ok: {report.checked} records verified up to position {report.head_position}"
               + (f", matching the digest at {report.digest.position} (key {report.digest.key_id})"
                  if report.digest else ", no digest to compare with")
               + (", views match a replay" if views else "")
               + "; every live household has its key, no erased one has")


@audit_app.command("chain-tail")
def audit_chain_tail(
    yes: Annotated[bool, typer.Option("--yes", help="Chain without asking (after `ledger audit verify`).")] = False,
) -> None:
    """Chain notifications recorded after the chain's head (an upgrade from a release without it); recorded."""
    settings = _settings()
    with _ledger() as ledger:
        tail = ledger.chain.unchained()
        if tail is None:
            typer.echo("nothing to chain: the chain reaches the end of the ledger")
            return
        result = ledger.chain.verify(ledger.digests.latest())
        expected = f"not chained (positions {tail[0]}..{tail[1]})"
        if not result.ok and expected not in (result.problem or ""):
            _fail(f"not chained: the chained part does not verify first: {result.problem}")
        if not yes and not typer.confirm(f"Chain positions {tail[0]}..{tail[1]} as they are stored now?"):
            _fail("nothing chained")
        ledger.chain.extend()
        ledger.app.record_chain_tail(_operator(settings), *tail)
    typer.echo(f"chained positions {tail[0]}..{tail[1]}; recorded as chain_tail by {settings.operator}")
