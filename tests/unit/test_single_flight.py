"""Single flight (ledger/api/single_flight.py): identical concurrent computations run once; the fact head."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import pytest

from ledger.api.single_flight import FactHead, FlightKey, SingleFlight

ACCESS = "ledger.privacy.access:AccessRecorded"


def key(**params: Any) -> FlightKey:
    return FlightKey.of("/v1/reports/evaluation", params, 7, ("evaluator", "gemeente-testdorp", "evaluation"))


@pytest.fixture
def flights() -> Any:
    f = SingleFlight(workers=2)
    yield f
    f.close()


def test_identical_requests_share_one_computation(flights: SingleFlight) -> None:
    """A second request with the same key while the first runs joins it: one computation, one answer."""
    release, runs = threading.Event(), []

    def compute() -> str:
        runs.append(1)
        release.wait(5)
        return "report"

    first, led = flights.join(key(asOf="2013-05-01"), compute)
    second, joined = flights.join(key(asOf="2013-05-01"), compute)
    release.set()
    assert (led, joined) == (True, False) and second is first
    assert first.result(5) == second.result(5) == "report" and len(runs) == 1
    assert flights.computations["/v1/reports/evaluation"] == 1 and flights.joined["/v1/reports/evaluation"] == 1


def test_another_question_or_a_later_one_computes_again(flights: SingleFlight) -> None:
    """Other parameters, another position or another scope: a computation of its own; a finished flight is gone."""
    a, _ = flights.join(key(asOf="2013-05-01"), lambda: "a")
    b, _ = flights.join(key(asOf="2013-06-01"), lambda: "b")
    c, _ = flights.join(FlightKey.of("/v1/reports/evaluation", {"asOf": "2013-05-01"}, 8, ("evaluator",)), lambda: "c")
    assert (a.result(5), b.result(5), c.result(5)) == ("a", "b", "c")
    again, led = flights.join(key(asOf="2013-05-01"), lambda: "again")
    assert led and again.result(5) == "again"
    assert flights.computations["/v1/reports/evaluation"] == 4


def test_an_error_is_shared_like_an_answer(flights: SingleFlight) -> None:
    """Whoever joined a computation that failed gets the same error."""
    release = threading.Event()

    def compute() -> str:
        release.wait(5)
        raise ValueError("cohort too small")

    first, _ = flights.join(key(), compute)
    second, led = flights.join(key(), compute)
    release.set()
    assert not led
    for future in (first, second):
        with pytest.raises(ValueError, match="cohort too small"):
            future.result(5)


def test_the_key_ignores_the_order_of_parameters() -> None:
    """Parameters are normalised: the same values in another order are the same question."""
    assert key(a=1, b=2) == key(b=2, a=1) and key(a=1) != key(a=2)


@dataclass
class Note:
    id: int
    topic: str


class FakeRecorder:
    def __init__(self) -> None:
        self.notes: list[Note] = []
        self.read: list[tuple[int, int]] = []

    def add(self, *topics: str) -> None:
        for t in topics:
            self.notes.append(Note(len(self.notes) + 1, t))

    def max_notification_id(self) -> int | None:
        return len(self.notes) or None

    def select_notifications(self, start: int | None, limit: int, stop: int | None = None) -> list[Note]:
        low, high = start or 1, min(stop or len(self.notes), (start or 1) + limit - 1)
        self.read.append((low, high))
        return [n for n in self.notes if low <= n.id <= high]


def test_the_fact_head_skips_access_records_and_reads_only_what_is_new() -> None:
    """Reads recorded after the last event do not move the fact head; a new event does; nothing is read twice."""
    recorder = FakeRecorder()
    head = FactHead(recorder, frozenset({ACCESS}))  # type: ignore[arg-type]  # a fake recorder
    assert head() == 0
    recorder.add("Household.Referred", "Household.IntakeHeld", ACCESS, ACCESS)
    assert head() == 2
    recorder.add(ACCESS)
    recorder.read.clear()
    assert head() == 2 and recorder.read == [(5, 5)]
    recorder.add("Household.ZrmMeasured", ACCESS)
    assert head() == 6
    recorder.read.clear()
    assert head() == 6 and recorder.read == []


def test_the_fact_head_pages_back_over_many_reads() -> None:
    """More access records than a page after the last event: it pages back until it finds the event."""
    recorder = FakeRecorder()
    recorder.add("Household.Referred", *[ACCESS] * (FactHead.PAGE * 2 + 3))
    assert FactHead(recorder, frozenset({ACCESS}))() == 1  # type: ignore[arg-type]  # a fake recorder


def test_a_computation_nobody_waits_for_is_dropped_before_it_starts() -> None:
    """The last caller leaves a flight still queued: it never runs; one that runs goes on to its end."""
    flights, release, ran = SingleFlight(workers=1), threading.Event(), []
    try:
        busy, _ = flights.join(key(n=1), lambda: release.wait(5))
        queued, _ = flights.join(key(n=2), lambda: ran.append("queued"))
        joiner, _ = flights.join(key(n=2), lambda: ran.append("never"))
        flights.leave(key(n=2), queued)
        assert not queued.cancelled()  # one caller still waits
        flights.leave(key(n=2), joiner)
        assert queued.cancelled()
        flights.leave(key(n=1), busy)
        assert not busy.cancelled()  # running: it ends with its work
        release.set()
        assert busy.result(5) is True and ran == []
        again, led = flights.join(key(n=2), lambda: "fresh")
        assert led and again.result(5) == "fresh"
    finally:
        flights.close()
