"""A household at two times: business date (``as_of``) and knowledge time (``known_at``), each a rule of its own.

The state at (as_of, known_at) is the fold, in position order, of the household's events with
position <= known_at and business date <= as_of; erased data never comes back; a household not
referred by then is not found, naming the time that excluded it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from conftest import OPERATOR, FixedClock, Store
from ledger.aggregates import errors
from ledger.application import NewMember
from ledger.application.as_of import fold, household_events
from ledger.privacy.sealing import blind_mapper


@pytest.fixture
def clock() -> FixedClock:
    """Recording times go forward from New Year (the ledger's clock stamps positions in order)."""
    return FixedClock(datetime(2026, 1, 1, 9, tzinfo=UTC))


def refer(ledger, on: date | None = None):
    return ledger.app.refer_household(OPERATOR, sources=["wmo_desk"], members=[NewMember("adult", "Bep Tijdreis")],
                                      on=on)


def test_known_at_a_moment_shows_exactly_what_was_recorded_by_then(store: Store, clock: FixedClock) -> None:
    """The state as known at a moment between two recordings holds the first and not the second."""
    ledger = store.make_ledger(clock=clock)
    clock.set(date(2026, 2, 2))
    hid, v = refer(ledger)
    clock.set(date(2026, 2, 9))
    v = ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["finances"])
    between = datetime(2026, 2, 5, tzinfo=UTC)
    then = ledger.app.get_household(OPERATOR, hid, known_at=between)
    now = ledger.app.get_household(OPERATOR, hid)
    assert (then.version, then.phase, then.intake) == (1, "referred", None)
    assert (now.version, now.phase) == (2, "intake")
    assert then.members["m1"].name.value == "Bep Tijdreis"


def test_a_late_arriving_fact_counts_only_when_known(store: Store, clock: FixedClock) -> None:
    """An intake held on 5 February, recorded on the 20th: as of the 10th it counts as known now, not as known then."""
    ledger = store.make_ledger(clock=clock)
    clock.set(date(2026, 2, 2))
    hid, v = refer(ledger)
    referred_at = ledger.app.last_written_position
    clock.set(date(2026, 2, 20))
    ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["finances"], on=date(2026, 2, 5))
    day = date(2026, 2, 10)
    before = ledger.app.household_as_of(OPERATOR, hid, as_of=day, known_at=referred_at)
    after = ledger.app.household_as_of(OPERATOR, hid, as_of=day)
    assert (before.household.phase, before.household.intake) == ("referred", None)
    assert after.household.phase == "intake" and after.household.intake.held_on == date(2026, 2, 5)
    assert before.known_at.position == referred_at and after.known_at.position == ledger.app.recorder.max_notification_id()
    assert before.as_of == after.as_of == day
    # Known on the 10th (a moment) is known at the referral's position: the intake was not recorded yet.
    by_moment = ledger.app.household_as_of(OPERATOR, hid, as_of=day, known_at=datetime(2026, 2, 10, 12, tzinfo=UTC))
    assert by_moment.household.phase == "referred"


def test_a_business_date_between_two_events_holds_the_first_only(store: Store, clock: FixedClock) -> None:
    """Recorded the same day, dated a week apart: as of a day between them, only the first happened."""
    ledger = store.make_ledger(clock=clock)
    clock.set(date(2026, 3, 20))
    hid, v = refer(ledger, on=date(2026, 3, 1))
    v = ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["housing"], on=date(2026, 3, 3))
    _, v = ledger.app.start_involvement(OPERATOR, hid, expected_version=v, kind="professional", organisation="ggz-regio",
                                        discipline="mental_health_care", on=date(2026, 3, 10))
    then = ledger.app.household_as_of(OPERATOR, hid, as_of=date(2026, 3, 5)).household
    assert (then.phase, len(then.involvements)) == ("intake", 0)
    assert len(ledger.app.household_as_of(OPERATOR, hid, as_of=date(2026, 3, 10)).household.involvements) == 1


def test_a_moment_and_its_position_give_the_same_state(store: Store, clock: FixedClock) -> None:
    """knownAt as a timestamp resolves to the last position recorded at or before it."""
    ledger = store.make_ledger(clock=clock)
    clock.set(date(2026, 2, 2))
    hid, v = refer(ledger)
    clock.set(date(2026, 2, 3))
    v = ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["finances"])
    intake_at = ledger.app.last_written_position
    clock.set(date(2026, 2, 9))
    ledger.app.assign_case_director(OPERATOR, hid, expected_version=v, user_id="u-director",
                                    organisation="gemeente-testdorp")
    moment = datetime(2026, 2, 5, tzinfo=UTC)
    resolved = ledger.app.resolve_known_at(moment)
    assert intake_at <= resolved.position < ledger.app.last_written_position
    assert resolved.at is not None and resolved.at <= moment
    by_moment = ledger.app.household_as_of(OPERATOR, hid, known_at=moment)
    by_position = ledger.app.household_as_of(OPERATOR, hid, known_at=intake_at)
    assert by_moment.household.version == by_position.household.version == 2
    assert by_moment.household.case_director is None
    assert ledger.app.resolve_known_at(datetime(2025, 1, 1, tzinfo=UTC)).position == 0


