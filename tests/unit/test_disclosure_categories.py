"""One table says which data categories each part of a household holds (ledger/privacy/categories.py, issue 16).

These fail when an event class or a presented field is added without its categories, so a new
part can never be disclosed by default; and the per-category policy (``disclosure``) is held to
the all-or-nothing ``decide`` it shares its rules with.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import POLICY_MATRIX
from ledger.aggregates import Actor, Household
from ledger.aggregates.actions import commands
from ledger.aggregates.vocabulary import DataCategory
from ledger.presenters import HOUSEHOLD_FIELDS
from ledger.privacy.categories import (
    EVENT_CATEGORIES,
    FIELD_CATEGORIES,
    HEAD_CATEGORIES,
    HISTORY_HOLDS,
    HOUSEHOLD_HOLDS,
    event_categories,
)
from ledger.privacy.policy import DIRECTOR_SET, Withheld, decide, disclosure
from test_access_policy import ON, ORG, USER_ID, household

# Fields the table names before the aggregate presents them (issue 16 item 4: members with their ids).
RESERVED = {"members"}
EMERGENCY = "acute crisis at the address, the director cannot be reached tonight"


def _event_classes() -> set[str]:
    return {name for name, cls in vars(Household).items()
            if isinstance(cls, type) and issubclass(cls, Household.Event) and cls is not Household.Event}


def test_every_household_event_class_has_its_categories() -> None:
    classes = _event_classes() - {"Created"}  # the library's default creation event; Referred creates a household
    assert classes - {"Snapshot"} <= set(EVENT_CATEGORIES), f"events without categories: {classes - set(EVENT_CATEGORIES)}"
    assert set(EVENT_CATEGORIES) <= classes, f"categories for events that do not exist: {set(EVENT_CATEGORIES) - classes}"


def test_an_event_holds_what_its_command_writes() -> None:
    """One source of truth: the command's declared categories (actions.py), but for the named exceptions."""
    for spec in commands():
        if spec.event != "Erased":
            assert EVENT_CATEGORIES[spec.event or ""] == spec.categories, spec.action
    assert EVENT_CATEGORIES["Erased"] == frozenset()  # it holds no case data: shown to whoever may read


def test_every_presented_field_has_its_categories() -> None:
    assert set(HOUSEHOLD_FIELDS) <= set(FIELD_CATEGORIES), set(HOUSEHOLD_FIELDS) - set(FIELD_CATEGORIES)
    assert set(FIELD_CATEGORIES) - set(HOUSEHOLD_FIELDS) <= RESERVED
    assert HEAD_CATEGORIES == {"composition": frozenset({DataCategory.COMPOSITION})}
    # personal data lives in these fields: each is withheld with some category
    for name in ("referral", "intake", "goals", "actions", "costs", "consents", "involvements", "zrm"):
        assert FIELD_CATEGORIES[name], name


def test_a_read_asks_for_exactly_the_categories_its_parts_hold() -> None:
    held = {DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.COMPOSITION, DataCategory.SOCIAL_NETWORK,
            DataCategory.PLAN, DataCategory.ZRM, DataCategory.INVOLVEMENT, DataCategory.COSTS}
    assert HOUSEHOLD_HOLDS == HISTORY_HOLDS == held  # the life domains are in no part: a goal is plan, a score zrm


def test_an_unknown_event_is_withheld_from_everyone_but_a_whole_read() -> None:
    class Unknown:
        pass
    assert event_categories(Unknown()) == frozenset(DataCategory)


@pytest.mark.parametrize(("role", "relationship", "consent_state"), POLICY_MATRIX)
def test_disclosure_agrees_with_decide_category_by_category(role: str, relationship: str, consent_state: str) -> None:
    """For each category alone, disclosing it is exactly what ``decide`` allows; a withheld one says why."""
    user = Actor(USER_ID[relationship], ORG[relationship], role)
    h = household(consent_state, ORG[relationship])
    shown = disclosure(user, "read_household", h, list(DataCategory), on=ON)
    if relationship == "unrelated":
        assert not shown.decision.allowed and not shown.disclosed and not shown.withheld
        return
    if not any(decide(user, "read_household", h, [cat], on=ON).allowed for cat in DataCategory):
        # nothing to disclose is no read: refused whole, so not even the version or phase shows (may_see_state)
        assert relationship == "involved" and consent_state != "in_force"
        assert not shown.decision.allowed and not shown.disclosed and not shown.withheld
        # with one other category covered, the read is partial and each withheld category says why
        _grant_housing(h, ORG[relationship])
        shown = disclosure(user, "read_household", h, list(DataCategory), on=ON)
    assert shown.decision.allowed and not shown.decision.emergency
    for cat in DataCategory:
        alone = decide(user, "read_household", h, [cat], on=ON)
        assert (cat in shown.disclosed) is alone.allowed, cat
        assert (cat in shown.withheld) is not alone.allowed, cat
    expected_reason = {"none": Withheld.NO_CONSENT, "wrong_category": Withheld.NO_CONSENT,
                       "wrong_purpose": Withheld.NO_CONSENT, "in_force": None,
                       "withdrawn": Withheld.NOT_IN_FORCE, "expired": Withheld.NOT_IN_FORCE}[consent_state]
    if expected_reason is not None:
        assert shown.withheld[DataCategory.FINANCES] is expected_reason
    if relationship == "director":
        assert DIRECTOR_SET <= shown.disclosed  # costs included: the director records them


