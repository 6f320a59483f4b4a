"""What the operator CLI's command modules share: settings, the ledger, the operator, one-line errors.

``ledger.cli`` is the tree and the entry point; each operator group is a module beside this one
(``ledger.cli.views``, ``.audit``, ...). Every failure becomes one line on stderr (``CliError``, raised
and caught in ``main``). The remote commands (``ledger.cli.remote``) never import this module.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from .dates import parse_date

if TYPE_CHECKING:  # the store's modules load in the commands that open it (`ledger --help` stays light)
    from ledger.aggregates import Actor
    from ledger.bootstrap import Ledger
    from ledger.config import Settings

AsOf = Annotated[str | None, typer.Option("--as-of", help="Show the view as it stood then (YYYY-MM-DD or ISO time).")]


class _Log:
    """structlog's ``ledger.cli`` logger, imported on first use (structlog alone costs ~0.1 s of start-up)."""

    def __getattr__(self, name: str) -> Any:
        import structlog

        return getattr(structlog.get_logger("ledger.cli"), name)


log = _Log()

HouseholdId = Annotated[str, typer.Argument(help="The household id (a UUID).")]
Version = Annotated[int, typer.Option("--version", "-v", help="The household version you expect (optimistic concurrency).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
On = Annotated[str | None, typer.Option("--on", help="The date it happened (YYYY-MM-DD); default today.")]


class CliError(Exception):
    """A one-line error for the person at the terminal."""


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def configure_cli_logging() -> None:
    """Interactive commands log warnings only, unless LEDGER_LOG_LEVEL says otherwise; set up once, on first use
    (by every command that reads the settings and by ``main`` on an internal error), not at start-up."""
    import structlog

    if not structlog.is_configured():
        from ledger.bootstrap import configure_logging

        configure_logging(default="warning")


def _settings() -> Settings:
    import pydantic

    from ledger.config import Settings

    configure_cli_logging()
    try:
        return Settings()
    except pydantic.ValidationError as e:
        first = e.errors()[0]
        raise CliError(f"setting LEDGER_{str(first['loc'][0]).upper()}: {first['msg']}") from None


@contextmanager
def _ledger(**kwargs: Any) -> Iterator[Ledger]:
    from ledger.bootstrap import build

    ledger = build(_settings(), **kwargs)
    try:
        yield ledger
    finally:
        ledger.close()


def _operator(settings: Settings) -> Actor:
    from ledger.aggregates import Actor

    return Actor(user_id=settings.operator, organisation=settings.organisation, role="operator")


def _date(value: str | None, what: str = "--on") -> date | None:
    try:
        return parse_date(value, what)
    except ValueError as e:
        raise CliError(str(e)) from None


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


