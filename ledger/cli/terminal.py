"""What both halves of the CLI print with: tables that fit the terminal, moments in local time, JSON for scripts.

No ledger internals (the remote half uses it too, like :mod:`.dates`), and rich is imported only when a
table is printed, so a command that prints none does not pay for it.

- **Width.** ``COLUMNS`` when set, else the terminal's width; a pipe without ``COLUMNS`` gets 200 columns
  (scripts should read ``--json``). A table never grows past the width: long cells wrap inside their
  column (``fold``), so a record stays one row; short cells (``nowrap``) never break.
- **Time.** Every moment shown to a person is local time to the second, ``2026-03-01 09:30:15``, in the
  municipality's time zone: ``LEDGER_TIMEZONE``, the setting the ledger itself reads
  (``ledger.config.Settings.timezone``, default Europe/Amsterdam). ``--json`` keeps ISO 8601 in UTC, as
  the service and the store give it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import textwrap
from collections.abc import Collection, Iterable
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

__all__ = [
    "PIPE_WIDTH", "cell", "console", "echo", "local_time", "local_zone", "print_access_records", "print_json", "short_id",
    "table", "width",
]

DEFAULT_TIMEZONE = "Europe/Amsterdam"
PIPE_WIDTH = 200  # no terminal and no COLUMNS: wide enough that ids do not fold; --json is for scripts
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        typer.echo(f"warning: LEDGER_TIMEZONE {name!r} is not a time zone; showing {DEFAULT_TIMEZONE} time", err=True)
        return ZoneInfo(DEFAULT_TIMEZONE)


def local_zone() -> ZoneInfo:
    """The municipality's time zone (``LEDGER_TIMEZONE``, default Europe/Amsterdam)."""
    return _zone(os.environ.get("LEDGER_TIMEZONE", "").strip() or DEFAULT_TIMEZONE)


def local_time(value: datetime | str) -> str:
    """A moment (aware, or ISO 8601 with its offset) as local time to the second; other text as it is."""
    if isinstance(value, str):
        if not _MOMENT.match(value):
            return value
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:  # naive: the store's UTC
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value.astimezone(local_zone()).strftime("%Y-%m-%d %H:%M:%S")


def short_id(value: Any, length: int = 8) -> str:
    """The first characters of a UUID (the full one is under ``--json``); ``-`` for none."""
    return "-" if value is None else str(value)[:length]


def cell(value: Any) -> str:
    """One table cell as text: ``-`` for none, yes/no, lists joined, moments in local time to the second."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value) or "-"
    if isinstance(value, datetime) or (isinstance(value, str) and _MOMENT.match(value)):
        return local_time(value)
    return str(value)


def width() -> int:
    """The columns a table may use: ``COLUMNS``, else the terminal's, else :data:`PIPE_WIDTH` for a pipe."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return PIPE_WIDTH


def echo(text: str, *, indent: int = 0, err: bool = False) -> None:
    """A line of text wrapped at :func:`width` (continuations indented ``indent`` more than the first)."""
    lead = len(text) - len(text.lstrip(" "))
    lines = textwrap.wrap(text, width=width(), subsequent_indent=" " * (lead + indent), break_on_hyphens=False,
                          drop_whitespace=True) or [""]
    for line in lines:
        typer.echo(line, err=err)


def console() -> Console:
    """A console :func:`width` wide that prints text as it is: no markup (a ``[note]`` in a cell would vanish),
    no emoji codes, no colour guessing (``highlight``)."""
    from rich.console import Console

    return Console(highlight=False, markup=False, emoji=False, width=width())


def table(title: str | None, columns: Iterable[str], rows: Iterable[Iterable[Any]], *,
          nowrap: Collection[str] = ()) -> Table:
    """A table that fits the console: long cells fold inside their column; a column named in ``nowrap`` never breaks.

    Columns are separated by two spaces under one rule, with no frame, so 80 columns hold six or seven.
    """
    from rich import box
    from rich.table import Table

    t = Table(title=title, title_justify="left", show_edge=False, pad_edge=False, box=box.SIMPLE_HEAD,
              collapse_padding=True)
    for c in columns:
        t.add_column(c, overflow="fold", no_wrap=c in nowrap)
    for row in rows:
        t.add_row(*(cell(v) for v in row))
    return t


def _categories(values: list[str] | None) -> str:
    """One or two categories by name, more as a count (the names are under ``--json``)."""
    values = values or []
    return (", ".join(values) or "-") if len(values) <= 2 else f"{len(values)} categories"


def _withheld(values: dict[str, str] | None) -> str:
    """What a read withheld, by count (issue 16: disclosure by category; the codes are under ``--json``)."""
    return f"; {len(values)} withheld" if values else ""


def print_access_records(rows: list[dict[str, Any]], *, with_household: bool = True) -> None:
    """The access log (``ledger audit log``, ``ledger views access-log``): one row per record at 80 columns.

    Time, user, action, household (its first 8 characters), outcome (an emergency access says so) and the
    categories; every field of every record is under ``--json``.
    """
    columns = ["time", "user", "action", *(["household"] if with_household else []), "outcome", "categories"]
    console().print(table(None, columns, [
        (r.get("at"), r.get("user_id"), r.get("action"), *([short_id(r.get("household_id"))] if with_household else []),
         f"{r.get('outcome')} (emergency)" if r.get("emergency") else r.get("outcome"),
         _categories(r.get("data_categories")) + _withheld(r.get("withheld_categories"))) for r in rows],
        nowrap=("time",)))
    typer.echo(f"{len(rows)} access records; times in {local_zone().key}; every field with --json")


def print_json(data: Any) -> None:
    """JSON for scripts: the full record, moments as ISO 8601 (UTC as stored), no ASCII escaping."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


def _json_default(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