def _grant_housing(h: Household, organisation: str) -> None:
    h.grant_consent(actor=Actor(USER_ID["director"], ORG["director"], "consultant"), on=ON, consent_id="c-housing",
                    basis="consent", member_id="m1", organisations=[organisation], data_categories=["housing"],
                    purpose="coordination", valid_from=ON)


def test_a_read_that_would_disclose_nothing_is_refused_whole() -> None:
    user = Actor(USER_ID["involved"], ORG["involved"], "professional")
    shown = disclosure(user, "read_household", household("none", ORG["involved"]), list(DataCategory), on=ON)
    assert not shown.decision.allowed and not shown.disclosed and not shown.withheld
    assert "any category" in shown.decision.reason and "Lotte" not in shown.decision.reason


def test_the_glass_is_broken_for_what_is_withheld_only() -> None:
    user = Actor(USER_ID["involved"], ORG["involved"], "professional")
    h = household("in_force", ORG["involved"])
    partial = disclosure(user, "read_household", h, list(DataCategory), on=ON)
    assert partial.disclosed == {DataCategory.FINANCES} and not partial.decision.emergency
    urgent = disclosure(user, "read_household", h, list(DataCategory), on=ON, emergency_reason=EMERGENCY)
    assert urgent.decision.emergency and urgent.disclosed == frozenset(DataCategory) and not urgent.withheld
    assert urgent.decision.authorisation == "consent:c1,emergency"
    # a reason without substance is refused whole, as for any emergency access
    sloppy = disclosure(user, "read_household", h, list(DataCategory), on=ON, emergency_reason="nu")
    assert not sloppy.decision.allowed and not sloppy.disclosed
    # a read wholly allowed needs no reason, and a reason given then makes no emergency
    director = Actor(USER_ID["director"], ORG["director"], "consultant")
    h.grant_consent(actor=director, on=ON, consent_id="c2", basis="consent", member_id="m1",
                    organisations=[ORG["director"]], data_categories=[c.value for c in DataCategory],
                    purpose="coordination", valid_from=ON)
    whole = disclosure(director, "read_household", h, list(DataCategory), on=ON, emergency_reason=EMERGENCY)
    assert whole.whole and not whole.decision.emergency


def test_an_unrelated_worker_breaks_the_glass_for_everything_or_gets_nothing() -> None:
    user = Actor(USER_ID["unrelated"], ORG["unrelated"], "professional")
    h = household("none", ORG["unrelated"])
    assert not disclosure(user, "read_household", h, list(DataCategory), on=ON).decision.allowed
    urgent = disclosure(user, "read_household", h, list(DataCategory), on=ON, emergency_reason=EMERGENCY)
    assert urgent.decision.emergency and urgent.decision.authorisation == "emergency"
    assert urgent.disclosed == frozenset(DataCategory)


@pytest.mark.parametrize("role", ["privacy_officer", "evaluator", "admin"])
def test_oversight_roles_get_no_household_category(role: str) -> None:
    user = Actor("u-x", ORG["director"], role)
    shown = disclosure(user, "read_household", household("in_force", ORG["director"]), list(DataCategory), on=ON,
                       emergency_reason=EMERGENCY)
    assert not shown.decision.allowed and not shown.disclosed and not shown.decision.emergency


def test_after_erasure_identity_and_contact_are_withheld_as_erased_even_in_an_emergency() -> None:
    director = Actor(USER_ID["director"], ORG["director"], "consultant")
    h = household("none", ORG["director"])
    h.close(actor=director, on=ON, reason="goals_achieved")
    h.request_erasure(actor=Actor("p", "municipality", "privacy_officer"), on=ON, request_id="r1",
                      reason="data_subject_request")
    h.erase(actor=Actor("a", "municipality", "admin"), on=ON + timedelta(days=1), reason="data_subject_request")
    later = ON + timedelta(days=2)
    shown = disclosure(director, "read_household", h, list(DataCategory), on=later)
    assert shown.withheld[DataCategory.IDENTITY] is Withheld.ERASED and shown.withheld[DataCategory.CONTACT] is Withheld.ERASED
    assert DataCategory.IDENTITY not in shown.disclosed and DataCategory.PLAN in shown.disclosed
    urgent = disclosure(director, "read_household", h, list(DataCategory), on=later, emergency_reason=EMERGENCY)
    assert DataCategory.IDENTITY not in urgent.disclosed and urgent.withheld[DataCategory.IDENTITY] is Withheld.ERASED


def test_withdrawal_withholds_on_the_next_read() -> None:
    user = Actor(USER_ID["involved"], ORG["involved"], "professional")
    h = household("in_force", ORG["involved"])
    assert DataCategory.FINANCES in disclosure(user, "read_household", h, list(DataCategory), on=ON).disclosed
    h.withdraw_consent(actor=user, on=ON, consent_id="c1")
    after = disclosure(user, "read_household", h, list(DataCategory), on=ON)
    assert not after.decision.allowed and not after.disclosed  # finances was all this worker could read
    _grant_housing(h, ORG["involved"])
    after = disclosure(user, "read_household", h, list(DataCategory), on=ON)
    assert after.withheld[DataCategory.FINANCES] is Withheld.NOT_IN_FORCE and DataCategory.HOUSING in after.disclosed
