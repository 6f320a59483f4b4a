"""Issue 13 item 1: every command and read is declared once (ledger/aggregates/actions.py) and every layer has it.

Each test names, for an action, the piece a layer lacks: the application's use case, its data
categories, the policy's decision, the HTTP route, the client method, the CLI command. Both halves of
the one `ledger` tree are checked: the remote commands (ledger/cli/remote/, over HTTP: each the
declared `cli` of its action) and the operator's (the local store: each mapped below to the action it
performs, or marked as operation that is no ledger action), so no command exists that the vocabulary
does not account for, and no action is reached by two commands of one half.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import uuid4

import click
import pytest
import typer.main

from ledger.aggregates import Actor, Household, Member, Personal, StaffRef
from ledger.aggregates.actions import ACTIONS, Action, ActionSpec, Kind, Who, check, commands
from ledger.api.main import create_app
from ledger.application import CaseLedger
from ledger.cli import app as cli_app
from ledger.client import LedgerClient
from ledger.privacy.access import COMMAND_CATEGORIES
from ledger.privacy.policy import decide

CASE = [s for s in ACTIONS.values() if s.kind in (Kind.COMMAND, Kind.READ) and s.action != Action.READ]
# Action.READ is the policy's generic read inside list_households: no route, client or CLI of its own.

# Deliberate differences between a command's name and its client method (all other commands: the same name).
CLIENT_ALIASES = {
    # One resource (PUT case-director) assigns a first director or replaces the current one.
    Action.ASSIGN_CASE_DIRECTOR: "set_case_director",
    Action.REPLACE_CASE_DIRECTOR: "set_case_director",
}
# Older client names kept for callers: each must be the very method named after the use case.
OLD_CLIENT_NAMES = {
    "refer": "refer_household", "export": "export_household", "record_zrm": "record_zrm_measurement",
    "set_goal": "set_plan_goal", "add_action": "add_plan_action", "complete_action": "complete_plan_action",
    "cancel_action": "cancel_plan_action", "reopen": "reopen_case", "erase": "erase_household",
}

# Remote commands whose name is no action's declared `cli`, on purpose.
REMOTE_ALIASES: dict[str, Action | None] = {
    "household access-request": Action.RECORD_ACCESS_REQUEST,  # oversight: declared without a CLI of its own
    "audit emergencies": Action.READ_ACCESS_LOG,  # the access log's awaiting-review view (`audit log --emergencies`)
    "audit review": Action.REVIEW_EMERGENCY,  # oversight: the privacy officer's verdict
    "audit remote-digest": None,  # the service's hash chain: tamper evidence over every action, not one of them
    "audit remote-verify": None,  # likewise
    "whoami": None,  # the token's own user: no case data
}
# Every operator command (the local store, as LEDGER_OPERATOR) and the action it performs. None: operation
# of the deployment (service, keys, views' machinery, digests), no ledger action and no access record.
OPERATOR_CLI: dict[str, tuple[Action, ...]] = {
    "serve": (), "demo": (),  # the demo writes through the use cases (each its own action) as the operator
    "import": (Action.IMPORT_HOUSEHOLD,),
    "retention": (),  # the rules in force: configuration, no case data
    "views households": (Action.LIST_HOUSEHOLDS,),
    "views household": (Action.READ_HOUSEHOLD, Action.READ_HISTORY),  # state and history in one page
    "views plan": (Action.READ_PLAN,),
    "views involved": (Action.READ_INVOLVEMENT,),
    "views caseloads": (Action.READ_CASELOADS,),
    "views access-log": (Action.READ_ACCESS_LOG,),
    "projections status": (), "projections run": (), "projections rebuild": (),
    "audit digest": (), "audit verify": (),  # tamper evidence over every action
    "audit chain-tail": (Action.CHAIN_TAIL,),
    "users add": (Action.ADD_USER,), "users disable": (Action.DISABLE_USER,),
    "users list": (), "users adopt": (),  # the directory's own rows (adopt records users an earlier release held)
    "organisations add": (Action.ADD_ORGANISATION,), "organisations list": (),
    "keys generate": (), "keys status": (), "keys rotate": (), "keys reindex": (Action.INDEX_BSNS,),
}

MUNICIPALITY = "gemeente-testdorp"
ON = date(2026, 5, 1)
OPERATOR = Actor("cons-intake", MUNICIPALITY, "operator")
DIRECTOR = Actor("u-director", MUNICIPALITY, "consultant")
INVOLVED = Actor("u-involved", "ggz-regio", "professional")
INTAKE = Actor("u-intake", MUNICIPALITY, "consultant")
PRIVACY = Actor("u-privacy", MUNICIPALITY, "privacy_officer")


def ids(specs: list[ActionSpec]) -> list[str]:
    return [s.action.value for s in specs]


def _routes() -> set[tuple[str, str]]:
    """(METHOD, path) of every operation in the service's OpenAPI document (paths under its /v1 server)."""
    paths = create_app().openapi()["paths"]
    return {(method.upper(), path) for path, operations in paths.items() for method in operations}


