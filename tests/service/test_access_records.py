"""Every command, read and refusal leaves a NEN 7513 access record before the result goes out."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest
from eventsourcing.persistence import PersistenceError

from conftest import OPERATOR, FixedClock, Store
from ledger.aggregates import Actor, errors
from ledger.aggregates.actions import Action
from ledger.aggregates.vocabulary import DataCategory
from ledger.application import NewMember
from ledger.privacy.access import ALL_CATEGORIES, AccessDeniedError, AccessRecorded

DIRECTOR = Actor("u-director", "gemeente-testdorp", "consultant")
INVOLVED = Actor("u-ggz", "ggz-regio", "professional")
STRANGER = Actor("u-stranger", "schuldhulp-testdorp", "professional")


def records(ledger) -> list[AccessRecorded]:
    out = []
    for n in ledger.app.recorder.select_notifications(start=1, limit=10_000):
        if n.topic.endswith(":AccessRecorded"):
            out.append(ledger.app.mapper.to_domain_event(n))
    return out


@pytest.fixture
def case(store: Store, clock: FixedClock):
    """A household with a director and an involved GGZ worker, no consent yet."""
    ledger = store.make_ledger(clock=clock)
    clock.set(date(2026, 3, 2))
    hid, v = ledger.app.refer_household(OPERATOR, sources=["social_work"], members=[NewMember("adult", "Kees Toegang")])
    v = ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["mental_health"])
    v = ledger.app.assign_case_director(OPERATOR, hid, expected_version=v, user_id=DIRECTOR.user_id,
                                       organisation=DIRECTOR.organisation)
    _, v = ledger.app.start_involvement(OPERATOR, hid, expected_version=v, kind="professional",
                                        organisation=INVOLVED.organisation, discipline="mental_health_care",
                                        worker_id=INVOLVED.user_id)
    return ledger, hid, v


def test_an_allowed_command_saves_its_record_with_its_events(case) -> None:
    """A director's command is recorded with action, who, role, purpose, categories and authorisation."""
    ledger, hid, v = case
    before = len(records(ledger))
    _, v2 = ledger.app.set_plan_goal(DIRECTOR, hid, expected_version=v, life_domain="mental_health",
                                     description="Rust in huis")
    new = records(ledger)[before:]
    assert v2 == v + 1 and len(new) == 1
    r = new[0]
    assert (r.action, r.household_id, r.user_id, r.organisation, r.role) == (
        "set_plan_goal", str(hid), "u-director", "gemeente-testdorp", "consultant")
    assert (r.purpose, r.data_categories, r.authorisation, r.outcome) == ("coordination", ["plan"], "case_director", "allowed")


def test_a_refused_command_is_recorded_and_changes_nothing_else(case) -> None:
    """An unrelated worker's command is refused with the policy's reason, recorded as denied, and not applied."""
    ledger, hid, v = case
    with pytest.raises(AccessDeniedError, match="Only the case director"):
        ledger.app.close_case(STRANGER, hid, expected_version=v, reason="goals_achieved")
    assert ledger.app.get_household(OPERATOR, hid).version == v
    denied = [r for r in records(ledger) if r.outcome == "denied"]
    assert [(r.action, r.user_id) for r in denied] == [("close_case", "u-stranger")]


def test_reads_follow_consent_and_withdrawal_takes_effect_at_the_next_read(store: Store, case, clock) -> None:
    """An involved worker reads only under consent; after withdrawal, the next read (any process) is refused."""
    ledger, hid, v = case
    with pytest.raises(AccessDeniedError):
        ledger.app.get_household(INVOLVED, hid)
    consent_id, v = ledger.app.grant_consent(
        DIRECTOR, hid, expected_version=v, basis="consent", member_id="m1", organisations=[INVOLVED.organisation],
        data_categories=[c.value for c in ALL_CATEGORIES],
        purpose="coordination")
    assert ledger.app.get_household(INVOLVED, hid).members["m1"].name.value == "Kees Toegang"
    other_process = store.make_ledger(clock=clock)
    assert other_process.app.get_household(INVOLVED, hid).version == v
    ledger.app.withdraw_consent(DIRECTOR, hid, expected_version=v, consent_id=consent_id)
    with pytest.raises(AccessDeniedError):
        other_process.app.get_household(INVOLVED, hid)
    outcomes = [(r.action, r.user_id, r.outcome, r.authorisation) for r in records(ledger) if r.user_id == "u-ggz"]
    assert outcomes == [
        ("read_household", "u-ggz", "denied", None),
        ("read_household", "u-ggz", "allowed", f"consent:{consent_id}"),
        ("read_household", "u-ggz", "allowed", f"consent:{consent_id}"),
        ("read_household", "u-ggz", "denied", None),
    ]


def test_break_the_glass_is_allowed_flagged_and_its_reason_sealed(store: Store, case) -> None:
    """A stated emergency reason opens the household; the record is flagged and the reason stored encrypted."""
    ledger, hid, _ = case
    reason = "Acute crisis bij Kees, regisseur onbereikbaar"
    h = ledger.app.get_household(STRANGER, hid, emergency_reason=reason)
    assert h.members["m1"].name.value == "Kees Toegang"
    (r,) = [r for r in records(ledger) if r.emergency]
    assert (r.user_id, r.authorisation, r.emergency_reason.value) == ("u-stranger", "emergency", reason)
    raw = b"".join(n.state for n in ledger.app.recorder.select_notifications(start=1, limit=10_000))
    assert reason.encode() not in raw and b"Kees" not in raw


