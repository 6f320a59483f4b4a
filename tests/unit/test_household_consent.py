"""Consents and legal bases: withdrawing, and references.

The household aggregate's rules, one domain error at a time (no storage).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from household_builders import ACTOR, DAY, LATER, accepted, grant, refused, rich, with_intake

from ledger.aggregates import Household, errors

# -------------------------------------------------------------------- consent
CONSENT_NOT_IN_FORCE: dict[str, Callable[[Household], Any]] = {
    "already withdrawn": lambda h: (grant(h, "cx"), h.withdraw_consent(actor=ACTOR, on=DAY, consent_id="cx")),
    "expired": lambda h: grant(h, "cx", valid_from=DAY, valid_until=DAY + timedelta(days=10)),
    "not yet valid": lambda h: grant(h, "cx", valid_from=LATER + timedelta(days=30)),
}


@pytest.mark.parametrize("setup", CONSENT_NOT_IN_FORCE.values(), ids=CONSENT_NOT_IN_FORCE.keys())
def test_withdrawing_a_consent_not_in_force_is_refused(setup: Callable[[Household], Any]) -> None:
    """Only a consent in force on the day can be withdrawn."""
    h = with_intake()
    setup(h)
    refused(h, errors.ConsentNotInForceError, lambda h: h.withdraw_consent(actor=ACTOR, on=LATER, consent_id="cx"))


def test_withdrawing_a_consent_in_force_records_the_day() -> None:
    """A consent in force is withdrawn and is no longer in force from that day."""
    h = with_intake()
    grant(h, "cx")
    accepted(h, lambda h: h.withdraw_consent(actor=ACTOR, on=LATER, consent_id="cx"))
    assert h.consents["cx"].withdrawn_on == LATER
    assert h.consents_in_force(LATER) == []


def test_a_legal_basis_cannot_be_withdrawn() -> None:
    """A recorded legal basis is not a member's consent and cannot be withdrawn."""
    h = rich()
    refused(h, errors.NotRelevantError, lambda h: h.withdraw_consent(actor=ACTOR, on=LATER, consent_id="c2"))
    assert h.consents["c2"].in_force_on(LATER)


def test_a_legal_basis_other_than_consent_needs_a_reference() -> None:
    """A legal basis without a legal reference is refused."""
    refused(with_intake(), errors.InvalidInputError, lambda h: h.grant_consent(
        actor=ACTOR, on=DAY, consent_id="c3", basis="legal_obligation", member_id=None,
        organisations=["ggd"], data_categories=["finances"], purpose="coordination", valid_from=DAY))
