"""PostgreSQL: a save whose COMMIT reached the server but whose answer was lost is not reported as a conflict.

The recorder retries an insert after a broken connection. If the first attempt had in fact
committed, the retry meets its own rows; it must recognise them (byte for byte) and answer
as the first attempt would have, while a real conflict (another writer's rows) stays one.
The connection failure is injected at exactly that moment; the database is real.
"""

from __future__ import annotations

from datetime import date

import pytest
from eventsourcing.persistence import OperationalError

from conftest import OPERATOR, FixedClock, Store
from ledger.aggregates import errors
from ledger.application import NewMember


# PostgreSQL only: the ambiguous COMMIT is a client-server matter (SQLite commits in-process).
pytestmark = pytest.mark.parametrize("store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)


@pytest.fixture
def pg_ledger(store: Store, clock: FixedClock):
    clock.set(date(2026, 3, 2))
    return store.make_ledger(clock=clock)


def _referred(ledger):
    return ledger.app.refer_household(OPERATOR, sources=["police"], members=[NewMember("adult", "Noor Verlies")])


def test_a_commit_whose_answer_was_lost_is_recognised_on_retry(pg_ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = pg_ledger
    hid, v = _referred(ledger)
    recorder = ledger.app.recorder
    real = recorder._insert_chained
    attempts: list[int] = []

    def commit_then_lose_the_answer(stored_events):
        attempts.append(1)
        ids = real(stored_events)
        if len(attempts) == 1:
            raise OperationalError("server closed the connection unexpectedly (injected after COMMIT)")
        return ids

    monkeypatch.setattr(recorder, "_insert_chained", commit_then_lose_the_answer)
    v2 = ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["finances"])
    monkeypatch.undo()
    assert v2 == v + 1 and len(attempts) == 2
    stored = recorder.select_events(hid)
    assert [e.originator_version for e in stored] == [1, 2]  # once, not twice
    assert ledger.app.last_written_position == recorder.max_notification_id()  # the ids of the first attempt
    assert ledger.chain.verify().ok


def test_a_real_conflict_after_a_retry_is_still_a_conflict(store: Store, pg_ledger, clock: FixedClock,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = pg_ledger
    other = store.make_ledger(clock=clock)
    hid, v = _referred(ledger)
    ledger.app.repository.get(hid)
    recorder = ledger.app.recorder
    real = recorder._insert_chained
    attempts: list[int] = []

    def fail_then_meet_another_writer(stored_events):
        attempts.append(1)
        if len(attempts) == 1:  # the connection breaks before anything is sent; another writer gets in
            other.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["housing"])
            raise OperationalError("connection refused (injected)")
        return real(stored_events)

    monkeypatch.setattr(recorder, "_insert_chained", fail_then_meet_another_writer)
    with pytest.raises(errors.StaleVersionError):
        ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["finances"])
    monkeypatch.undo()
    assert len(attempts) == 3  # the command's two attempts, then the record of its refusal
    (intake,) = [e for e in ledger.app.events.get(hid) if type(e).__name__ == "IntakeHeld"]
    assert [d.value for d in intake.intake.domains_discussed] == ["housing"]  # the other writer's, alone