def _cli_commands() -> dict[str, click.Command]:
    """Every runnable `ledger` command (a leaf of the one tree) by its words, e.g. "household zrm"."""
    def walk(command: click.Command, prefix: str) -> dict[str, click.Command]:
        subs = getattr(command, "commands", {})
        if not subs:
            return {prefix.strip(): command}
        return {words: leaf for name, sub in subs.items() for words, leaf in walk(sub, f"{prefix} {name}").items()}
    return walk(typer.main.get_command(cli_app), "")


def _is_remote(command: click.Command) -> bool:
    """A remote command is defined in ledger/cli/remote/ (the `_handled` wrapper keeps the module's name)."""
    return str(getattr(command.callback, "__module__", "")).startswith("ledger.cli.remote.")


ROUTES = _routes()
COMMANDS = _cli_commands()
CLI = set(COMMANDS)
REMOTE = {words for words, command in COMMANDS.items() if _is_remote(command)}
OPERATOR = CLI - REMOTE


@pytest.mark.parametrize("spec", CASE, ids=ids(CASE))
def test_every_declared_action_has_its_use_case_in_the_application(spec: ActionSpec) -> None:
    """The application offers the method that serves each declared command and read."""
    assert callable(getattr(CaseLedger, spec.method, None)), f"{spec.action}: no application use case {spec.method}"


@pytest.mark.parametrize("spec", commands(), ids=ids(commands()))
def test_every_command_has_data_categories(spec: ActionSpec) -> None:
    """Every command's access record names the categories it writes (from the declaration)."""
    assert spec.action in COMMAND_CATEGORIES, f"{spec.action}: no data categories"
    assert COMMAND_CATEGORIES[spec.action] == spec.categories


@pytest.mark.parametrize("spec", CASE, ids=ids(CASE))
def test_every_declared_action_has_its_http_route(spec: ActionSpec) -> None:
    """The API serves each command and read at its declared method and path."""
    assert spec.route is not None, f"{spec.action}: no HTTP route declared"
    method, path = spec.route
    assert (method, path) in ROUTES, f"{spec.action}: no HTTP route {method} /v1{path}"


def test_every_household_write_route_is_a_declared_command() -> None:
    """No command resource exists that the declaration does not name (or the access-request oversight write)."""
    declared = {s.route for s in ACTIONS.values() if s.route}
    writes = {(m, p) for m, p in ROUTES if p.startswith("/households") and m in ("POST", "PUT")}
    undeclared = writes - declared - {("POST", "/households/{household_id}/access-requests")}
    assert not undeclared, f"routes without a declared action: {sorted(undeclared)}"


@pytest.mark.parametrize("spec", CASE, ids=ids(CASE))
def test_every_declared_action_has_its_client_method(spec: ActionSpec) -> None:
    """The HTTP client has the declared method; a command's method is named as its use case unless aliased."""
    assert spec.client is not None and callable(getattr(LedgerClient, spec.client, None)), (
        f"{spec.action}: no client method {spec.client}")
    if spec.kind == Kind.COMMAND:
        assert spec.client == CLIENT_ALIASES.get(spec.action, spec.method), (
            f"{spec.action}: client method {spec.client} is named differently and not in CLIENT_ALIASES")


@pytest.mark.parametrize(("old", "new"), sorted(OLD_CLIENT_NAMES.items()))
def test_older_client_names_are_the_use_case_methods(old: str, new: str) -> None:
    """An older client name still works and is the same method as the use-case-named one."""
    assert getattr(LedgerClient, old) is getattr(LedgerClient, new)


@pytest.mark.parametrize("spec", CASE, ids=ids(CASE))
def test_every_declared_action_has_its_cli_command(spec: ActionSpec) -> None:
    """`ledger ...` has the declared command for each command and read, among the remote (HTTP) commands."""
    assert spec.cli is not None and spec.cli in CLI, f"{spec.action}: no CLI command `ledger {spec.cli}`"
    assert spec.cli in REMOTE, f"{spec.action}: `ledger {spec.cli}` is not a remote command (ledger/cli/remote/)"


@pytest.mark.parametrize("words", sorted(REMOTE))
def test_every_remote_command_is_a_declared_action_or_a_listed_alias(words: str) -> None:
    """No remote command exists that ledger/aggregates/actions.py does not declare (or REMOTE_ALIASES explains)."""
    declared = {s.cli for s in ACTIONS.values() if s.cli}
    assert words in declared or words in REMOTE_ALIASES, (
        f"`ledger {words}`: no action declares it as its cli, and it is not in REMOTE_ALIASES")
    assert not (words in declared and words in REMOTE_ALIASES), f"`ledger {words}` is declared: drop its alias"


@pytest.mark.parametrize("words", sorted(OPERATOR))
def test_every_operator_command_is_mapped_to_its_declared_actions(words: str) -> None:
    """Each operator command names the declared actions it performs, or none on purpose (OPERATOR_CLI)."""
    assert words in OPERATOR_CLI, f"`ledger {words}` (operator): not in OPERATOR_CLI; name its actions there"
    for action in OPERATOR_CLI[words]:
        assert action in ACTIONS, f"`ledger {words}`: {action} is not declared in ledger/aggregates/actions.py"
        spec_ = ACTIONS[action]
        if spec_.kind in (Kind.COMMAND, Kind.READ):
            assert callable(getattr(CaseLedger, spec_.method, None)), f"`ledger {words}`: no use case {spec_.method}"


