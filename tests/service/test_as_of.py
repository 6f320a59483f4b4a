"""A household as recorded at a past moment: replay up to then, and never resurrect erased data."""

from __future__ import annotations

from datetime import UTC, date, datetime

from conftest import OPERATOR, FixedClock, Store
from ledger.application import NewMember


def test_as_of_shows_exactly_what_was_recorded_by_then(store: Store, clock: FixedClock) -> None:
    """The state as of a moment between two events holds the first and not the second."""
    ledger = store.make_ledger(clock=clock)
    clock.set(date(2026, 2, 2))
    hid, v = ledger.app.refer_household(OPERATOR, sources=["wmo_desk"], members=[NewMember("adult", "Bep Tijdreis")])
    clock.set(date(2026, 2, 9))
    v = ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["finances"])
    between = datetime(2026, 2, 5, tzinfo=UTC)
    then = ledger.app.get_household(OPERATOR, hid, as_of=between)
    now = ledger.app.get_household(OPERATOR, hid)
    assert (then.version, then.phase, then.intake) == (1, "referred", None)
    assert (now.version, now.phase) == (2, "intake")
    assert then.members["m1"].name.value == "Bep Tijdreis"


def test_as_of_before_an_erasure_shows_no_personal_data(store: Store, clock: FixedClock) -> None:
    """Looking back to before an erasure shows no personal data, even where a process still caches the key."""
    ledger = store.make_ledger(clock=clock)
    other_process = store.make_ledger(clock=clock, key_cache_seconds=600)
    clock.set(date(2026, 2, 2))
    hid, v = ledger.app.refer_household(OPERATOR, sources=["wmo_desk"], members=[NewMember("adult", "Bep Tijdreis")])
    assert other_process.app.get_household(OPERATOR, hid).members["m1"].name.value == "Bep Tijdreis"  # key cached
    clock.set(date(2026, 4, 1))
    v = ledger.app.close_case(OPERATOR, hid, expected_version=v, reason="moved_away")
    ledger.app.erase_household(OPERATOR, hid, expected_version=v, reason="data_subject_request")
    for reader in (ledger, other_process):
        then = reader.app.get_household(OPERATOR, hid, as_of=datetime(2026, 3, 1, tzinfo=UTC))
        assert then.version == 1 and not then.is_erased  # the erasure had not happened then ...
        assert then.members["m1"].name.erased  # ... but its data does not come back
        history = reader.app.history(OPERATOR, hid)
        assert history[0].referral.members[0].name.erased