def _refuse_access_records(store: Store) -> None:
    """A real database trigger that makes every access-record insert fail."""
    if store.kind == "postgres":
        with psycopg.connect(store.database_url, autocommit=True) as conn:
            conn.execute(
                "CREATE FUNCTION refuse_ar() RETURNS trigger AS $$ BEGIN "
                "IF NEW.topic LIKE '%AccessRecorded' THEN RAISE EXCEPTION 'access log unavailable'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql")
            conn.execute("CREATE TRIGGER refuse_ar BEFORE INSERT ON ledger_events FOR EACH ROW EXECUTE FUNCTION refuse_ar()")
    else:
        import sqlite3

        with sqlite3.connect(store.data_dir / "ledger.sqlite") as conn:
            conn.execute("CREATE TRIGGER refuse_ar BEFORE INSERT ON stored_events WHEN NEW.topic LIKE '%AccessRecorded' "
                         "BEGIN SELECT RAISE(ABORT, 'access log unavailable'); END")


def test_no_access_record_means_no_data_and_no_change(store: Store, case) -> None:
    """When the access record cannot be written, a read returns nothing and a command writes nothing."""
    ledger, hid, v = case
    _refuse_access_records(store)
    with pytest.raises(PersistenceError) as read_failed:  # the store's refusal, on SQLite and PostgreSQL
        ledger.app.get_household(DIRECTOR, hid)
    assert not isinstance(read_failed.value, errors.HouseholdError)
    with pytest.raises(PersistenceError):
        ledger.app.set_plan_goal(DIRECTOR, hid, expected_version=v, life_domain="plan", description="Doel")
    events = list(ledger.app.events.get(hid))
    assert len(events) == v  # the goal's event did not land without its record


def test_a_stated_reason_is_shown_only_after_its_showing_is_recorded(store: Store, case) -> None:
    """Issue 16 item 3: the review's read_access_review record names the household; unsaved, nothing is shown."""
    ledger, hid, _ = case
    officer = Actor("u-fg", "gemeente-testdorp", "privacy_officer")
    ledger.app.record_read(STRANGER, Action.READ_PLAN, hid, frozenset({DataCategory.PLAN}),
                           emergency_reason="Acute crisis bij Kees, regisseur onbereikbaar")
    (emergency,) = [r for r in records(ledger) if r.emergency]
    row = {"record_id": str(emergency.originator_id), "organisation": emergency.organisation}
    shown = ledger.app.access_record(officer, emergency.originator_id, lambda rid, org: dict(row))
    assert shown["stated_reason"] == {"text": "Acute crisis bij Kees, regisseur onbereikbaar", "erased": False}
    assert shown["relations"]["reader_relationship"] == "unrelated"
    (review,) = [r for r in records(ledger) if r.action == "read_access_review"]
    assert (review.user_id, review.household_id, review.outcome) == ("u-fg", str(hid), "allowed")
    assert str(emergency.originator_id) in review.reason and review.emergency_reason is None
    _refuse_access_records(store)
    with pytest.raises(PersistenceError):  # fail closed: no record, no reason
        ledger.app.access_record(officer, emergency.originator_id, lambda rid, org: dict(row))
    with pytest.raises(PersistenceError):
        ledger.app.stated_reasons(officer, [dict(row)])


def test_an_involved_professional_marks_only_their_organisations_plan_actions(case) -> None:
    """The curious insider: another organisation's action (or the household's own) stays open, refused and recorded.

    The stranger's organisation (debt counselling) is involved too, so the refusal is not for being unrelated.
    """
    ledger, hid, v = case
    _, v = ledger.app.start_involvement(DIRECTOR, hid, expected_version=v, kind="professional",
                                        organisation=STRANGER.organisation, discipline="debt_counselling")
    goal, v = ledger.app.set_plan_goal(DIRECTOR, hid, expected_version=v, life_domain="finances",
                                       description="Schulden op een rij")
    ggz_action, v = ledger.app.add_plan_action(DIRECTOR, hid, expected_version=v, goal_id=goal, description="Gesprek",
                                               performer_kind="professional", organisation=INVOLVED.organisation)
    own_action, v = ledger.app.add_plan_action(DIRECTOR, hid, expected_version=v, goal_id=goal,
                                               description="Post openen", performer_kind="self")
    for action in (ggz_action, own_action):
        with pytest.raises(AccessDeniedError, match="plan actions assigned to their organisation"):
            ledger.app.complete_plan_action(STRANGER, hid, expected_version=v, action_id=action)
        with pytest.raises(AccessDeniedError, match="plan actions assigned to their organisation"):
            ledger.app.cancel_plan_action(STRANGER, hid, expected_version=v, action_id=action, reason="niet nodig")
    with pytest.raises(AccessDeniedError):
        ledger.app.complete_plan_action(INVOLVED, hid, expected_version=v, action_id=own_action)
    assert ledger.app.get_household(OPERATOR, hid).version == v
    v = ledger.app.complete_plan_action(INVOLVED, hid, expected_version=v, action_id=ggz_action)
    v = ledger.app.complete_plan_action(DIRECTOR, hid, expected_version=v, action_id=own_action)
    h = ledger.app.get_household(OPERATOR, hid)
    assert h.actions[ggz_action].status == h.actions[own_action].status == "done"
    marks = [(r.action, r.user_id, r.outcome) for r in records(ledger)
             if r.action in ("complete_plan_action", "cancel_plan_action")]
    assert marks == [("complete_plan_action", "u-stranger", "denied"), ("cancel_plan_action", "u-stranger", "denied")] * 2 \
        + [("complete_plan_action", "u-ggz", "denied"), ("complete_plan_action", "u-ggz", "allowed"),
           ("complete_plan_action", "u-director", "allowed")]
