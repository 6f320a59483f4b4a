"""The operator CLI's directory, audit and key commands: `ledger users|organisations|audit|keys`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ledger.bootstrap import generate_master_key
from .cli_base import AsJson, CliError, _fail, _ledger, _operator, _print_json, _progress_printer, _settings

keys_app = typer.Typer(help="Master key tools.", no_args_is_help=True)
audit_app = typer.Typer(help="Tamper evidence: signed digests and verification of the whole ledger.", no_args_is_help=True)
users_app = typer.Typer(help="Users and roles (managed by an administrator).", no_args_is_help=True)
organisations_app = typer.Typer(help="The organisation register: ids (codes) users and consents refer to.",
                                no_args_is_help=True)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Option("--name", help="Display name.")],
    role: Annotated[str, typer.Option("--role", help="consultant, professional, privacy_officer, evaluator or admin.")],
    organisation: Annotated[str, typer.Option("--organisation", help="The user's organisation id (registered).")],
    user_id: Annotated[str | None, typer.Option("--id", help="User id; default generated.")] = None,
) -> None:
    """Add a user; their bearer token is shown once, alone on the last line."""
    settings = _settings()
    with _ledger() as ledger:  # the add is recorded (event and access record) before the token shows
        user, token = ledger.users.add(display_name=name, organisation=organisation, role=role, user_id=user_id,
                                       by=_operator(settings))
    typer.echo(f"Added {user.user_id} ({user.role.value}, {user.organisation}). Their token, shown only now:")
    typer.echo(token)


@users_app.command("list")
def users_list(as_json: AsJson = False) -> None:
    """List users with their role, organisation and status."""
    with _ledger() as ledger:
        rows = ledger.users.list()
    if as_json:
        _print_json([{"id": u.user_id, "name": u.display_name, "organisation": u.organisation,
                      "role": u.role.value, "disabled": u.disabled} for u in rows])
        return
    for u in rows:
        typer.echo(f"{u.user_id:14} {u.role.value:16} {'disabled' if u.disabled else 'active':8} "
                   f"{u.organisation} / {u.display_name}")
    typer.echo(f"{len(rows)} users")


@users_app.command("disable")
def users_disable(user_id: Annotated[str, typer.Argument(help="The user's id.")]) -> None:
    """Disable a user: their token stops working at once."""
    settings = _settings()
    with _ledger() as ledger:
        user = ledger.users.disable(user_id, by=_operator(settings))
    typer.echo(f"{user.user_id} disabled")


@users_app.command("adopt")
def users_adopt() -> None:
    """After an upgrade: record the users of an earlier release in the ledger (until then they cannot sign in)."""
    settings = _settings()
    with _ledger() as ledger:
        adopted = ledger.users.adopt(by=_operator(settings))
    typer.echo(f"{len(adopted)} users recorded in the ledger" + (f": {', '.join(adopted)}" if adopted else ""))


@organisations_app.command("add")
def organisations_add(
    org_id: Annotated[str, typer.Argument(help="The organisation's id: a code such as ggz-noord.")],
    name: Annotated[str, typer.Option("--name", help="The organisation's name.")],
    kind: Annotated[str, typer.Option("--kind", help="partner or municipality.")] = "partner",
) -> None:
    """Register an organisation (recorded in the ledger) so users and consents can name it."""
    settings = _settings()
    with _ledger() as ledger:
        org = ledger.users.add_organisation(org_id, name, kind, by=_operator(settings))
    typer.echo(f"Registered {org.org_id} ({org.kind.value}): {org.name}")


@organisations_app.command("list")
def organisations_list(as_json: AsJson = False) -> None:
    """List the registered organisations."""
    with _ledger() as ledger:
        rows = ledger.users.organisations()
    if as_json:
        _print_json([{"id": o.org_id, "name": o.name, "kind": o.kind.value} for o in rows])
        return
    for o in rows:
        typer.echo(f"{o.org_id:40} {o.kind.value:12} {o.name}")
    typer.echo(f"{len(rows)} organisations")


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
        report = ledger.audit.verify(_operator(settings), ledger.views if views else None, digest,
                                     progress=_progress_printer())
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


@keys_app.command("generate")
def keys_generate() -> None:
    """Print a new random master key (base64) for LEDGER_MASTER_KEY."""
    typer.echo(generate_master_key())


@keys_app.command("status")
def keys_status() -> None:
    """Which master key wraps how many data keys, pending erasures, and whether a rotation is due."""
    with _ledger() as ledger:
        status = ledger.keys.status()
    typer.echo(f"current master key: {status.current}")
    for mid, count in sorted(status.rows_by_master.items()):
        typer.echo(f"  {mid}: {count} data keys" + ("" if mid == status.current else " (old: run `ledger keys rotate`)"))
    typer.echo(f"pending erasures: {status.pending_erasures}")
    if status.rotation_due:
        typer.echo(f"rotation due: {status.erasures_under_current} erasures since the last rotation "
                   "(WAL, standbys and backups can still undo them)")
    elif status.rotation_unfinished:
        typer.echo("rotation unfinished: data keys are still wrapped by an old master key")
    else:
        typer.echo("rotation: not due")
    for mid in status.old_keys_unused:
        typer.echo(f"old master key {mid} wraps nothing any more: remove it from the configuration and destroy "
                   "every copy")


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
