"""The `ledger` command starts light: help and the tree load no store, no HTTP client, no service (issue 16 item 6).

Nothing here times anything (bench/startup.py measures): each test runs the command in a fresh interpreter,
lists the modules it imported and fails if a heavy one is among them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import typer.main

from ledger.cli import _Ledger, app

# What a start-up that touches no store must not import (each costs 0.05-0.5 s of CPU).
HEAVY = ("sqlalchemy", "eventsourcing", "fastapi", "starlette", "uvicorn", "cryptography", "httpx", "psycopg",
         "structlog", "pydantic", "rich", "ledger.bootstrap", "ledger.application", "ledger.persistence",
         "ledger.projections", "ledger.client", "ledger.aggregates")

HELP = [
    ["--help"],
    ["whoami", "--help"],
    ["household", "--help"],
    ["household", "show", "--help"],
    ["household", "consent", "--help"],
    ["views", "--help"],
    ["views", "household", "--help"],
    ["demo", "--help"],
    ["import", "--help"],
    ["serve", "--help"],
    ["audit", "--help"],
    ["audit", "verify", "--help"],
    ["projections", "--help"],
    ["report", "--help"],
    ["users", "--help"],
    ["keys", "--help"],
]


# `ledger ARGS` in a fresh interpreter, then the modules it imported (importtime misses importlib's own imports).
RUN = ("import json, sys\nfrom ledger.cli import main\ncode = main(sys.argv[1:])\n"
       "sys.stderr.write('\\nMODULES ' + json.dumps(sorted(sys.modules)))\nsys.exit(code)")


def _imported(args: list[str]) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")} | {"COLUMNS": "80"}
    done = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, timeout=120, env=env)
    _, _, listed = done.stderr.rpartition("\nMODULES ")
    return done, set(json.loads(listed))


@pytest.mark.parametrize("args", HELP, ids=[" ".join(a) for a in HELP])
def test_help_imports_no_heavy_module(args: list[str]) -> None:
    """`ledger ... --help` prints its help without importing the store, the client, the service, structlog or rich."""
    done, modules = _imported(args)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("Usage:")
    assert "ledger.cli" in modules  # the measurement saw the CLI load at all
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY or any(m.startswith(h + ".") or m == h for h in HEAVY))
    assert not heavy, f"`ledger {' '.join(args)}` imported {heavy[:8]}"


def test_running_a_branch_builds_only_that_branch() -> None:
    """`ledger views --help` imports the views module, not the remote commands or the service's module."""
    _, modules = _imported(["views", "--help"])
    assert "ledger.cli.views" in modules
    assert not {"ledger.cli.remote", "ledger.cli.service", "ledger.cli.audit"} & modules


def _help(group: typer.core.TyperGroup) -> str:
    ctx = group.make_context("ledger", ["--help"], resilient_parsing=True)
    return group.get_help(ctx)


def test_declared_branch_help_is_the_loaded_help() -> None:
    """The list in `ledger --help` (declared, nothing loaded) is the one the loaded commands give."""
    lazy = typer.main.get_command(app)
    declared = _help(lazy)
    assert not lazy.branches.built, "listing the tree built a branch"
    every = dict(lazy.commands.items())  # builds every branch
    assert set(every) == set(_Ledger.BRANCHES)
    assert _help(lazy) == declared
    for name, branch in _Ledger.BRANCHES.items():
        assert every[name].help is not None and " ".join(every[name].help.split()) == branch.summary, name


def test_every_merged_command_is_declared() -> None:
    """A command added to an app merged into the top (serve, demo, import, retention, whoami) is in the tree."""
    from ledger.cli.remote import whoami_app
    from ledger.cli.service import service_app

    for sub in (service_app, whoami_app):
        for name in typer.main.get_group(sub).commands:
            assert name in _Ledger.BRANCHES, f"`ledger {name}` is not declared in _Ledger.BRANCHES"


def test_the_whole_tree_still_walks_to_every_leaf() -> None:
    """Walking the tree through `commands` (as the action vocabulary test does) reaches the remote audit commands."""
    tree = typer.main.get_command(app)
    audit = tree.commands["audit"]
    assert {"verify", "digest", "log", "emergencies", "review"} <= set(audit.commands)
    assert "show" in tree.commands["household"].commands
