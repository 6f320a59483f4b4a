"""Issue 12 item 3 end to end: `serve --workers 2` on PostgreSQL, each worker following the ledger into
the same views, under concurrent writes over real HTTP: every view ends equal to a replay, none stalled."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from service_process import ServiceProcess, add_users
from test_reliability import DIRECTOR, Tally, Writer, views_converge


@pytest.mark.postgres
def test_two_workers_following_one_store_leave_every_view_equal_to_a_replay(tmp_path: Path, pg_url: str) -> None:
    """Two worker processes, two followers, four writers: the views reach the head, equal a replay, no stall."""
    svc = ServiceProcess(tmp_path / "data", pg_url, args=("--workers", "2"))
    tokens = add_users(svc.settings, DIRECTOR)
    tally, stop = Tally(), threading.Event()
    try:
        svc.start()
        writers = [Writer(i, svc.url, tokens["director"], tally, stop) for i in range(4)]
        for w in writers:
            w.start()
        time.sleep(8)
        stop.set()
        for w in writers:
            w.join(timeout=90)
        assert not tally.unexpected, tally.unexpected[:5]
        assert len(tally.acknowledged) > 40  # real concurrent work reached both workers' followers
        deadline = time.monotonic() + 30
        while (h := httpx.get(f"{svc.url}/v1/health", timeout=5).json())["views_position"] < h["ledger_position"]:
            assert time.monotonic() < deadline, f"views stuck at {h}"
            time.sleep(0.2)
        assert h["stalled_views"] == {}
        assert "views_follower_failed" not in svc.log_text() and "view_stalled" not in svc.log_text()
        views_converge(svc)  # stops the service, then compares every view with a full replay
    finally:
        svc.kill()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_two_services_started_at_the_same_moment_on_a_fresh_store_both_start(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest,
) -> None:
    """Two `serve` processes started together on a fresh database (one data directory) both answer."""
    url = request.getfixturevalue("pg_url") if backend == "postgres" else None
    services = [ServiceProcess(tmp_path / "data", url) for _ in range(2)]
    failures: list[BaseException] = []

    def start(svc: ServiceProcess) -> None:
        try:
            svc.start()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(svc,)) for svc in services]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not failures, failures
        for svc in services:
            health = httpx.get(f"{svc.url}/v1/health", timeout=5).json()
            assert health["status"] == "ok" and health["stalled_views"] == {}
    finally:
        for svc in services:
            svc.kill()
