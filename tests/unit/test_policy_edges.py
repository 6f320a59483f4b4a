"""Issue 16, item 5: the policy's edges, as rows of the authorisation matrix.

Ending an involvement is an involved professional's own part only: their own involvement (it names
them) or their organisation's (it names no worker); the case director may end any. Completing or
cancelling a plan action likewise: an involved professional acts only on the actions their own
organisation performs; the case director on any. Whoever may not
see the household's state learns none of it from an error (``may_see_state``).
"""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.aggregates import Actor, Household, Member, Personal, StaffRef
from ledger.aggregates.vocabulary import DataCategory
from ledger.privacy.policy import decide, disclosure, may_see_state

ON = date(2026, 5, 1)
REFERRED = date(2026, 1, 5)
TOWN = "gemeente-testdorp"
TEAM = Actor("cons-intake", TOWN, "consultant")
DIRECTOR = Actor("u-director", TOWN, "consultant")
GGZ = Actor("u-ggz", "ggz-regio", "professional")  # involvement i-ggz names them
GGZ_COLLEAGUE = Actor("u-ggz-2", "ggz-regio", "professional")  # involved through i-ggz-team (no worker named)
DEBT = Actor("u-debt", "schuldhulp-testdorp", "professional")  # involved through i-debt (no worker named)
OUTSIDER = Actor("u-out", "buurtteam", "professional")


def household() -> Household:
    """A director and four involvements: GGZ's named worker, GGZ's team, debt counselling's team, a GGZ colleague."""
    h = Household.refer(household_id=uuid4(), actor=TEAM, on=REFERRED, sources=["wmo_desk"],
                        members=[Member("m1", "adult", Personal("Lotte Rand"))])
    h.hold_intake(actor=TEAM, on=REFERRED, domains_discussed=["finances"])
    h.assign_case_director(actor=TEAM, on=REFERRED, director=StaffRef(DIRECTOR.user_id, TOWN))
    for iid, org, worker in (("i-ggz", "ggz-regio", GGZ.user_id), ("i-ggz-team", "ggz-regio", None),
                             ("i-debt", "schuldhulp-testdorp", None), ("i-ggz-other", "ggz-regio", "u-ggz-3")):
        h.start_involvement(actor=DIRECTOR, on=REFERRED, involvement_id=iid, kind="professional", organisation=org,
                            discipline="social_work", worker_id=worker)
    return h


def planned() -> Household:
    """The household above with a goal and four actions: GGZ's, debt counselling's, the household's own, a volunteer's."""
    h = household()
    h.set_plan_goal(actor=DIRECTOR, on=REFERRED, goal_id="g1", life_domain="finances",
                    description=Personal("Schulden op een rij"))
    for aid, kind, org in (("a-ggz", "professional", "ggz-regio"), ("a-debt", "professional", "schuldhulp-testdorp"),
                           ("a-self", "self", None), ("a-volunteer", "volunteer", None)):
        h.add_plan_action(actor=DIRECTOR, on=REFERRED, action_id=aid, goal_id="g1", description=Personal("Bellen"),
                          performer_kind=kind, organisation=org)
    return h


PLAN_ACTION_ROWS = [
    # (who, action, allowed): an involved professional's own organisation's actions; the director any
    ("ggz", "a-ggz", True),  # GGZ performs it
    ("ggz_colleague", "a-ggz", True),  # the organisation's action, not one worker's
    ("ggz", "a-debt", False),  # the curious insider: another organisation's action
    ("debt", "a-ggz", False),
    ("debt", "a-debt", True),
    ("ggz", "a-self", False),  # the household's own action: the director records it
    ("ggz", "a-volunteer", False),
    ("ggz", "a-unknown", False),  # no such action: refused alike, so it reveals nothing
    ("director", "a-ggz", True),
    ("director", "a-debt", True),
    ("director", "a-self", True),
    ("outsider", "a-ggz", False),  # no relationship at all
]


