"""Single flight: identical concurrent requests share one long computation.

A long read (the evaluation report replays the ledger) must not start twice because a client retried, or
because two people asked the same question at once. A request's :class:`FlightKey` names everything its answer
depends on: the route, its normalised parameters (and today's date, which the defaults resolve to), the ledger
position it resolves to, and the caller's scope (role, organisation, purpose: what the policy decides by). The
position is the last *fact* recorded (:class:`FactHead`): access records are no facts of a case and change no
figure, so the reads of other callers (a follower's own record included) do not split a flight, while any new
event does. The first request with a key starts the computation on the flights' worker pool; an identical one
arriving while it runs joins it and gets the same answer, or the same error.

Every caller still gets its own access record. The leader's computation records the leader's read first, as
the report does; a follower's read is decided and recorded (``admit``) before it waits, so its record is saved
before its response goes out, and a follower the policy refuses never sees the shared answer.

A caller that disconnects stops waiting (:class:`CallerGone`; the route answers 499 in the request log). When
the last caller of a flight has gone and its computation has not started yet (the pool is busy), it is dropped;
one that runs goes on to its own end (it is bounded by its work: nothing is left running forever) and its answer
is dropped when nobody waits; a retry meanwhile joins it instead of starting another. Flights live in one
process: with several workers, identical requests on different workers compute once per worker.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
import structlog
from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.utils import get_topic
from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ledger.aggregates import Actor
from ledger.privacy.access import AccessRecorded

from .deps import ledger_of

__all__ = ["RAW_RECEIVE", "CallerGone", "FactHead", "FlightKey", "SingleFlight", "fact_head", "shared_read"]

log = structlog.get_logger("ledger.api")
T = TypeVar("T")
POLL_SECONDS = 0.5  # how often a waiting caller checks that its client is still there
RAW_RECEIVE = "ledger.receive"  # the scope key of the request's own ASGI receive (ledger.api.main.BodyLimit)


class CallerGone(Exception):
    """The client disconnected while its request waited for a shared computation."""


@dataclass(frozen=True)
class FlightKey:
    """What an answer depends on; identical keys share one computation."""

    route: str
    params: tuple[tuple[str, Hashable], ...]
    position: int
    scope: tuple[str, ...]

    @classmethod
    def of(cls, route: str, params: Mapping[str, Hashable], position: int, scope: tuple[str, ...]) -> FlightKey:
        return cls(route, tuple(sorted(params.items())), position, scope)


class SingleFlight:
    """The flights of one service process: a table of running computations by key, and a small worker pool.

    ``computations`` and ``joined`` count, per route, the computations started and the requests that joined
    one (also logged as ``single_flight_started`` / ``single_flight_joined``).
    """

    def __init__(self, *, workers: int = 4) -> None:
        self._lock = threading.RLock()  # re-entered when a cancelled computation's done-callback runs
        self._running: dict[FlightKey, Future[Any]] = {}
        self._waiters: Counter[FlightKey] = Counter()  # callers waiting per running flight
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="single-flight")
        self.computations: Counter[str] = Counter()
        self.joined: Counter[str] = Counter()

    def close(self) -> None:
        """Start no more computations; those queued are dropped, a running one ends with its work."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def join(self, key: FlightKey, compute: Callable[[], T]) -> tuple[Future[T], bool]:
        """The running computation for ``key``, or a new one of ``compute``; and whether this caller started it."""
        with self._lock:
            running = self._running.get(key)
            self._waiters[key] += 1
            if running is not None:
                self.joined[key.route] += 1
                log.info("single_flight_joined", route=key.route, position=key.position)
                return running, False
            future = self._pool.submit(compute)
            self._running[key] = future
            self.computations[key.route] += 1
            future.add_done_callback(lambda done: self._landed(key, done))
        log.info("single_flight_started", route=key.route, position=key.position)
        return future, True

    def _landed(self, key: FlightKey, future: Future[Any]) -> None:
        with self._lock:
            if self._running.get(key) is future:
                del self._running[key]
                del self._waiters[key]

    def leave(self, key: FlightKey, future: Future[Any]) -> None:
        """A caller stops waiting; the last one drops the computation if it has not started."""
        with self._lock:
            if self._running.get(key) is not future:
                return
            self._waiters[key] -= 1
            if self._waiters[key] > 0 or not future.cancel():  # cancel() refuses a computation that runs
                return
        log.info("single_flight_dropped", route=key.route, position=key.position)  # _landed has cleared it

    async def share(self, request: Request, key: Callable[[], FlightKey], compute: Callable[[], T], *,
                    admit: Callable[[], Any]) -> T:
        """Join or start the flight for ``key()`` and wait for its answer (or error), while the client is there.

        ``key`` and ``admit`` are blocking (they read and write the store): they run in the thread pool.
        ``admit`` decides and records a follower's own read (it raises when the policy refuses).
        Raises :class:`CallerGone` when the client disconnects first.
        """
        def enter() -> tuple[FlightKey, Future[T]]:
            flight = key()
            future, leader = self.join(flight, compute)
            if not leader:
                try:
                    admit()
                except BaseException:
                    self.leave(flight, future)
                    raise
            return flight, future

        flight, future = await run_in_threadpool(enter)
        waiting = asyncio.wrap_future(future)
        while True:
            # asyncio.wait never cancels what it waits for: the computation is other callers' too.
            done, _ = await asyncio.wait({waiting}, timeout=POLL_SECONDS)
            if done:
                return waiting.result()
            if await _disconnected(request):
                log.info("single_flight_abandoned", route=flight.route, position=flight.position)
                self.leave(flight, future)
                raise CallerGone


