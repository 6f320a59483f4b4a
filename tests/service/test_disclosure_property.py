"""Disclosure by category (issue 16 item 1), as a property over a real ledger.

For random households (some with costs and measurements), random consents and legal bases (for
which organisations, categories and purpose, in force, withdrawn, expired or not yet started) and
random readers (the case director, an involved professional, a colleague of the intake team's
organisation, an unrelated worker; each with a purpose): what the household read and the history
disclose equals what the rules allow, category by category, and the read's access record says the
same. The expected answer is computed here from the rules as docs/architecture.md states them
(an oracle of its own), never by calling the policy.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import OPERATOR, FixedClock, Store
from ledger.aggregates import Actor
from ledger.aggregates.vocabulary import DataCategory
from ledger.application import NewMember
from ledger.presenters import event_view, household_view
from ledger.privacy.access import AccessDeniedError, AccessRecorded
from ledger.privacy.categories import FIELD_CATEGORIES, HISTORY_HOLDS, HOUSEHOLD_HOLDS, event_categories

TODAY = date(2026, 5, 4)
REFERRED = date(2026, 3, 2)
DIRECTOR = Actor("u-director", "gemeente-testdorp", "consultant")
INVOLVED_ORG, OTHER_ORG = "ggz-regio", "schuldhulp-testdorp"
NAME, COST_TEXT, GOAL_TEXT = "Kees Disclosure", "Bewindvoering kosten geheim", "Rust in huis en financien"
CATEGORIES = [c.value for c in DataCategory]  # what consents name
HELD = sorted(c.value for c in HOUSEHOLD_HOLDS)  # what a household read holds (its history: the same)
COORDINATION = {"identity", "contact", "composition", "plan", "involvement", "zrm"}

consent_strategy = st.fixed_dictionaries({
    "organisations": st.lists(st.sampled_from([INVOLVED_ORG, DIRECTOR.organisation, OTHER_ORG]), min_size=1,
                              max_size=2, unique=True),
    "categories": st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=6, unique=True),
    "purpose": st.sampled_from(["coordination", "coordination", "service_delivery"]),
    "state": st.sampled_from(["in_force", "in_force", "withdrawn", "expired", "future"]),
    "basis": st.sampled_from(["consent", "consent", "public_task"]),
})
reader_strategy = st.tuples(st.sampled_from(["director", "involved", "involved_org", "unrelated"]),
                            st.sampled_from(["coordination", "coordination", "service_delivery"]))


def _reader(kind: str, purpose: str) -> Actor:
    return {
        "director": Actor(DIRECTOR.user_id, DIRECTOR.organisation, "consultant", purpose),
        "involved": Actor("u-ggz", INVOLVED_ORG, "professional", purpose),
        # a colleague at the involved organisation: the involvement names a worker, so not them
        "involved_org": Actor("u-colleague", INVOLVED_ORG, "professional", purpose),
        "unrelated": Actor("u-stranger", OTHER_ORG, "professional", purpose),
    }[kind]


def _expected(kind: str, reader: Actor, consents: list[dict[str, Any]]) -> dict[str, str] | None:
    """The withheld categories with their reasons by the stated rules; None: refused whole."""
    if kind in ("unrelated", "involved_org"):
        return None
    covers = [c for c in consents if reader.organisation in c["organisations"] and c["purpose"] == reader.purpose]
    withheld = {}
    for cat in HELD:
        if kind == "director" and cat in COORDINATION | {"costs", "social_network"}:
            continue
        mine = [c for c in covers if cat in c["categories"]]
        if any(c["state"] == "in_force" for c in mine):
            continue
        withheld[cat] = "not_in_force" if mine else "no_consent"
    return withheld


def _records(ledger: Any, start: int) -> list[AccessRecorded]:
    return [ledger.app.mapper.to_domain_event(n) for n in ledger.app.recorder.select_notifications(start=start, limit=100)
            if n.topic.endswith(":AccessRecorded")]


@pytest.fixture
def ledger(store: Store, clock: FixedClock) -> Any:
    clock.set(TODAY)
    return store.make_ledger(clock=clock)


def _household(ledger: Any, consents: list[dict[str, Any]], costs: bool) -> Any:
    app = ledger.app
    hid, v = app.refer_household(OPERATOR, sources=["social_work"], members=[NewMember("adult", NAME)], on=REFERRED)
    v = app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["finances"], on=REFERRED)
    v = app.assign_case_director(OPERATOR, hid, expected_version=v, user_id=DIRECTOR.user_id,
                                 organisation=DIRECTOR.organisation, on=REFERRED)
    _, v = app.start_involvement(OPERATOR, hid, expected_version=v, kind="professional", organisation=INVOLVED_ORG,
                                 discipline="mental_health_care", worker_id="u-ggz", on=REFERRED)
    _, v = app.set_plan_goal(OPERATOR, hid, expected_version=v, life_domain="finances", description=GOAL_TEXT,
                             on=REFERRED)
    if costs:
        _, v = app.record_cost(OPERATOR, hid, expected_version=v, kind="intervention", stream="care",
                               amount_eur="812.50", period_start=REFERRED, period_end=REFERRED, description=COST_TEXT,
                               on=REFERRED)
    for c in consents:
        until = {"expired": TODAY - timedelta(days=1)}.get(c["state"])
        start = TODAY + timedelta(days=3) if c["state"] == "future" else REFERRED
        cid, v = app.grant_consent(
            OPERATOR, hid, expected_version=v, basis=c["basis"], member_id="m1" if c["basis"] == "consent" else None,
            organisations=c["organisations"], data_categories=c["categories"], purpose=c["purpose"],
            valid_from=start, valid_until=until, on=REFERRED,
            legal_reference="wmo_2015_5_1_1" if c["basis"] != "consent" else None)
        if c["state"] == "withdrawn":
            v = app.withdraw_consent(OPERATOR, hid, expected_version=v, consent_id=cid, on=TODAY)
    return hid


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(consents=st.lists(consent_strategy, max_size=4), costs=st.booleans(), who=reader_strategy)
def test_what_a_read_discloses_is_what_the_policy_allows_and_the_record_says_so(
    ledger: Any, consents: list[dict[str, Any]], costs: bool, who: tuple[str, str],
) -> None:
    kind, purpose = who
    for c in consents:  # a legal basis is not withdrawn by a member: it ends
        c["state"] = "expired" if c["state"] == "withdrawn" and c["basis"] != "consent" else c["state"]
    reader = _reader(kind, purpose)
    hid = _household(ledger, consents, costs)
    expected = _expected(kind, reader, consents)
    if expected is not None and set(HELD) <= set(expected):
        expected = None  # nothing to disclose is no read: refused whole, no version or phase shown
    start = ledger.app.recorder.max_notification_id() + 1
    if expected is None:
        with pytest.raises(AccessDeniedError):
            ledger.app.read_household(reader, hid)
        with pytest.raises(AccessDeniedError):
            ledger.app.read_history(reader, hid)
        denied = _records(ledger, start)
        assert [r.outcome for r in denied] == ["denied", "denied"]
        assert all(r.withheld_categories is None for r in denied)
        return
    read = ledger.app.read_household(reader, hid)
    view = household_view(read.household, read.withheld)
    history = ledger.app.read_history(reader, hid)
    events = [event_view(e, history.withheld) for e in history.events or ()]
    assert HISTORY_HOLDS == HOUSEHOLD_HOLDS
    disclosed = sorted(set(HELD) - set(expected))

    # the response, category by category
    assert view["withheld"] == expected
    for name, cats in FIELD_CATEGORIES.items():
        if name in view:
            shown = all(c.value not in expected for c in cats)
            assert (view[name] is not None) == shown or (shown and view[name] is None and name in _EMPTY_OK), name
    assert (view["composition"] is None) == ("composition" in expected)
    # the name is in the referral (identity, contact, composition) and in the members (composition), where it
    # shows only beside identity (a member's name is identity data)
    assert (NAME in str(view)) == ({"identity", "composition"}.isdisjoint(expected))
    assert (COST_TEXT in str(view)) == (costs and "costs" not in expected)
    assert (GOAL_TEXT in str(view)) == ("plan" not in expected)
    for e, raw in zip(events, history.events or (), strict=True):
        held = {c.value for c in event_categories(raw)} & set(expected)
        assert (e["data"] is None) == bool(held) and (e["actor"] is None) == bool(held)
        assert (e["withheld"] or {}) == {c: expected[c] for c in held}
    assert (COST_TEXT in str(events)) == (costs and "costs" not in expected)

    # the access records say the same
    household_record, history_record = _records(ledger, start)
    for record, action in ((household_record, "read_household"), (history_record, "read_history")):
        assert (record.action, record.outcome, record.emergency) == (action, "allowed", False)
        assert record.data_categories == disclosed
        assert (record.withheld_categories or {}) == expected


# Fields that may be null although shown: nothing set them yet in these households.
_EMPTY_OK = {"composition_revision", "network", "coordination", "drop_out", "closure", "erasure", "erasure_request",
             "orientation_talks", "plan_meetings", "members"}