END_INVOLVEMENT_ROWS = [
    # (who, involvement, allowed): an involved professional's own part; the director any
    ("ggz", "i-ggz", True),  # their own: it names them
    ("ggz", "i-ggz-team", True),  # their organisation's, no worker named
    ("ggz", "i-ggz-other", False),  # a colleague's, named: not theirs
    ("ggz", "i-debt", False),  # another organisation's: ending it would end that organisation's access
    ("ggz", "i-unknown", False),  # no such involvement: refused alike, so it reveals nothing
    ("ggz_colleague", "i-ggz-team", True),
    ("ggz_colleague", "i-ggz", False),
    ("debt", "i-debt", True),
    ("debt", "i-ggz", False),  # the curious insider of another organisation
    ("director", "i-debt", True),
    ("director", "i-ggz", True),
    ("outsider", "i-ggz", False),  # no relationship at all
]
WHO = {"ggz": GGZ, "ggz_colleague": GGZ_COLLEAGUE, "debt": DEBT, "director": DIRECTOR, "outsider": OUTSIDER}


@pytest.mark.parametrize(("who", "involvement", "allowed"), END_INVOLVEMENT_ROWS)
def test_a_professional_ends_only_their_own_or_their_organisations_involvement(
    who: str, involvement: str, allowed: bool
) -> None:
    """Ending another organisation's (or a named colleague's) involvement is refused; the director may end any."""
    decision = decide(WHO[who], "end_involvement", household(), ["involvement"], on=ON, municipality=TOWN,
                      involvement_id=involvement)
    assert decision.allowed is allowed, decision.reason
    if not allowed:
        assert "Lotte" not in decision.reason and "i-" not in decision.reason


@pytest.mark.parametrize("command", ["complete_plan_action", "cancel_plan_action"])
@pytest.mark.parametrize(("who", "action", "allowed"), PLAN_ACTION_ROWS)
def test_a_professional_completes_or_cancels_only_their_organisations_plan_actions(
    command: str, who: str, action: str, allowed: bool
) -> None:
    """Marking another organisation's (or the household's own) action done or cancelled is the director's."""
    decision = decide(WHO[who], command, planned(), ["plan"], on=ON, municipality=TOWN, plan_action_id=action)
    assert decision.allowed is allowed, decision.reason
    if not allowed:
        assert "Lotte" not in decision.reason and "a-" not in decision.reason and "Bellen" not in decision.reason


def test_a_plan_action_left_unnamed_is_refused_to_an_involved_professional() -> None:
    """The policy cannot judge whose action an unnamed one is: refused to the professional, not the director."""
    for command in ("complete_plan_action", "cancel_plan_action"):
        assert not decide(GGZ, command, planned(), ["plan"], on=ON, municipality=TOWN).allowed
        assert decide(DIRECTOR, command, planned(), ["plan"], on=ON, municipality=TOWN).allowed


def test_ending_an_involvement_without_naming_it_is_refused_to_an_involved_professional() -> None:
    """The policy cannot judge whose part an unnamed involvement is: refused (the director is not asked which)."""
    assert not decide(GGZ, "end_involvement", household(), ["involvement"], on=ON, municipality=TOWN).allowed
    assert decide(DIRECTOR, "end_involvement", household(), ["involvement"], on=ON, municipality=TOWN).allowed


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        (DIRECTOR, True),  # reads the coordination set
        (TEAM, False),  # the municipality's consultant, but the case has a director: unrelated now
        (GGZ, False),  # involved, writes their own part, but no consent lets them read any category
        (OUTSIDER, False),
        (Actor("u-fg", TOWN, "privacy_officer"), True),  # sees every write of the household in its access log
        (Actor("u-fg-ggz", "ggz-regio", "privacy_officer"), False),  # a partner's officer: own staff's records only
        (Actor("u-admin", TOWN, "admin"), False),  # executes erasures, never sees case content
        (Actor("op", TOWN, "operator"), True),
    ],
)
def test_only_who_may_see_the_household_learns_its_state_from_an_error(who: Actor, sees: bool) -> None:
    """may_see_state: a reader of any category, the municipality's privacy officer or the operator; nobody else."""
    assert may_see_state(who, household(), on=ON, municipality=TOWN) is sees


def test_a_consent_makes_an_involved_professional_one_who_sees_the_state() -> None:
    """With a consent in force for one category, the involved professional reads it, so errors may say more."""
    h = household()
    h.grant_consent(actor=DIRECTOR, on=REFERRED, consent_id="c1", basis="consent", member_id="m1",
                    organisations=["ggz-regio"], data_categories=["mental_health"], purpose="coordination",
                    valid_from=REFERRED)
    assert may_see_state(GGZ, h, on=ON, municipality=TOWN)
    assert not may_see_state(DEBT, h, on=ON, municipality=TOWN)


