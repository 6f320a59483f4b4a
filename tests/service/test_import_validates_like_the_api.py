"""Issue 12 item 5: `ledger import` validates a line exactly as the API validates a request body.

A value the API refuses (a NUL in a clear field, an over-long text, an unknown field, a
value of the wrong shape) is refused by the import too, before anything is written,
with the line, the step, the field and the rule; never an internal error, never a value.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from conftest import FixedClock, Store
from ledger.aggregates import Actor
from ledger.api.routes.commands import COMMAND_BODIES
from ledger.bulk import ImportError_, import_lines, plan_lines
from ledger.demo import build_plan, register_organisations, register_staff

OPERATOR = Actor(user_id="migration-01", organisation="gemeente-testdorp", role="operator")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _line_with(command: str, change: Any, households: int = 3) -> tuple[str, int, dict[str, Any]]:
    """A demo line whose first ``command`` step is changed by ``change(args)``; the step's number and args."""
    for text in plan_lines(households=households, seed=8, start=date(2025, 1, 6), end=date(2026, 2, 27)):
        data = json.loads(text)
        for i, step in enumerate(data["steps"], start=1):
            if step["command"] == command:
                change(step["args"])
                return json.dumps(data), i, step["args"]
    raise AssertionError(f"no {command} step in the demo lines")


def _refused(store: Store, line: str) -> str:
    ledger = store.make_ledger(clock=FixedClock(NOW))
    register_organisations(ledger, OPERATOR)  # the demo's organisations and staff are registered:
    register_staff(ledger, build_plan(households=3, seed=8, start=date(2025, 1, 6), end=date(2026, 2, 27)))
    before = ledger.app.recorder.max_notification_id() or 0
    with pytest.raises(ImportError_) as refused:
        import_lines(ledger.app, lambda: [line], OPERATOR)
    assert (ledger.app.recorder.max_notification_id() or 0) == before  # nothing written
    return str(refused.value)


def test_a_nul_in_a_clear_field_is_refused_with_its_line_and_rule_as_the_api_refuses_it(store: Store) -> None:
    """A NUL in an involvement's organisation: the import names line, step, field and rule; the API's body refuses it."""
    line, step, args = _line_with("start_involvement", lambda a: a.update(organisation=a["organisation"] + "\x00x"))
    message = _refused(store, line)
    assert message.startswith(f"line 1, step {step} (start_involvement): import-invalid-params (organisation: ")
    # the organisation is an id now (issue 12 item 10): its pattern refuses the NUL before the NUL rule would
    assert ("NUL" in message or "pattern" in message) and "\x00" not in message
    with pytest.raises(ValidationError):
        COMMAND_BODIES["start_involvement"].model_validate(args)  # the very model the API's route validates with


def test_values_the_api_refuses_are_refused_by_the_import_with_the_field(store: Store) -> None:
    """An over-long text, an unknown field, a list where a text goes: refused as invalid params, with the field."""
    long_goal, step, _ = _line_with("set_plan_goal", lambda a: a.update(description="x" * 4001))
    assert _refused(store, long_goal).startswith(
        f"line 1, step {step} (set_plan_goal): import-invalid-params (description: ")
    extra, step, _ = _line_with("record_cost", lambda a: a.update(colour="red"))
    assert _refused(store, extra).startswith(f"line 1, step {step} (record_cost): import-invalid-params (colour: ")
    shape, step, _ = _line_with("start_involvement", lambda a: a.update(discipline=["a", "b"]))
    assert _refused(store, shape).startswith(
        f"line 1, step {step} (start_involvement): import-invalid-params (discipline: ")


@pytest.mark.parametrize("change", [
    lambda a: a.update(members="not a list"),
    lambda a: a.update(members=[["adult", "name"]]),
    lambda a: a.update(sources=7),
    lambda a: a["members"][0].update(birth_date=[2020, 1, 1]),
], ids=["members-text", "member-list", "sources-number", "birth-date-list"])
def test_a_malformed_referral_is_refused_with_its_line_never_an_internal_error(store: Store, change: Any) -> None:
    """Wrong shapes inside a step end in a refusal naming the line and step, not in an internal error."""
    line, _, _ = _line_with("refer_household", change, households=1)
    assert _refused(store, line).startswith("line 1, step 1 (refer_household): import-invalid-params (")
