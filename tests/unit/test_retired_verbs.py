"""One command set per job (issue 16 item 8): a verb retired from the top level points to the one command now."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer

from ledger.cli import RETIRED, app, main


def _resolves(path: list[str]) -> bool:
    """``path`` names a command (not a group) of the tree (typer's own click: groups have ``commands``)."""
    command: Any = typer.main.get_command(app)
    for name in path:
        if name not in getattr(command, "commands", {}):
            return False
        command = command.commands[name]
    return not hasattr(command, "commands")


@pytest.mark.parametrize("verb", sorted(RETIRED))
def test_a_retired_verb_is_one_line_naming_the_command_that_does_its_job(
        verb: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`ledger show X` exits 2 with one line on stderr naming the command(s) of that job, each of which exists."""
    assert main([verb, "00000000-0000-4000-8000-000000000001", "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith(f"error: `ledger {verb}` is gone; use ")
    named = re.findall(r"`ledger ([a-z -]+)`", err)[1:]
    assert named and all(_resolves(n.split()) for n in named), named


def test_no_retired_verb_is_a_command_again() -> None:
    """A retired name that came back as a command would be shadowed by its note: one of the two must go."""
    assert not any(_resolves([verb]) for verb in RETIRED)
    assert _resolves(["views", "household"]) and not _resolves(["nonexistent"])