@pytest.mark.parametrize(
    ("who", "allowed", "scope"),
    [
        (Actor("u-fg", TOWN, "privacy_officer"), True, None),  # every record
        (Actor("u-fg-ggz", "ggz-regio", "privacy_officer"), True, "ggz-regio"),  # their own staff's only
        (DIRECTOR, False, None),  # the curious insider: not even of their own household
        (OUTSIDER, False, None),
        (Actor("u-admin", TOWN, "admin"), False, None),
        (Actor("u-eval", TOWN, "evaluator"), False, None),
    ],
)
def test_only_a_privacy_officer_reads_a_record_under_review_with_its_stated_reason(
    who: Actor, allowed: bool, scope: str | None
) -> None:
    """read_access_review (issue 16 item 3): the privacy officer's duty; breaking the glass does not open it."""
    decision = decide(who, "read_access_review", None, (), on=ON, municipality=TOWN,
                      emergency_reason="acute crisis at the address, director unreachable tonight")
    assert decision.allowed is allowed and not decision.emergency, decision.reason
    assert decision.scope == scope


ORGS = (TOWN, "ggz-regio", "schuldhulp-testdorp", "buurtteam")
consent = st.tuples(st.lists(st.sampled_from(ORGS), min_size=1, max_size=2, unique=True),
                    st.lists(st.sampled_from(sorted(DataCategory)), min_size=1, max_size=3, unique=True),
                    st.sampled_from(("coordination", "service_delivery")),
                    st.integers(-3, 3), st.none() | st.integers(-3, 3), st.booleans())  # window around ON, withdrawn
someone = st.builds(Actor, user_id=st.sampled_from(("u-director", "u-ggz", "u-ggz-2", "u-debt", "u-out", "cons-intake")),
                    organisation=st.sampled_from(ORGS),
                    role=st.sampled_from(("consultant", "professional", "privacy_officer", "evaluator", "admin",
                                          "operator")),
                    purpose=st.sampled_from(("coordination", "service_delivery")))


@settings(max_examples=300, deadline=None)
@given(reader=someone, consents=st.lists(consent, max_size=3), directed=st.booleans())
def test_who_learns_the_state_from_an_error_is_who_a_read_discloses_something_to(
    reader: Actor, consents: list[tuple[list[str], list[str], str, int, int | None, bool]], directed: bool
) -> None:
    """may_see_state agrees with disclosure: a care worker may learn the version exactly when a read shows them a
    category; the municipality's privacy officer and the operator always, everyone else never."""
    h = Household.refer(household_id=uuid4(), actor=TEAM, on=REFERRED, sources=["wmo_desk"],
                        members=[Member("m1", "adult", Personal("Lotte Rand"))])
    h.hold_intake(actor=TEAM, on=REFERRED, domains_discussed=["finances"])
    if directed:
        h.assign_case_director(actor=TEAM, on=REFERRED, director=StaffRef(DIRECTOR.user_id, TOWN))
    h.start_involvement(actor=TEAM, on=REFERRED, involvement_id="i-ggz", kind="professional", organisation="ggz-regio",
                        discipline="social_work", worker_id="u-ggz")
    h.start_involvement(actor=TEAM, on=REFERRED, involvement_id="i-debt", kind="professional",
                        organisation="schuldhulp-testdorp", discipline="debt_counselling")
    for n, (orgs, cats, purpose, start, length, withdrawn) in enumerate(consents):
        start_on = date.fromordinal(ON.toordinal() + 30 * start)
        until = None if length is None else date.fromordinal(start_on.toordinal() + 30 * abs(length))
        h.grant_consent(actor=TEAM, on=REFERRED, consent_id=f"c{n}", basis="consent", member_id="m1",
                        organisations=orgs, data_categories=cats, purpose=purpose, valid_from=start_on,
                        valid_until=until)
        if withdrawn:  # on its first day in force (a consent not yet or no longer in force cannot be withdrawn)
            h.withdraw_consent(actor=TEAM, on=max(start_on, REFERRED), consent_id=f"c{n}")
    sees = may_see_state(reader, h, on=ON, municipality=TOWN)
    if reader.role == "operator" or (reader.role == "privacy_officer" and reader.organisation == TOWN):
        assert sees
        return
    read = disclosure(reader, "read_household", h, sorted(DataCategory), reader.purpose, on=ON, municipality=TOWN)
    assert sees is (read.decision.allowed and bool(read.disclosed)), (read.decision.reason, read.withheld)
