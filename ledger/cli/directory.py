"""``ledger users|organisations ...``: the directory of users and organisations, managed by the operator."""

from __future__ import annotations

from typing import Annotated

import typer

from .base import AsJson, _ledger, _operator, _print_json, _settings
from .terminal import console, table

__all__ = ["organisations_app", "users_app"]

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
    console().print(table(None, ["user", "role", "status", "organisation", "name"],
                          [(u.user_id, u.role.value, "disabled" if u.disabled else "active", u.organisation,
                            u.display_name) for u in rows], nowrap=("user",)))
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
    console().print(table(None, ["organisation", "kind", "name"], [(o.org_id, o.kind.value, o.name) for o in rows],
                          nowrap=("organisation",)))
    typer.echo(f"{len(rows)} organisations")
