"""The access policy, as a table: role x relationship x consent state, and the special rules."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest

from conftest import POLICY_MATRIX

from ledger.aggregates import Actor, Household, Member, Personal, StaffRef
from ledger.privacy.policy import decide

ON = date(2026, 5, 1)
REFERRED = date(2026, 1, 5)
OPERATOR = Actor("cons-intake", "gemeente-testdorp", "consultant")
ORG = {"director": "gemeente-testdorp", "involved": "ggz-regio", "unrelated": "schuldhulp-testdorp"}
USER_ID = {"director": "u-director", "involved": "u-involved", "unrelated": "u-unrelated"}


def household(consent_state: str, organisation: str) -> Household:
    """A household with a director, one involved professional, and a consent in the given state."""
    h = Household.refer(household_id=uuid4(), actor=OPERATOR, on=REFERRED, sources=["wmo_desk"],
                        members=[Member("m1", "adult", Personal("Lotte Beleid"))])
    h.hold_intake(actor=OPERATOR, on=REFERRED, domains_discussed=["finances"])
    h.assign_case_director(actor=OPERATOR, on=REFERRED, director=StaffRef(USER_ID["director"], ORG["director"]))
    h.start_involvement(actor=OPERATOR, on=REFERRED, involvement_id="i1", kind="professional",
                        organisation=ORG["involved"], discipline="mental_health_care", worker_id=USER_ID["involved"])
    h.set_plan_goal(actor=OPERATOR, on=REFERRED, goal_id="g1", life_domain="finances", description=Personal("Rust"))
    h.add_plan_action(actor=OPERATOR, on=REFERRED, action_id="a1", goal_id="g1", description=Personal("Bellen"),
                      performer_kind="professional", organisation=ORG["involved"])  # the involved worker's own
    grant = dict(actor=OPERATOR, on=REFERRED, consent_id="c1", basis="consent", member_id="m1",
                 organisations=[organisation], data_categories=["finances"], purpose="coordination",
                 valid_from=REFERRED)
    if consent_state == "none":
        return h
    if consent_state == "expired":
        grant["valid_until"] = ON - timedelta(days=1)
    if consent_state == "wrong_category":
        grant["data_categories"] = ["housing"]
    if consent_state == "wrong_purpose":
        grant["purpose"] = "evaluation"
    h.grant_consent(**grant)
    if consent_state == "withdrawn":
        h.withdraw_consent(actor=OPERATOR, on=ON - timedelta(days=1), consent_id="c1")
    return h




@pytest.mark.parametrize(("role", "relationship", "consent_state"), POLICY_MATRIX)
def test_reading_a_sensitive_category_needs_relationship_and_consent(
    role: str, relationship: str, consent_state: str
) -> None:
    """Finances are readable only by the director or an involved worker, under a consent in force for it."""
    user = Actor(USER_ID[relationship], ORG[relationship], role)
    h = household(consent_state, ORG[relationship])
    decision = decide(user, "read", h, ["finances"], "coordination", on=ON)
    expected = relationship != "unrelated" and consent_state == "in_force"
    assert decision.allowed is expected, decision.reason
    assert decision.authorisation == ("consent:c1" if expected else None)
    assert "Lotte" not in decision.reason


@pytest.mark.parametrize("relationship", ["director", "involved", "unrelated"])
def test_the_director_reads_the_coordination_set_without_consent(relationship: str) -> None:
    """The plan, contacts and ZRM are readable by the director alone when no consent exists."""
    user = Actor(USER_ID[relationship], ORG[relationship], "consultant")
    decision = decide(user, "read", household("none", ORG[relationship]), ["plan", "contact", "zrm"], on=ON)
    assert decision.allowed is (relationship == "director")


def test_a_legal_basis_covers_like_a_consent() -> None:
    """A recorded legal basis for the organisation, category and purpose allows the read."""
    h = household("none", ORG["involved"])
    h.grant_consent(actor=OPERATOR, on=REFERRED, consent_id="lb1", basis="public_task", member_id=None,
                    organisations=[ORG["involved"]], data_categories=["finances"], purpose="coordination",
                    valid_from=REFERRED, legal_reference="jeugdwet_7_4_0")
    decision = decide(Actor(USER_ID["involved"], ORG["involved"], "professional"), "read", h, ["finances"], on=ON)
    assert decision.allowed and decision.authorisation == "legal_basis:lb1"


def test_withdrawal_takes_effect_on_the_next_access() -> None:
    """The same user is allowed before the withdrawal and refused right after it."""
    user = Actor(USER_ID["involved"], ORG["involved"], "professional")
    h = household("in_force", ORG["involved"])
    assert decide(user, "read", h, ["finances"], on=ON).allowed
    h.withdraw_consent(actor=OPERATOR, on=ON, consent_id="c1")
    assert not decide(user, "read", h, ["finances"], on=ON).allowed


@pytest.mark.parametrize("role", ["privacy_officer", "evaluator", "admin"])
def test_oversight_roles_never_read_case_content(role: str) -> None:
    """Privacy officers, evaluators and admins are refused every household read, even with a reason."""
    user = Actor("u-x", ORG["director"], role)
    decision = decide(user, "read", household("in_force", ORG["director"]), ["identity"], on=ON,
                      emergency_reason="ik wil het zien")
    assert not decision.allowed and not decision.emergency


def test_erasure_is_for_admins_and_retention_for_privacy_officers() -> None:
    """The municipality's admin erases on its privacy officer's request, the officer places holds; the director neither."""
    h = household("none", ORG["director"])
    director = Actor(USER_ID["director"], ORG["director"], "consultant")
    admin = Actor("a", "gemeente-testdorp", "admin")
    officer = Actor("p", "gemeente-testdorp", "privacy_officer")
    town = {"municipality": "gemeente-testdorp"}
    assert not decide(admin, "erase_household", h, on=ON, **town).allowed  # no request yet
    h.request_erasure(actor=officer, on=ON, request_id="r1", reason="data_subject_request")
    assert decide(admin, "erase_household", h, on=ON, **town).allowed
    assert decide(officer, "place_retention_hold", h, on=ON, **town).allowed
    assert not decide(director, "erase_household", h, on=ON).allowed
    assert not decide(director, "place_retention_hold", h, on=ON).allowed
    assert not decide(Actor("a", "gemeente-testdorp", "admin"), "record_intake", h, on=ON).allowed


@pytest.mark.parametrize(
    ("relationship", "action", "allowed"),
    [
        ("director", "add_plan_action", True),
        ("director", "close_case", True),
        ("involved", "complete_plan_action", True),
        ("involved", "record_zrm_measurement", True),
        ("involved", "add_plan_action", False),
        ("involved", "close_case", False),
        ("unrelated", "complete_plan_action", False),
    ],
)
def test_writes_belong_to_the_director_and_to_involved_workers_for_their_part(
    relationship: str, action: str, allowed: bool
) -> None:
    """The director may change the plan; an involved worker records their own part only."""
    user = Actor(USER_ID[relationship], ORG[relationship], "professional")
    assert decide(user, action, household("none", ORG[relationship]), on=ON, plan_action_id="a1").allowed is allowed


def test_referral_and_intake_are_possible_before_any_consent() -> None:
    """Anyone in the network refers; a consultant does the intake while no director is assigned."""
    referrer = Actor("u-school", "leerplicht-testdorp", "professional")
    assert decide(referrer, "refer_household", None, on=ON).allowed
    h = Household.refer(household_id=uuid4(), actor=referrer, on=REFERRED, sources=["school_attendance_officer"],
                        members=[Member("m1", "adult", Personal("Lotte Beleid"))])
    team = Actor("u-team", "gemeente-testdorp", "consultant")  # the municipality's team: the referral's addressee
    town = {"municipality": "gemeente-testdorp"}
    assert decide(team, "record_intake", h, on=ON, **town).allowed
    assert decide(team, "read", h, ["identity", "composition"], on=ON, **town).allowed
    assert not decide(team, "read", h, ["mental_health"], on=ON, **town).allowed
    assert not decide(referrer, "record_intake", h, on=ON, **town).allowed  # the referrer is not the intake team


def test_break_the_glass_allows_with_a_stated_reason_and_flags_it() -> None:
    """An unrelated worker is refused, but with a stated reason gets emergency access, flagged."""
    user = Actor(USER_ID["unrelated"], ORG["unrelated"], "professional")
    h = household("none", ORG["unrelated"])
    assert not decide(user, "read", h, ["mental_health"], on=ON).allowed
    assert not decide(user, "read", h, ["mental_health"], on=ON, emergency_reason="   ").allowed
    urgent = decide(user, "read", h, ["mental_health"], on=ON,
                    emergency_reason="acute crisis at the address, director unreachable tonight")
    assert urgent.allowed and urgent.emergency and urgent.authorisation == "emergency"
    write = decide(user, "close_case", h, on=ON, emergency_reason="acute crisis at the address, director unreachable")
    assert not write.allowed and not write.emergency  # breaking the glass opens reads, never writes


@pytest.mark.parametrize("action", ["read", "read_household", "read_history"])
def test_every_read_view_is_judged_as_a_read(action: str) -> None:
    """Named read views follow the read rules (consent), not the write rules."""
    user = Actor(USER_ID["involved"], ORG["involved"], "professional")
    assert decide(user, action, household("in_force", ORG["involved"]), ["finances"], on=ON).allowed
