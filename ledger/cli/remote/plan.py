"""``ledger household zrm|measure|goal|revise-goal|action|complete|cancel|cost``: the plan over the HTTP API.

Registered on :data:`ledger.cli.remote.household.household_app`, like :mod:`.case`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer

from ._common import AsJson, HouseholdId, Key, On, Version, _client, _date, _handled, _written
from .household import household_app

__all__: list[str] = []


@household_app.command("zrm")
@_handled
def household_zrm(
    household: HouseholdId, version: Version,
    score: Annotated[list[str], typer.Option("--score", help="DOMAIN=1..5; repeat.")],
    instrument: Annotated[str, typer.Option(help="ZRM version: 2013 or 2017.")] = "2017",
    moment: Annotated[str, typer.Option(help="intake, interim or final.")] = "intake",
    member: Annotated[str | None, typer.Option("--member", help="Member id; default the household.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Record a ZRM measurement."""
    with _client() as c:
        w = c.record_zrm_measurement(household, version, _scores(score), instrument=instrument, moment=moment, member_id=member,
                         on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json, "measurement")


@household_app.command("measure")
@_handled
def household_measure(
    household: HouseholdId, version: Version,
    instrument: Annotated[str, typer.Option(help="2013, 2017 (ZRM), ladder, satisfaction_5, satisfaction_10, "
                                                  "life_score.")],
    score: Annotated[list[str], typer.Option("--score", help="DOMAIN=NUMBER within the instrument's scale; repeat.")],
    moment: Annotated[str, typer.Option(help="intake, interim or final.")] = "intake",
    member: Annotated[str | None, typer.Option("--member", help="Member id; default the household.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Record a measurement with any instrument (participation ladder, satisfaction, life score, ZRM)."""
    with _client() as c:
        w = c.record_measurement(household, version, instrument, _scores(score), moment=moment, member_id=member,
                                 on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json, "measurement")


def _scores(given: list[str]) -> dict[str, int]:
    scores: dict[str, int] = {}
    for s in given:
        domain, _, value = s.partition("=")
        if not domain.strip() or not value.strip().lstrip("-").isdigit():
            raise typer.BadParameter("--score takes DOMAIN=NUMBER, e.g. finances=2")
        scores[domain.strip()] = int(value)
    return scores


@household_app.command("goal")
@_handled
def household_goal(
    household: HouseholdId, version: Version,
    domain: Annotated[str, typer.Option("--domain", help="Life domain, e.g. finances, daytime_activities, adl.")],
    description: Annotated[str, typer.Option(help="The goal, in the household's words.")],
    target_date: Annotated[str | None, typer.Option("--target", help="Target date (YYYY-MM-DD).")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Set a plan goal; prints the goal id."""
    with _client() as c:
        w = c.set_plan_goal(household, version, domain, description, target_date=_date(target_date, "--target"),
                       on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json, "goal")


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


@household_app.command("action")
@_handled
def household_action(
    household: HouseholdId, version: Version,
    goal: Annotated[str, typer.Option("--goal", help="The goal id.")],
    description: Annotated[str, typer.Option(help="What is to be done.")],
    performer: Annotated[str, typer.Option(help="self, network, volunteer or professional.")],
    organisation: Annotated[str | None, typer.Option(help="The performing organisation's id (professional).")] = None,
    due: Annotated[str | None, typer.Option("--due", help="Due date (YYYY-MM-DD).")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Add a plan action; prints the action id."""
    with _client() as c:
        w = c.add_plan_action(household, version, goal, description, performer, organisation=organisation,
                         due_on=_date(due, "--due"), on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json, "action")


@household_app.command("complete")
@_handled
def household_complete(
    household: HouseholdId, action: Annotated[str, typer.Argument(help="The action id.")], version: Version,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Complete a plan action."""
    with _client() as c:
        w = c.complete_plan_action(household, version, action, on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("cancel")
@_handled
def household_cancel(
    household: HouseholdId, action: Annotated[str, typer.Argument(help="The action id.")], version: Version,
    reason: Annotated[str | None, typer.Option(help="Why.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Cancel a plan action."""
    with _client() as c:
        w = c.cancel_plan_action(household, version, action, reason=reason, on=_date(on), idempotency_key=idempotency_key)
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
