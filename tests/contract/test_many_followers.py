"""Issue 12 item 3: any number of followers on one store leave every view equal to a replay.

Several runners (threads, each its own Runner with its own connections, as workers or
processes would have) follow one store while two writers write at the same time; when
the writers are done every view must equal a fresh replay, with no view stalled. And
two builds starting at the same moment on a fresh store must both start.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from conftest import OPERATOR
from ledger import demo
from ledger.bootstrap import Ledger, build
from ledger.config import Settings
from ledger.projections import Runner, all_models, open_views

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def shared_store(backend: str, request: pytest.FixtureRequest) -> Iterator[Callable[[int], Ledger]]:
    """A fresh store; the callable builds another ledger on it (another process), wired by a demo seed."""
    data_dir = Path(tempfile.mkdtemp(prefix="followers-"))
    url = request.getfixturevalue("pg_url") if backend == "postgres" else None
    built: list[Ledger] = []

    def make(seed: int) -> Ledger:
        clock, ids, hids = demo.demo_wiring(seed)
        ledger = build(Settings(data_dir=data_dir, database_url=url), clock=clock, new_id=ids, new_household_id=hids)
        built.append(ledger)
        return ledger

    try:
        yield make
    finally:
        for ledger in built:
            ledger.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def replay(ledger: Ledger) -> dict[str, object]:
    engine = sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    fresh = Runner(ledger.app, engine, all_models())
    fresh.catch_up()
    return fresh.dump()


@pytest.mark.parametrize("backend", BACKENDS)
def test_many_followers_under_concurrent_writes_leave_every_view_equal_to_a_replay(
    backend: str, request: pytest.FixtureRequest,
) -> None:
    """Three following runners and one catching up in a loop, two writers: every view == a replay, none stalled."""
    with shared_store(backend, request) as make:
        writers = [make(seed) for seed in (11, 12)]
        followers = [open_views(make(100 + i), batch=b) for i, b in enumerate((1, 2, 3))]
        looping = open_views(make(200), batch=2)
        stop = threading.Event()
        errors: list[BaseException] = []

        def guarded(fn: Callable[[], object]) -> Callable[[], None]:
            def run() -> None:
                try:
                    fn()
                except BaseException as exc:  # noqa: BLE001 - reported by the test
                    errors.append(exc)
            return run

        def loop() -> None:
            while not stop.is_set():
                looping.catch_up()

        threads = [threading.Thread(target=guarded(lambda r=r: r.run(stop)), daemon=True) for r in followers]
        threads.append(threading.Thread(target=guarded(loop), daemon=True))
        for t in threads:
            t.start()
        writing = [threading.Thread(target=guarded(lambda w=w, s=s: demo.generate(
            w, households=4, seed=s, operator=OPERATOR)), daemon=True)
            for w, s in zip(writers, (11, 12), strict=True)]
        for t in writing:
            t.start()
        for t in writing:
            t.join(timeout=300)
        head = followers[0].head()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and set(followers[0].positions().values()) != {head}:
            time.sleep(0.1)
        stop.set()
        for t in threads:
            t.join(timeout=20)
        assert not errors
        assert set(followers[0].positions().values()) == {head}
        assert followers[0].dump() == replay(writers[0])
        assert followers[0].failures() == {}


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_builds_starting_at_the_same_moment_on_a_fresh_store_both_start(
    backend: str, request: pytest.FixtureRequest,
) -> None:
    """Two services starting together on a fresh database both create (or find) the views and start."""
    with shared_store(backend, request) as make:
        gate = threading.Barrier(4)
        runners: list[Runner] = []
        errors: list[BaseException] = []

        def start(seed: int) -> None:
            try:
                gate.wait(timeout=30)
                ledger = make(seed)
                runners.append(open_views(ledger))
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                errors.append(exc)

        threads = [threading.Thread(target=start, args=(s,)) for s in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors
        assert len(runners) == 4
        assert set(runners[0].positions()) == {m.name for m in all_models()}
