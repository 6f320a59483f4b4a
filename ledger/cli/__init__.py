"""The ``ledger`` command: one tree, operator commands on the local store and remote commands over HTTP.

Operator commands (this package's modules) work directly on the data as the local operator
(``LEDGER_OPERATOR``, default the operating-system user), recorded as the acting user like anyone
else: :mod:`.service` (``serve``, ``demo``, ``import``, ``retention``), :mod:`.views`, :mod:`.projections`,
:mod:`.audit`, :mod:`.directory` (``users``, ``organisations``), :mod:`.keys`; :mod:`.base` holds what they
share. Remote commands (:mod:`ledger.cli.remote`) go through a running service as the user of
``LEDGER_TOKEN``: ``household``, ``report``, ``whoami`` and the privacy officer's ``audit`` commands.
A case's steps are remote only, so the policy and four eyes apply to the person doing them.

Errors print one line on stderr and exit non-zero: 1 for a refused or failed command, 2 for a usage error.

Start-up stays light (``ledger --help`` in well under 0.3 s, docs/performance.md): the tree imports typer and
its own modules only; the store (sqlalchemy, eventsourcing, the application), the HTTP client (httpx), the
service (fastapi, uvicorn), structlog and rich load inside the commands that use them
(tests/unit/test_cli_startup.py keeps it so).
"""

from __future__ import annotations

import sys

import typer

from ._tree import Branch, LazyTree
from .base import CliError, configure_cli_logging, log

__all__ = ["RETIRED", "app", "main"]


def _merge_remote_audit() -> None:
    """The privacy officer's remote audit commands join the operator's ``ledger audit`` (once)."""
    from .audit import audit_app
    from .remote import audit_remote_app

    if all(g.typer_instance is not audit_remote_app for g in audit_app.registered_groups):
        audit_app.add_typer(audit_remote_app)


class _Ledger(LazyTree):
    """The one tree's table of contents; each branch is imported and built when used (ledger/cli/_tree.py)."""

    BRANCHES = {
        # The operator, on the local store.
        "serve": Branch("ledger.cli.service", "service_app", "Run the HTTP service on the configured store (SQLite by default).",
                        command="serve"),
        "demo": Branch("ledger.cli.service", "service_app",
                       "Fill the ledger with an invented municipality (synthetic data only).", command="demo"),
        "import": Branch("ledger.cli.service", "service_app", "Migrate cases from another system: validate the whole file, then "
                         "write it in batches of ~1,000 events.", command="import"),
        "retention": Branch("ledger.cli.service", "service_app",
                            "List the retention rules in force (the defaults, or LEDGER_RETENTION_FILE).",
                            command="retention"),
        "views": Branch("ledger.cli.views", "views_app", "The operator's reads of the local store (households, one household's "
                        "history, current plan, who is involved, caseloads, access log), now or --as-of."),
        "projections": Branch("ledger.cli.projections", "projections_app",
                              "Read models: follow the ledger, rebuild, show positions."),
        "audit": Branch("ledger.cli.audit", "audit_app", "Tamper evidence: signed digests and verification of the whole ledger.",
                        prepare=_merge_remote_audit),
        "users": Branch("ledger.cli.directory", "users_app", "Users and roles (managed by an administrator)."),
        "organisations": Branch("ledger.cli.directory", "organisations_app",
                                "The organisation register: ids (codes) users and consents refer to."),
        "keys": Branch("ledger.cli.keys", "keys_app", "Master key tools."),
        # A person, through the HTTP API as the user of LEDGER_TOKEN (ledger/cli/remote/); their audit commands
        # join `ledger audit`.
        "household": Branch("ledger.cli.remote", "household_app",
                            "A household's case through the HTTP API, as the user of LEDGER_TOKEN (at LEDGER_URL)."),
        "report": Branch("ledger.cli.remote", "report_app", "Reports from the service (pseudonymous aggregates)."),
        "whoami": Branch("ledger.cli.remote", "whoami_app",
                         "Who LEDGER_TOKEN belongs to (user id, organisation, role) at LEDGER_URL.", command="whoami"),
    }


app = typer.Typer(
    name="ledger",
    cls=_Ledger,
    help="Event-sourced case ledger for integrated casework (één gezin, één plan, één regisseur).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _tree() -> None:
    """The branches are declared in ``_Ledger.BRANCHES`` (a group with no commands of its own needs a callback)."""


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
    # Interactive commands log warnings only, unless LEDGER_LOG_LEVEL says otherwise: set up by the commands
    # that log (they read the settings through ledger.cli.base), not here, where it would load structlog for --help.
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
    except CliError as e:
        typer.echo(f"error: {e}", err=True)
        return 1
    except Exception as e:  # noqa: BLE001 - the last line of defence: no raw text, it may hold data
        if isinstance(e, _one_line_errors()):
            typer.echo(f"error: {e}", err=True)
            return 1
        configure_cli_logging()
        log.error("cli_failed", error_type=type(e).__name__)
        typer.echo(f"error: internal error ({type(e).__name__}); nothing more is shown to protect case data", err=True)
        return 70
    return 0



def _one_line_errors() -> tuple[type[Exception], ...]:
    """The ledger's own refusals, shown as they are (imported here, on the way out: they live in the store's modules)."""
    from ledger.aggregates import errors
    from ledger.privacy import KeyStoreError, SealedDataError
    from ledger.privacy.retention import RetentionConfigError
    from ledger.privacy.users import UserError

    return errors.HouseholdError, KeyStoreError, SealedDataError, UserError, RetentionConfigError
