"""The ``ledger`` tree, loaded one branch at a time: ``ledger --help`` builds no command, ``ledger views ...`` only ``views``.

typer turns every command's signature into a click command when the tree is built (~0.3 s for the whole
tree, on top of importing every module). :class:`LazyTree` is the top group instead: it lists the
branches from :data:`Branch` declarations (their names and one-line help) and imports and builds a
branch only when it is asked for (to run it, or to show its own ``--help``). Its ``commands`` mapping
loads on access, so walking the whole tree (tests/unit/test_action_vocabulary.py) still sees every leaf;
tests/unit/test_cli_startup.py proves the declared help equals the loaded one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any

from typer.core import TyperCommand, TyperGroup, TyperOption
from typer.main import get_group_from_info
from typer.models import TyperInfo

__all__ = ["Branch", "LazyTree"]

Click = Any  # typer's vendored click Command (typer._click is not a public module to annotate with)


class _HelpFlag(TyperOption):
    """``--help`` of a group: absent (None) or given (True), never worth a pydantic adapter.

    typer builds a pydantic TypeAdapter for every parameter it processes, even an absent flag; on the
    way to a subcommand (``ledger whoami --help``) that alone imports pydantic (~0.3 s of CPU). A bool
    skips it (typer's own shortcut for flags).
    """

    def process_value(self, ctx: Click, value: Any) -> Any:
        return super().process_value(ctx, bool(value))


class _LightHelp(TyperGroup):
    """A group whose ``--help`` is a :class:`_HelpFlag`."""

    def get_help_option(self, ctx: Click) -> Any:
        option = super().get_help_option(ctx)
        if option is not None and type(option) is TyperOption:
            option.__class__ = _HelpFlag  # the same option (click keeps it by identity), processed as a bool
        return option


@dataclass(frozen=True)
class Branch:
    """One entry of ``ledger --help``: ``module.attr`` is a ``typer.Typer``; ``command`` picks one of its
    commands for an app merged into the top (``serve`` of the operator's service app), else the whole group."""

    module: str
    attr: str
    summary: str  # the branch's help as `ledger --help` shows it (the group's help or the command's docstring)
    command: str | None = None
    prepare: Callable[[], None] | None = None  # run once before building (e.g. merge the remote audit commands)

    def load(self, name: str, markup: Any) -> Click:
        """Import the module and build the branch as the eager tree would (the top's help markup, its name)."""
        if self.prepare is not None:
            self.prepare()
        sub = getattr(importlib.import_module(self.module), self.attr)
        group = get_group_from_info(TyperInfo(sub, name=None if self.command else name, cls=_LightHelp),
                                    pretty_exceptions_short=sub.pretty_exceptions_short,
                                    suggest_commands=sub.suggest_commands, rich_markup_mode=markup)
        return group.commands[self.command] if self.command is not None else group


class _Branches(MutableMapping[str, Click]):
    """``name -> click command``, each built on first access (iteration and ``keys()`` build nothing)."""

    def __init__(self, branches: dict[str, Branch], built: MutableMapping[str, Click], markup: Any) -> None:
        self.branches, self.built, self.markup = branches, dict(built), markup

    def __getitem__(self, name: str) -> Click:
        if name not in self.built:
            if name not in self.branches:
                raise KeyError(name)
            self.built[name] = self.branches[name].load(name, self.markup)
        return self.built[name]

    def __setitem__(self, name: str, command: Click) -> None:
        self.built[name] = command

    def __delitem__(self, name: str) -> None:
        self.built.pop(name, None)
        self.branches = {k: v for k, v in self.branches.items() if k != name}

    def __iter__(self) -> Iterator[str]:
        yield from self.branches
        yield from (name for name in self.built if name not in self.branches)

    def __len__(self) -> int:
        return len(set(self.branches) | set(self.built))


class LazyTree(_LightHelp):
    """The top group: its branches come from ``BRANCHES`` (set on a subclass), built when first used."""

    BRANCHES: dict[str, Branch] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.branches = _Branches(self.BRANCHES, self.commands, self.rich_markup_mode)
        self.commands = self.branches

    def list_commands(self, ctx: Click) -> list[str]:
        return list(self.commands)  # names only: nothing is built to list them

    def format_commands(self, ctx: Click, formatter: Click) -> None:
        """The list of ``ledger --help``: a branch not yet built shows its declared summary."""
        branches, rows = self.branches, []
        for name in branches:
            built = branches.built.get(name)
            shown = built if built is not None else TyperCommand(name, help=branches.branches[name].summary)
            if not shown.hidden:
                rows.append((name, shown))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, shown.get_short_help_str(limit)) for name, shown in rows])
