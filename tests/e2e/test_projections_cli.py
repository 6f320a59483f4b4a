"""`ledger projections` and `ledger views` as real processes, including a runner killed with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ledger.bootstrap import build
from ledger.config import Settings
from ledger.projections import as_of, open_views

LEDGER = [sys.executable, "-m", "ledger.cli"]


def env(data_dir: Path) -> dict[str, str]:
    e = {**os.environ, "LEDGER_DATA_DIR": str(data_dir), "LEDGER_OPERATOR": "op-test"}
    e.pop("LEDGER_DATABASE_URL", None)
    return e


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LEDGER, *args], capture_output=True, text=True, env=env(data_dir), timeout=300)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("demo")
    done = run(data_dir, "demo", "--households", "30", "--seed", "4")
    assert done.returncode == 0, done.stderr
    return data_dir


def positions(data_dir: Path) -> dict[str, int]:
    with sqlite3.connect(data_dir / "views.sqlite") as db:
        try:
            return dict(db.execute("SELECT name, position FROM view_positions").fetchall())
        except sqlite3.OperationalError:
            return {}


def test_rebuild_prints_its_rate_and_status_shows_no_lag(demo_dir: Path) -> None:
    """`projections rebuild` replays everything and says how fast; afterwards every view is at the head."""
    done = run(demo_dir, "projections", "rebuild")
    assert done.returncode == 0, done.stderr
    assert "events in" in done.stdout and "events/s" in done.stdout
    status = run(demo_dir, "projections", "status").stdout.splitlines()
    from ledger.projections import all_models

    assert len(status) == len(all_models()) and all(line.endswith(" 0 behind)") for line in status)
    one = run(demo_dir, "projections", "rebuild", "caseloads")
    assert one.returncode == 0 and one.stdout.startswith("rebuilt caseloads:")
    bad = run(demo_dir, "projections", "rebuild", "nonsense")
    assert bad.returncode == 1 and bad.stderr.startswith("error: unknown view 'nonsense'")


def test_views_now_and_as_of(demo_dir: Path) -> None:
    """`views plan --as-of` the referral day shows the referred phase; a day before, it did not exist yet."""
    rows = json.loads(run(demo_dir, "views", "households", "--json").stdout)
    first = min(rows, key=lambda r: r["referred_on"])
    then = run(demo_dir, "views", "plan", first["id"], "--as-of", first["referred_on"], "--json")
    assert then.returncode == 0, then.stderr
    assert json.loads(then.stdout)["phase"] == "referred"
    now = json.loads(run(demo_dir, "views", "plan", first["id"], "--json").stdout)
    assert now["phase"] == (first["phase"] if not first["erased"] else now["phase"])
    before = run(demo_dir, "views", "plan", first["id"], "--as-of", "2000-01-01")
    assert before.returncode == 1 and before.stderr.strip() == (  # one line, naming the time that excluded it
        f"error: Household {first['id']} did not exist yet on 2000-01-01 (asOf): its referral is dated "
        f"{first['referred_on']}.")
    caseloads = json.loads(run(demo_dir, "views", "caseloads", "--by", "organisation", "--json").stdout)
    assert caseloads and all(set(r) == {"organisation", "phase", "households"} for r in caseloads)
    log = json.loads(run(demo_dir, "views", "access-log", "--household", first["id"], "--json").stdout)
    assert log and all(r["household_id"] == first["id"] for r in log)


def test_a_runner_killed_mid_batch_restarts_to_the_same_views(tmp_path: Path, demo_dir: Path) -> None:
    """SIGKILL a following runner mid-way; restarted, its views equal a replay of the whole ledger."""
    data_dir = tmp_path / "copy"
    data_dir.mkdir(mode=0o700)
    for name in ("ledger.sqlite", "keys.sqlite", "master.key", "signing.key"):
        (data_dir / name).write_bytes((demo_dir / name).read_bytes())
        (data_dir / name).chmod(0o600)
    runner = subprocess.Popen([*LEDGER, "projections", "run", "--batch", "7"], env=env(data_dir),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while max(positions(data_dir).values(), default=0) < 50 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(runner.pid, signal.SIGKILL)
    runner.wait(timeout=10)
    reached = positions(data_dir)
    with build(Settings(data_dir=data_dir)) as ledger:
        head = ledger.app.recorder.max_notification_id()
        assert max(reached.values()) >= 50 and min(reached.values()) < head  # it really died half-way
        restarted = open_views(ledger)
        restarted.catch_up()
        assert restarted.dump() == as_of(ledger, datetime.now(UTC)).dump()
