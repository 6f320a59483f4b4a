"""Issue 16 item 6: long commands show their progress on stderr (not its speed), short ones show none.

``ledger demo`` and ``ledger import`` run as real processes on a fresh SQLite data directory. Off a terminal
progress is plain lines (``ledger/cli/progress.py``): each carries a count, and once under way a rate and the
time left; the last counting line is N of N and a closing line says it is done. A job done within a second
prints no progress at all. stdout keeps only the command's own result.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

from ledger.bootstrap import build
from ledger.bulk import plan_lines
from ledger.config import Settings
from ledger.demo import build_plan, register_organisations, register_staff

COUNTING = re.compile(r"^(?P<label>[a-z: ]+): (?P<done>[\d,]+)/(?P<total>[\d,]+) (?P<unit>\w+) \(\d+%\)(?P<rest>.*)$")
UNDER_WAY = re.compile(r"^, [\d,]+ \w+/s(, about .+ left)?$")


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env["LEDGER_DATA_DIR"] = str(data_dir)
    done = subprocess.run([sys.executable, "-m", "ledger.cli", *args], capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done


def counting(stderr: str, label: str) -> list[re.Match[str]]:
    lines = [COUNTING.match(line) for line in stderr.splitlines() if line.startswith(f"{label}: ")]
    return [m for m in lines if m]


def assert_progress(stderr: str, label: str, unit: str) -> int:
    """Counting lines with a rate and a time left, ending at N of N, then the closing line; returns N."""
    lines = counting(stderr, label)
    assert len(lines) >= 2, stderr
    assert all(m["unit"] == unit and UNDER_WAY.match(m["rest"]) for m in lines), stderr
    assert any("left" in m["rest"] for m in lines), stderr  # a time left while under way
    last = lines[-1]
    n = int(last["total"].replace(",", ""))
    assert int(last["done"].replace(",", "")) == n > 0
    closing = [line for line in stderr.splitlines() if line.startswith(f"{label}: done: ")]
    assert closing == [closing[0]] and closing[0].startswith(f"{label}: done: {n:,} {unit} in "), stderr
    return n


def test_a_demo_shows_its_progress_to_n_of_n(tmp_path: Path) -> None:
    done = run(tmp_path, "demo", "--households", "25")
    n = assert_progress(done.stderr, "demo", "events")
    assert f"with {n} events" in done.stdout  # the count the progress reached is the demo's own
    assert "demo:" not in done.stdout  # progress goes to stderr only


def test_an_import_shows_each_stage_to_n_of_n(tmp_path: Path) -> None:
    households, seed, start, end = 150, 3, date(2025, 1, 1), date(2025, 12, 31)
    file = tmp_path / "cases.jsonl"
    file.write_text("".join(line + "\n" for line in plan_lines(households=households, seed=seed, start=start, end=end)))
    with build(Settings(data_dir=tmp_path / "data")) as ledger:  # the file's organisations and staff, as README says
        register_organisations(ledger, ledger.users.operator)
        register_staff(ledger, build_plan(households=households, seed=seed, start=start, end=end))
    done = run(tmp_path / "data", "import", str(file))
    assert assert_progress(done.stderr, "import: writing", "households") == households
    assert "import:" not in done.stdout


def test_a_job_done_within_a_second_prints_no_progress(tmp_path: Path) -> None:
    done = run(tmp_path, "demo", "--households", "1")
    assert done.stderr == ""
    assert done.stdout.startswith("Invented 1 households")
