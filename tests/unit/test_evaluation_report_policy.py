"""Who may read the evaluation report (pseudonymous aggregates): evaluators and consultants."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.aggregates import Actor
from ledger.privacy.policy import decide


@pytest.mark.parametrize(("role", "allowed"), [
    ("evaluator", True), ("consultant", True), ("professional", False), ("privacy_officer", False),
    ("admin", False),
])
def test_the_evaluation_report_is_for_evaluators_and_consultants(role: str, allowed: bool) -> None:
    decision = decide(Actor("u-x", "gemeente-testdorp", role), "read_evaluation_report", None, on=date(2026, 5, 1),
                      emergency_reason="ik wil het zien")
    assert decision.allowed is allowed, decision.reason
    assert not decision.emergency  # no breaking the glass into a report
    if allowed:
        assert decision.authorisation == "evaluation_report"