def test_the_alias_lists_name_only_commands_that_exist() -> None:
    """REMOTE_ALIASES and OPERATOR_CLI hold no stale entries (a removed or renamed command)."""
    assert set(REMOTE_ALIASES) <= REMOTE, sorted(set(REMOTE_ALIASES) - REMOTE)
    assert set(OPERATOR_CLI) <= OPERATOR, sorted(set(OPERATOR_CLI) - OPERATOR)


def test_one_way_to_do_one_thing_in_each_half_of_the_tree() -> None:
    """No action is reached by two remote commands, nor by two operator commands (issue 13: overlapping verbs)."""
    remote: dict[Action, list[str]] = {}
    for s in CASE:
        if s.cli and s.action not in (Action.REPLACE_CASE_DIRECTOR,):  # assign and replace: one command, one route
            remote.setdefault(s.action, []).append(s.cli)
    for words, alias in REMOTE_ALIASES.items():
        if alias is not None and alias != Action.READ_ACCESS_LOG:  # `audit emergencies` = `audit log --emergencies`
            remote.setdefault(alias, []).append(words)
    operator: dict[Action, list[str]] = {}
    for words, actions in OPERATOR_CLI.items():
        for action in actions:
            operator.setdefault(action, []).append(words)
    twice = {a: w for half in (remote, operator) for a, w in half.items() if len(w) > 1}
    assert not twice, f"actions reached by two commands of one half: {twice}"


def test_the_operator_has_no_case_writes() -> None:
    """A case's commands are a person's, through the service: the operator CLI offers none of them."""
    writes = {a for actions in OPERATOR_CLI.values() for a in actions if ACTIONS[a].kind == Kind.COMMAND}
    assert not writes, f"operator commands that write a case: {sorted(writes)}"
    assert not {"refer", "intake", "zrm", "close", "erase", "show", "export", "households"} & CLI


def _household(director: bool) -> Household:
    h = Household.refer(household_id=uuid4(), actor=OPERATOR, on=ON, sources=["wmo_desk"],
                        members=[Member("m1", "adult", Personal("Lotte Woord"))])
    h.start_involvement(actor=OPERATOR, on=ON, involvement_id="i1", kind="professional", organisation="ggz-regio",
                        discipline="mental_health_care", worker_id=INVOLVED.user_id)
    h.hold_intake(actor=OPERATOR, on=ON, domains_discussed=["finances"])
    h.set_plan_goal(actor=OPERATOR, on=ON, goal_id="g1", life_domain="finances", description=Personal("Rust"))
    h.add_plan_action(actor=OPERATOR, on=ON, action_id="a1", goal_id="g1", description=Personal("Bellen"),
                      performer_kind="professional", organisation="ggz-regio")  # the involved professional's own
    if director:
        h.assign_case_director(actor=OPERATOR, on=ON, director=StaffRef(DIRECTOR.user_id, MUNICIPALITY))
    return h


@pytest.mark.parametrize("spec", commands(), ids=ids(commands()))
def test_the_policy_decides_every_command_as_declared(spec: ActionSpec) -> None:
    """Director, involved professional, intake team and privacy officer may do a command exactly as it declares."""
    if Who.ANYONE in spec.who:
        assert decide(INTAKE, spec.action, None, spec.categories or (), on=ON, municipality=MUNICIPALITY).allowed
        return
    with_director, without = _household(True), _household(False)
    cases = [(Who.DIRECTOR, DIRECTOR, with_director), (Who.INVOLVED, INVOLVED, with_director),
             (Who.INTAKE_TEAM, INTAKE, without), (Who.PRIVACY_OFFICER, PRIVACY, with_director)]
    for who, user, household in cases:  # i1, a1: the involved professional's own involvement and plan action
        decision = decide(user, spec.action, household, spec.categories or (), on=ON, municipality=MUNICIPALITY,
                          involvement_id="i1", plan_action_id="a1")
        assert decision.allowed is (who in spec.who), f"{spec.action}: the policy decides {who} {decision.reason!r}"


def test_a_command_without_categories_fails_when_declared() -> None:
    """A command row without data categories is refused by the import-time check, not at its first call."""
    rows = list(ACTIONS.values())
    broken = [replace(s, categories=None) if s.action == Action.RECORD_COST else s for s in rows]
    check(rows)  # the real table passes
    with pytest.raises(RuntimeError, match="record_cost"):
        check(broken)


def test_an_undeclared_action_fails_when_declared() -> None:
    """Every Action member has exactly one row: a member without one is refused at import."""
    rows = [s for s in ACTIONS.values() if s.action != Action.REVISE_PLAN_GOAL]
    with pytest.raises(RuntimeError, match="revise_plan_goal"):
        check(rows)
