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
@pytest.mark.parametrize("action", ["read_evaluation_report", "read_evaluation_series"])
def test_the_evaluation_report_is_for_evaluators_and_consultants(role: str, allowed: bool, action: str) -> None:
    """The series (the report's headline figures at a series of dates) is decided as the report."""
    decision = decide(Actor("u-x", "gemeente-testdorp", role), action, None, on=date(2026, 5, 1),
                      emergency_reason="ik wil het zien", municipality="gemeente-testdorp")
    assert decision.allowed is allowed, decision.reason
    assert not decision.emergency  # no breaking the glass into a report
    if allowed:
        assert decision.authorisation == "evaluation_report"


def test_a_partner_organisations_evaluator_does_not_read_the_municipalitys_report() -> None:
    """Evaluators act for their own organisation: the report is the municipality's (issue 12, item 7)."""
    partner = Actor("u-x", "ggz-regio", "evaluator")
    for action in ("read_evaluation_report", "read_evaluation_series", "read_caseloads"):
        assert not decide(partner, action, None, on=date(2026, 5, 1), municipality="gemeente-testdorp").allowed
