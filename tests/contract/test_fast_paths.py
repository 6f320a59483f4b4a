"""The fast paths of issue 7 change no behaviour: cache, decoding, snapshots from memory, chain in the save.

Each test states what the slow path guaranteed and checks the fast one keeps it, on a
real SQLite file and a real PostgreSQL database.
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import date

import pytest
from eventsourcing.persistence import IntegrityError, OperationalError

from conftest import OPERATOR, FixedClock, Store
from ledger.aggregates import ALL_VALUE_OBJECTS, Personal, errors
from ledger.aggregates.personal import map_personal
from ledger.application import NewMember
from ledger.privacy.chain import ChainTailError, chain_table


def _household(ledger, clock: FixedClock, *, zrm_rounds: int = 0):
    clock.set(date(2026, 3, 2))
    hid, v = ledger.app.refer_household(
        OPERATOR, sources=["police", "school_attendance_officer"], reason="Zorgen over huur en school (verzonnen)",
        members=[NewMember("adult", "Iris Snelpad", "999990019", "1988-04-01", "06-00001234"),
                 NewMember("child", "Tim Snelpad")])
    v = ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["finances", "housing"],
                                 summary="Vertelt over achterstand (verzonnen)")
    for i in range(zrm_rounds):
        _, v = ledger.app.record_zrm_measurement(OPERATOR, hid, expected_version=v, instrument="2017",
                                              moment="intake" if i == 0 else "interim",
                                              scores={"finances": 1 + i % 5, "housing": 2})
    return hid, v


def _cold(ledger, hid):
    """The household loaded from the store, bypassing the repository's cache."""
    repository = ledger.app.repository
    if repository.cache is not None and hid in repository.cache.cache:
        repository.cache.get(hid, evict=True)
    return repository.get(hid)


def test_a_cached_household_equals_one_loaded_from_the_store(store: Store, clock: FixedClock) -> None:
    ledger = store.make_ledger(clock=clock, snapshot_interval=4)
    hid, _ = _household(ledger, clock, zrm_rounds=6)
    cached = ledger.app.repository.get(hid)
    assert ledger.app.repository.cache is not None and hid in ledger.app.repository.cache.cache
    fresh = store.make_ledger(clock=clock, snapshot_interval=4).app.repository.get(hid)  # another process
    assert cached == fresh == _cold(ledger, hid)
    assert cached.referral.members[0].name == Personal("Iris Snelpad")