async def _disconnected(request: Request) -> bool:
    """Whether the client has gone, without waiting: what ``Request.is_disconnected`` does, on the request's own
    receive (a GET's: its empty body is the only other message, and no route below reads it)."""
    receive = request.scope.get(RAW_RECEIVE)
    if receive is None:
        return await request.is_disconnected()
    message: dict[str, Any] = {}
    with anyio.CancelScope() as scope:
        scope.cancel()  # take a message only if one is there already
        message = await receive()
    return message.get("type") == "http.disconnect"


class FactHead:
    """The position of the last fact in the ledger: the head, less the notifications of ``skipped`` topics after it.

    Remembers the head it last saw, so each call reads only what was recorded since (a page back from the head
    at first).
    """

    PAGE = 500

    def __init__(self, recorder: ApplicationRecorder, skipped: frozenset[str]) -> None:
        self._recorder = recorder
        self._skipped = skipped
        self._lock = threading.Lock()
        self._seen = 0
        self._fact = 0

    def __call__(self) -> int:
        head = self._recorder.max_notification_id() or 0
        with self._lock:
            seen, fact = self._seen, self._fact
        if head == seen:
            return fact
        if head < seen:  # another store (a test's) or a reset: start again
            seen, fact = 0, 0
        upto = head
        while upto > seen:  # back from the head, a page at a time, to the first fact after what was seen
            low = max(seen + 1, upto - self.PAGE + 1)
            page = self._recorder.select_notifications(start=low, limit=upto - low + 1, stop=upto)
            facts = [n.id for n in page if n.topic not in self._skipped]
            if facts:
                fact = max(facts)
                break
            upto = low - 1
        with self._lock:
            if head > self._seen:
                self._seen, self._fact = head, fact
        return fact


def fact_head(recorder: ApplicationRecorder) -> FactHead:
    """The ledger's fact head: access records are left out."""
    return FactHead(recorder, frozenset({get_topic(AccessRecorded)}))


async def shared_read(request: Request, actor: Actor, params: Mapping[str, Hashable], compute: Callable[[], T], *,
                      admit: Callable[[], Any]) -> T:
    """A long read over the whole ledger, shared with identical requests running at the same time.

    The key: the route's template, ``params`` (parsed, so equal values are equal) and today's date, the fact
    head, and the caller's role, organisation and purpose. ``compute`` records the starting caller's read (as
    the report does); ``admit`` records a joining caller's. ``LEDGER_TEST_SLOW_READ_SECONDS`` (tests only, off
    by default, read from the environment alone) delays each computation. Raises :class:`CallerGone`.
    """
    ledger = ledger_of(request)
    state = request.app.state
    route = getattr(request.scope.get("route"), "path", request.url.path)
    delay = ledger.settings.test_slow_read_seconds

    def key() -> FlightKey:
        return FlightKey.of(route, {**params, "today": ledger.app.today()}, state.fact_head(),
                            (actor.role, actor.organisation, actor.purpose))

    def computation() -> T:
        if delay:
            time.sleep(delay)
        return compute()

    flights: SingleFlight = state.single_flight
    return await flights.share(request, key, computation, admit=admit)
