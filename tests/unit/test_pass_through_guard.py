"""The pass-through guard (bulk import's staging ledger) allows commands, records nothing and serves no reads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from ledger.aggregates import Actor, errors
from ledger.aggregates.actions import Action
from ledger.application import PassThroughGuard
from ledger.privacy.access import AccessDeniedError

OPERATOR = Actor(user_id="migration-01", organisation="gemeente-testdorp", role="operator")


def _never(*objs: Any) -> list[Any]:
    raise AssertionError("the pass-through guard saved something")


def _guard() -> PassThroughGuard:
    return PassThroughGuard(save=_never, clock=lambda: datetime(2026, 3, 2, tzinfo=UTC), today=lambda: date(2026, 3, 2),
                            municipality="gemeente-testdorp", throttle=None, noted=lambda position: None)


def test_pass_through_guard_allows_a_command_and_makes_no_record() -> None:
    """A staged command is allowed without a decision and has no record to save with its events."""
    guard = _guard()
    assert guard.authorise(OPERATOR, Action.RECORD_INTAKE, None, frozenset()) is None
    guard.refused(None, errors.StaleVersionError("stale"))  # a refusal is not recorded either
    guard.close()


def test_pass_through_guard_serves_no_reads() -> None:
    """Reads and records saved on their own are refused: the staging ledger serves commands only."""
    guard = _guard()
    with pytest.raises(AccessDeniedError):
        guard.authorised(OPERATOR, Action.READ_HOUSEHOLD, None, frozenset(), save_now=True)
    with pytest.raises(AccessDeniedError):
        guard.record_now(None)  # type: ignore[arg-type]  # whatever it is given, it saves nothing
