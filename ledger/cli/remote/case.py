"""More ``ledger household`` commands over the HTTP API: goal revision, escalations, costs, drop-outs, holds.

Registered on :data:`ledger.client_cli.household_app` (which imports this module at its end),
with the same options, output and one-line errors as the commands there. Each is the CLI
command that ``ledger/aggregates/actions.py`` declares for its action.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer

from ledger.client_cli import AsJson, HouseholdId, Key, On, Version, _client, _date, _handled, _written, household_app

__all__: list[str] = []


@household_app.command("revise-goal")
@_handled
def household_revise_goal(
    household: HouseholdId, goal: Annotated[str, typer.Argument(help="The goal id.")], version: Version,
    description: Annotated[str | None, typer.Option(help="The goal's new wording.")] = None,
    target_date: Annotated[str | None, typer.Option("--target", help="New target date (YYYY-MM-DD).")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Revise a plan goal: its wording, its target date, or both."""
    with _client() as c:
        w = c.revise_plan_goal(household, version, goal, description=description,
                               target_date=_date(target_date, "--target"), on=_date(on),
                               idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("escalate")
@_handled
def household_escalate(
    household: HouseholdId, version: Version,
    level: Annotated[str, typer.Option(help="work_table, civil_service_steering_group or "
                                            "administrative_steering_group.")],
    reason: Annotated[str, typer.Option(help="Why the case is stuck.")],
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Raise an escalation; prints the escalation id."""
    with _client() as c:
        w = c.raise_escalation(household, version, level, reason, on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json, "escalation")


@household_app.command("resolve-escalation")
@_handled
def household_resolve_escalation(
    household: HouseholdId, escalation: Annotated[str, typer.Argument(help="The escalation id.")], version: Version,
    resolution: Annotated[str | None, typer.Option(help="What was decided.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Resolve an escalation."""
    with _client() as c:
        w = c.resolve_escalation(household, version, escalation, resolution=resolution, on=_date(on),
                                 idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("cost")
@_handled
def household_cost(
    household: HouseholdId, version: Version,
    kind: Annotated[str, typer.Option(help="baseline or intervention.")],
    stream: Annotated[str, typer.Option(help="income_support, care, local_prevention or transaction.")],
    amount: Annotated[str, typer.Option("--amount", help="Euros, e.g. 1250.00.")],
    period_start: Annotated[str, typer.Option("--from", help="First day of the period (YYYY-MM-DD).")],
    period_end: Annotated[str, typer.Option("--to", help="Last day of the period (YYYY-MM-DD).")],
    description: Annotated[str | None, typer.Option(help="What the cost is for.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Record a cost; prints the cost id."""
    try:
        euros = Decimal(amount)
    except InvalidOperation:
        raise typer.BadParameter("--amount takes euros, e.g. 1250.00") from None
    start, end = _date(period_start, "--from"), _date(period_end, "--to")
    assert start is not None and end is not None
    with _client() as c:
        w = c.record_cost(household, version, kind, stream, euros, start, end, description=description,
                          on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json, "cost")


@household_app.command("drop-out")
@_handled
def household_drop_out(
    household: HouseholdId, version: Version,
    kind: Annotated[str, typer.Option(help="drop_out or refusal.")],
    reason: Annotated[str | None, typer.Option(help="Why.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Record that the household dropped out or refused coordination."""
    with _client() as c:
        w = c.record_drop_out(household, version, kind, reason=reason, on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("retention-hold")
@_handled
def household_retention_hold(
    household: HouseholdId, version: Version,
    law: Annotated[str, typer.Option(help="The law and article that requires the hold (a code).")],
    until: Annotated[str, typer.Option(help="Keep the data until this day (YYYY-MM-DD).")],
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Place a retention hold (the municipality's privacy officer)."""
    day = _date(until, "--until")
    assert day is not None
    with _client() as c:
        w = c.place_retention_hold(household, version, law, day, on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json)