def test_a_failed_save_leaves_the_cached_household_as_it_was(store: Store, clock: FixedClock,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A command runs on a copy: when its save fails after the event was applied, the cache has not moved."""
    ledger = store.make_ledger(clock=clock)
    hid, v = _household(ledger, clock)
    before = ledger.app.repository.get(hid)

    insert_events = ledger.app.recorder.insert_events

    def lost_race(*args: object, **kwargs: object) -> object:  # as when another writer took this version first
        monkeypatch.setattr(ledger.app.recorder, "insert_events", insert_events)  # once: the refusal is recorded
        raise IntegrityError("duplicate key (synthetic)")

    monkeypatch.setattr(ledger.app.recorder, "insert_events", lost_race)
    with pytest.raises(errors.StaleVersionError):
        ledger.app.record_zrm_measurement(OPERATOR, hid, expected_version=v, instrument="2017", moment="intake",
                                          scores={"finances": 3})
    after = ledger.app.repository.get(hid)
    assert after == before == _cold(ledger, hid)
    assert after.version == v and not after.zrm
    _, v2 = ledger.app.record_zrm_measurement(OPERATOR, hid, expected_version=v, instrument="2017", moment="intake",
                                              scores={"finances": 3})
    assert v2 == v + 1 and _cold(ledger, hid).zrm


def test_another_process_writes_and_erasure_reach_a_cached_household(store: Store, clock: FixedClock) -> None:
    """The cache fast-forwards on every load: what another process wrote, an erasure included, shows at once."""
    ledger = store.make_ledger(clock=clock)
    other = store.make_ledger(clock=clock)
    hid, v = _household(ledger, clock)
    assert ledger.app.repository.get(hid).version == v  # cached here
    _, v = other.app.record_zrm_measurement(OPERATOR, hid, expected_version=v, instrument="2017", moment="intake",
                                         scores={"finances": 3})
    assert ledger.app.repository.get(hid).version == v
    v = other.app.close_case(OPERATOR, hid, expected_version=v, reason="moved_away")
    other.app.erase_household(OPERATOR, hid, expected_version=v, reason="data_subject_request")
    erased = ledger.app.repository.get(hid)
    assert erased.is_erased
    values: list[Personal] = []
    map_personal(vars(erased), lambda p: values.append(p) or p)
    assert values and all(p.value is None for p in values)  # no personal value survives in the cached copy


def test_snapshots_taken_from_memory_equal_a_replay(store: Store, clock: FixedClock) -> None:
    ledger = store.make_ledger(clock=clock, snapshot_interval=3)
    hid, v = _household(ledger, clock, zrm_rounds=7)  # versions 1..9: snapshots at 3, 6, 9
    stored = ledger.app.snapshots.recorder.select_events(hid)
    assert [s.originator_version for s in stored] == [3, 6, 9]
    assert ledger.app.verify_snapshots() == []
    replayed = None
    for event in ledger.app.events.get(hid):
        replayed = event.mutate(replayed)
    assert _cold(ledger, hid) == replayed


def test_each_save_is_chained_in_its_own_transaction(store: Store, clock: FixedClock) -> None:
    """After any save the chain's head is the log's head, without an extra step; behind a lagging chain a save is refused."""
    ledger = store.make_ledger(clock=clock)
    calls: list[int] = []
    original = ledger.chain.extend
    ledger.chain.extend = lambda: calls.append(1) or original()
    hid, v = _household(ledger, clock)
    assert ledger.chain.head()[0] == ledger.app.recorder.max_notification_id()
    assert calls == []  # chained by the recorder, in the transaction: no catching up needed
    with ledger.engine.begin() as conn:  # the chain loses its head row: the next save cannot chain in place
        head = conn.execute(chain_table.select().order_by(chain_table.c.position.desc()).limit(1)).first()
        conn.execute(chain_table.delete().where(chain_table.c.position == head.position))
    before = ledger.app.recorder.max_notification_id()
    with pytest.raises(ChainTailError):
        ledger.app.record_zrm_measurement(OPERATOR, hid, expected_version=v, instrument="2017", moment="intake",
                                          scores={"finances": 3})
    assert calls == []  # ... and nothing chained the unchecked tail behind the operator's back
    assert ledger.app.recorder.max_notification_id() == before  # the refused save left nothing
    assert not ledger.chain.verify().ok


def test_value_objects_rebuilt_from_stored_fields_equal_constructed_ones(store: Store, clock: FixedClock) -> None:
    """``from_stored`` (no per-field type inspection) gives what the constructor gives, for every stored value."""
    ledger = store.make_ledger(clock=clock)
    hid, _ = _household(ledger, clock, zrm_rounds=2)
    seen: set[type] = set()
    for event in ledger.app.events.get(hid):
        for value in vars(event).values():
            if dataclasses.is_dataclass(value) and type(value) in ALL_VALUE_OBJECTS:
                data = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
                as_json = {k: (list(v) if isinstance(v, tuple) else v.value if hasattr(v, "value") and
                               not isinstance(v, Personal) else v) for k, v in data.items()}
                assert type(value).from_stored(dict(as_json)) == type(value)(**as_json) == value
                seen.add(type(value))
    assert len(seen) >= 3


def test_concurrent_reads_each_leave_a_committed_record_before_returning(store: Store, clock: FixedClock) -> None:
    """Reads' records are committed in groups; every read still returns only after its own record is stored."""
    ledger = store.make_ledger(clock=clock)
    hid, _ = _household(ledger, clock)
    app = ledger.app
    recorded_before_return: list[bool] = []
    barrier = threading.Barrier(12)

    def read() -> None:
        barrier.wait()
        app.get_household(OPERATOR, hid)
        position = app.last_written_position  # this thread's record, committed
        stored = app.recorder.select_notifications(start=position, limit=1)
        recorded_before_return.append(bool(stored) and stored[0].id == position)

    threads = [threading.Thread(target=read) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert recorded_before_return == [True] * 12
    reads = [r for r in app._access_records(household_id=str(hid)) if r.action == "read_household"]
    assert len(reads) == 12
    assert ledger.chain.verify().ok


def test_a_read_whose_record_cannot_be_saved_fails_closed(store: Store, clock: FixedClock,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = store.make_ledger(clock=clock)
    hid, _ = _household(ledger, clock)

    def store_down(*args: object, **kwargs: object) -> None:
        raise OperationalError("the store is unreachable (synthetic)")

    monkeypatch.setattr(ledger.app.recorder, "insert_events", store_down)
    with pytest.raises(OperationalError):
        ledger.app.get_household(OPERATOR, hid)  # no data without its record
    monkeypatch.undo()
    assert ledger.app.get_household(OPERATOR, hid).id == hid  # the writer lives on after a failed batch
