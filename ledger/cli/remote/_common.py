"""What the remote commands share: the client from LEDGER_URL and LEDGER_TOKEN, options, tables, one-line errors.

HTTP only, like :mod:`ledger.client`: nothing here (or in any ``ledger.cli.remote`` module) imports the
store, the application or the operator CLI (an import-linter contract in pyproject.toml says so).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer

from .. import terminal
from ..dates import parse_date, parse_moment

if TYPE_CHECKING:  # httpx and rich load when a command calls the service or prints, not for `--help` (ledger/cli)
    from rich.console import Console
    from rich.table import Table

    from ledger.client import LedgerClient, Written

DEFAULT_URL = "http://127.0.0.1:8000"

HouseholdId = Annotated[str, typer.Argument(help="The household id (a UUID).")]
Version = Annotated[int, typer.Option("--version", "-v", help="The household version you expect (its ETag).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
On = Annotated[str | None, typer.Option("--on", help="The date it happened (YYYY-MM-DD); default today.")]
Key = Annotated[str | None, typer.Option("--idempotency-key", help="Retry-safe key (default: a new one per call).")]
Timeout = Annotated[float | None, typer.Option(
    "--timeout", min=0.001, metavar="SECONDS",
    help="Wait this long for the answer (default LEDGER_CLIENT_TIMEOUT, else 10 minutes for a report or the "
         "audit's digest and verification, 30 s otherwise). A request that reached the service is never sent twice.")]

P = ParamSpec("P")
R = TypeVar("R")


# ----------------------------------------------------------------- plumbing
def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    raise typer.Exit(code)


def _handled(command: Callable[P, R]) -> Callable[P, R]:
    """Every refusal or connection failure becomes one line on stderr and exit 1."""
    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        from ledger.client import LedgerApiError, LedgerTimeout, LedgerUnavailable

        try:
            return command(*args, **kwargs)
        except LedgerApiError as e:
            _fail(e.message)
        except LedgerTimeout as e:
            _fail(str(e))
        except LedgerUnavailable as e:
            _fail(f"{e}; is the service running? (LEDGER_URL)")
    return run


@contextmanager
def _client(timeout: float | None = None) -> Iterator[LedgerClient]:
    """The client for LEDGER_URL as LEDGER_TOKEN's user; ``timeout`` (``--timeout``) beats LEDGER_CLIENT_TIMEOUT."""
    token = os.environ.get("LEDGER_TOKEN", "").strip()
    if not token:
        _fail("LEDGER_TOKEN is not set: export your bearer token (from `ledger users add`)", 2)
    url = os.environ.get("LEDGER_URL", "").strip() or DEFAULT_URL
    if not url.startswith(("http://", "https://")):
        _fail(f"LEDGER_URL must start with http:// or https:// (got {url!r})", 2)
    from ledger.client import LedgerClient

    try:
        client = LedgerClient(url, token, timeout=timeout)
    except ValueError as e:  # LEDGER_CLIENT_TIMEOUT is not a number of seconds
        _fail(str(e), 2)
    try:
        yield client
    finally:
        client.close()


def _date(value: str | None, option: str = "--on") -> date | None:
    try:
        return parse_date(value, option)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None


def _moment(value: str | None, option: str) -> datetime | None:
    try:
        return parse_moment(value, option)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None


def _console() -> Console:
    """The console tables print on: ``COLUMNS`` wide, else the terminal's width (:mod:`ledger.cli.terminal`)."""
    return terminal.console()


def _json(data: Any) -> None:
    terminal.print_json(data)


def _cell(value: Any) -> str:
    """A cell as text; a moment in local time to the second (:func:`ledger.cli.terminal.cell`)."""
    return terminal.cell(value)


def _table(title: str | None, columns: Iterable[str], rows: Iterable[Iterable[Any]], *,
           nowrap: Collection[str] = ()) -> Table:
    """The one table helper of the CLI (:func:`ledger.cli.terminal.table`): fits ``COLUMNS``, long cells fold
    inside their column, a column named in ``nowrap`` never breaks, moments in local time to the second."""
    return terminal.table(title, columns, rows, nowrap=nowrap)


def _written(w: Written, as_json: bool, item: str | None = None) -> None:
    if as_json:
        _json({"household_id": w.household_id, "version": w.version, "position": w.position, "item_id": w.item_id})
    elif item and w.item_id:
        typer.echo(f"version {w.version}; {item} {w.item_id}")
    else:
        typer.echo(f"version {w.version}")