def test_not_yet_referred_is_not_found_and_names_the_time(store: Store, clock: FixedClock) -> None:
    """Before its referral date (asOf) or before it was recorded (knownAt): 404-worthy, with the time named."""
    ledger = store.make_ledger(clock=clock)
    clock.set(date(2026, 2, 20))
    hid, _ = refer(ledger, on=date(2026, 2, 10))
    with pytest.raises(errors.NotFoundError, match=r"asOf"):
        ledger.app.household_as_of(OPERATOR, hid, as_of=date(2026, 2, 9))
    with pytest.raises(errors.NotFoundError, match=r"knownAt"):
        ledger.app.household_as_of(OPERATOR, hid, known_at=datetime(2026, 2, 19, tzinfo=UTC))
    with pytest.raises(errors.InvalidInputError, match="beyond"):
        ledger.app.household_as_of(OPERATOR, hid, known_at=10_000)
    with pytest.raises(TypeError, match="known_at"):
        ledger.app.household_as_of(OPERATOR, hid, as_of=datetime(2026, 2, 19, tzinfo=UTC))  # type: ignore[arg-type]  # the old meaning, refused


def test_an_event_that_cannot_apply_without_a_left_out_one_is_skipped(store: Store, clock: FixedClock) -> None:
    """Rule: an event whose predecessor (by position) the business date leaves out, and that cannot apply without
    it, is skipped (and listed), never half-applied. The aggregate refuses such a history today (an action cannot be
    completed before it was added), so the stored completion is re-dated here, as a migrated history could hold it."""
    ledger = store.make_ledger(clock=clock)
    clock.set(date(2026, 3, 20))
    hid, v = refer(ledger, on=date(2026, 3, 1))
    v = ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["housing"], on=date(2026, 3, 1))
    goal_id, v = ledger.app.set_plan_goal(OPERATOR, hid, expected_version=v, life_domain="housing",
                                          description="Een huis", on=date(2026, 3, 2))
    action_id, v = ledger.app.add_plan_action(OPERATOR, hid, expected_version=v, goal_id=goal_id, description="Bellen",
                                              performer_kind="self", on=date(2026, 3, 10))
    v = ledger.app.complete_plan_action(OPERATOR, hid, expected_version=v, action_id=action_id, on=date(2026, 3, 12))
    events = household_events(ledger.app.recorder, blind_mapper(ledger.app).to_domain_event, hid)
    completed_at, completion = events[-1]
    object.__setattr__(completion, "on", date(2026, 3, 5))  # dated before the action was added
    known = ledger.app.resolve_known_at()
    folded = fold(hid, events, date(2026, 3, 6), known)
    assert action_id not in folded.household.actions and goal_id in folded.household.goals
    assert folded.skipped == [completed_at]
    assert completed_at not in [p for p, _ in folded.events]
    assert folded.household.version == events[-3][1].originator_version  # the goal, the last event applied
    everything = fold(hid, events, date(2026, 3, 20), known)  # with the action there, the completion applies
    assert everything.skipped == [] and everything.household.actions[action_id].status == "done"


def test_as_of_before_an_erasure_shows_no_personal_data(store: Store, clock: FixedClock) -> None:
    """Looking back to before an erasure shows no personal data, even where a process still caches the key."""
    ledger = store.make_ledger(clock=clock)
    other_process = store.make_ledger(clock=clock, key_cache_seconds=600)
    clock.set(date(2026, 2, 2))
    hid, v = refer(ledger)
    referred_at = ledger.app.last_written_position
    assert other_process.app.get_household(OPERATOR, hid).members["m1"].name.value == "Bep Tijdreis"  # key cached
    clock.set(date(2026, 4, 1))
    v = ledger.app.close_case(OPERATOR, hid, expected_version=v, reason="moved_away")
    ledger.app.erase_household(OPERATOR, hid, expected_version=v, reason="data_subject_request")
    for reader in (ledger, other_process):
        for then in (reader.app.get_household(OPERATOR, hid, known_at=datetime(2026, 3, 1, tzinfo=UTC)),
                     reader.app.get_household(OPERATOR, hid, as_of=date(2026, 3, 1)),
                     reader.app.get_household(OPERATOR, hid, as_of=date(2026, 3, 1), known_at=referred_at)):
            assert then.version == 1 and not then.is_erased  # the erasure had not happened then ...
            assert then.members["m1"].name.erased  # ... but its data does not come back
            assert "Bep" not in repr(vars(then))
        folded = reader.app.household_as_of(OPERATOR, hid, as_of=date(2026, 3, 1))
        assert "Bep" not in repr([vars(e) for _, e in folded.events])
        history = reader.app.history(OPERATOR, hid)
        assert history[0].referral.members[0].name.erased


def test_an_as_of_read_is_recorded_before_its_data_goes_out(store: Store, clock: FixedClock) -> None:
    """The as-of read is decided and recorded first: the record is there, and a refused read gets nothing."""
    from ledger.aggregates import Actor
    from ledger.privacy.access import AccessDeniedError

    ledger = store.make_ledger(clock=clock)
    clock.set(date(2026, 2, 2))
    hid, _ = refer(ledger)
    head = ledger.app.recorder.max_notification_id()
    ledger.app.household_as_of(OPERATOR, hid, as_of=date(2026, 2, 2), known_at=head)
    assert ledger.app.recorder.max_notification_id() == head + 1  # the access record, written before the answer
    stranger = Actor("u-other", "schuldhulp-testdorp", "professional")
    with pytest.raises(AccessDeniedError):
        ledger.app.household_as_of(stranger, hid, as_of=date(2026, 2, 2))
    assert ledger.app.recorder.max_notification_id() == head + 2  # the refusal is recorded too
