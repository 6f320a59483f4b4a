"""The ``ledger`` command: one tree, operator commands on the local store and remote commands over HTTP.

Operator commands (this package's modules) work directly on the data as the local operator
(``LEDGER_OPERATOR``, default the operating-system user), recorded as the acting user like anyone
else: :mod:`.service` (``serve``, ``demo``, ``import``, ``retention``), :mod:`.views`, :mod:`.projections`,
:mod:`.audit`, :mod:`.directory` (``users``, ``organisations``), :mod:`.keys`; :mod:`.base` holds what they
share. Remote commands (:mod:`ledger.cli.remote`) go through a running service as the user of
``LEDGER_TOKEN``: ``household``, ``report``, ``whoami`` and the privacy officer's ``audit`` commands.
A case's steps are remote only, so the policy and four eyes apply to the person doing them.

Errors print one line on stderr and exit non-zero: 1 for a refused or failed command, 2 for a usage error.
"""

from __future__ import annotations

import sys

import typer

from ledger.aggregates import errors
from ledger.bootstrap import configure_logging
from ledger.privacy import KeyStoreError, SealedDataError
from ledger.privacy.retention import RetentionConfigError
from ledger.privacy.users import UserError

from .audit import audit_app
from .base import CliError, log
from .directory import organisations_app, users_app
from .keys import keys_app
from .projections import projections_app
from .remote import audit_remote_app, household_app, report_app, whoami_app
from .service import service_app
from .views import views_app

__all__ = ["RETIRED", "app", "main"]

app = typer.Typer(
    name="ledger",
    help="Event-sourced case ledger for integrated casework (één gezin, één plan, één regisseur).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
# The operator, on the local store.
app.add_typer(service_app)  # serve, demo, import, retention
app.add_typer(views_app, name="views")
app.add_typer(projections_app, name="projections")
app.add_typer(audit_app, name="audit")
app.add_typer(users_app, name="users")
app.add_typer(organisations_app, name="organisations")
app.add_typer(keys_app, name="keys")
# A person, through the HTTP API as the user of LEDGER_TOKEN (ledger/cli/remote/); their audit commands join `ledger audit`.
app.add_typer(household_app, name="household")
audit_app.add_typer(audit_remote_app)
app.add_typer(report_app, name="report")
app.add_typer(whoami_app)


# One command set per job (issue 16 item 8): the verbs issue 13 retired from the top level point to the one
# command that does their job now (a usage error, exit 2), instead of typer's bare "No such command".
_BY_THE_SERVICE = "you, through the service"
RETIRED: dict[str, str] = {
    "households": f"`ledger views households` (the operator, on the store) or `ledger household list` ({_BY_THE_SERVICE})",
    "show": f"`ledger views household` (the operator, on the store) or `ledger household show` ({_BY_THE_SERVICE})",
    "refer": f"`ledger household refer` ({_BY_THE_SERVICE})",
    "intake": f"`ledger household intake` ({_BY_THE_SERVICE})",
    "zrm": f"`ledger household zrm` ({_BY_THE_SERVICE})",
    "close": f"`ledger household close` ({_BY_THE_SERVICE})",
    "erase": f"`ledger household request-erasure`, then `ledger household erase` (four eyes, {_BY_THE_SERVICE})",
    "export": f"`ledger household access-request`, then `ledger household export` ({_BY_THE_SERVICE})",
}


# ------------------------------------------------------------------- entry
def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every failure becomes one line on stderr."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in RETIRED:
        typer.echo(f"error: `ledger {args[0]}` is gone; use {RETIRED[args[0]]} (see ledger --help)", err=True)
        return 2
    # Interactive commands log warnings only, unless LEDGER_LOG_LEVEL says otherwise.
    configure_logging(default="warning")
    try:
        # Without standalone mode, typer returns (not raises) the code of a typer.Exit.
        code = app(args=args, standalone_mode=False)
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

