"""Issue 16 item 6: a long command shows how far it has come, as real processes (not its speed).

`ledger demo` and `ledger import` write progress lines on stderr (a pipe: plain lines; a terminal gets a
bar, tests/unit/test_progress.py): the count of the total, the rate and the time left, ending at all of
them; stdout keeps only the command's answer. The service logs its start-up catch-up of the views with
counts: started (how far behind), catching up (done of total, rate, time left), caught up.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

from service_process import ServiceProcess

LINE = re.compile(r"^(?P<label>[a-z: ]+): (?P<done>[\d,]+)/(?P<total>[\d,]+) (?P<unit>\w+) \((?P<pct>\d+)%\)"
                  r"(?:, (?P<rate>[\d,]+) \w+/s(?:, about (?P<left>.+) left)?)?$")


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_") and k not in ("COLUMNS", "LINES")}
    env.update(LEDGER_DATA_DIR=str(data_dir), LEDGER_ORGANISATION="gemeente-testdorp", LEDGER_OPERATOR="op-test")
    return env


def _ledger(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ledger.cli", *args], capture_output=True, text=True,
                          env=_env(data_dir), timeout=300)


def _progress(stderr: str, label: str) -> list[re.Match[str]]:
    return [m for line in stderr.splitlines() if (m := LINE.match(line)) and m["label"] == label]


def _n(text: str) -> int:
    return int(text.replace(",", ""))


def test_the_demo_shows_count_rate_and_time_left_and_ends_at_all_of_them(tmp_path: Path) -> None:
    done = _ledger(tmp_path, "demo", "--households", "40")
    assert done.returncode == 0, done.stderr
    lines = _progress(done.stderr, "demo")
    assert len(lines) >= 5, done.stderr  # the start, the tenths, the end
    total = _n(lines[0]["total"])
    assert [_n(m["done"]) for m in lines] == sorted(_n(m["done"]) for m in lines)  # it only goes forward
    assert any(m["rate"] and m["left"] for m in lines), done.stderr  # a rate and a time left on the way
    assert _n(lines[-1]["done"]) == total and lines[-1]["pct"] == "100"
    assert re.search(rf"^demo: done: {total:,} events in [\d.]+ s \([\d,]+ events/s\)$", done.stderr, re.M)
    assert done.stdout.startswith("Invented 40 households") and "events/s" not in done.stdout


def _import_file(tmp_path: Path, households: int) -> tuple[Path, Path]:
    """A data directory with the plan's organisations and staff, and an import file of ``households``.

    Each line of plan_lines ends in its newline: joined with another, every second line is blank, as
    hand-edited files have them; blank lines are no households, so no count may include them.
    """
    from ledger.aggregates import Actor
    from ledger.bootstrap import build
    from ledger.bulk import plan_lines
    from ledger.config import Settings
    from ledger.demo import build_plan, register_organisations, register_staff

    start, end = date(2025, 1, 6), date(2026, 2, 27)
    file = tmp_path / "cases.jsonl"
    file.write_text("\n".join(plan_lines(households=households, seed=3, start=start, end=end)) + "\n\n")
    data = tmp_path / "data"
    with build(Settings(data_dir=data, organisation="gemeente-testdorp")) as ledger:
        register_organisations(ledger, Actor("op-test", "gemeente-testdorp", "operator"))
        register_staff(ledger, build_plan(households=households, seed=3, start=start, end=end))
    return data, file


def test_an_import_shows_its_writing_and_ends_at_every_household(tmp_path: Path) -> None:
    households = 120
    data, file = _import_file(tmp_path, households)
    done = _ledger(data, "import", str(file))
    assert done.returncode == 0, done.stderr
    lines = _progress(done.stderr, "import: writing")  # writing takes seconds; validating may be done within one
    assert lines and _n(lines[-1]["done"]) == _n(lines[-1]["total"]) == households, done.stderr
    assert any(m["rate"] and m["left"] for m in lines), done.stderr
    assert "households/s" not in done.stdout and done.stdout.strip()  # the summary alone


def test_an_imports_counts_are_households_not_lines(tmp_path: Path) -> None:
    """Each stage's progress runs to its total, blank lines left out (before, validation stopped at 59 of 60)."""
    from ledger.aggregates import Actor
    from ledger.bootstrap import build
    from ledger.bulk import import_file
    from ledger.config import Settings

    data, file = _import_file(tmp_path, 12)
    calls: list[tuple[str, int, int | None]] = []
    with build(Settings(data_dir=data, organisation="gemeente-testdorp")) as ledger:
        import_file(ledger.app, file, Actor("op-test", "gemeente-testdorp", "operator"),
                    progress=lambda stage, n, total: calls.append((stage, n, total)))
    for stage in ("validating", "writing"):
        mine = [c for c in calls if c[0] == stage]
        assert mine and mine[-1][1:] == (12, 12), mine[-3:]
        assert all(total == 12 and 0 <= n <= 12 for _, n, total in mine)


def test_a_job_done_within_a_second_prints_no_progress(tmp_path: Path) -> None:
    """A one-household demo is over before a person could read a bar: stderr stays empty."""
    done = _ledger(tmp_path, "demo", "--households", "1")
    assert done.returncode == 0, done.stderr
    assert _progress(done.stderr, "demo") == [] and "demo:" not in done.stderr, done.stderr


def test_the_service_logs_its_start_up_catch_up_with_counts(tmp_path: Path) -> None:
    """A ledger with no views yet (a migration, a rebuilt view store): the service catches up and says how far."""
    data = tmp_path / "data"
    made = _ledger(data, "demo", "--households", "60")
    assert made.returncode == 0, made.stderr
    assert not (data / "views.sqlite").exists()  # the demo writes the ledger only: the views start from nothing
    svc = ServiceProcess(data, env={"LEDGER_CATCH_UP_LOG_SECONDS": "0.05"})
    try:
        svc.start()
    finally:
        svc.stop()
    records = [json.loads(line) for line in svc.log_path.read_text().splitlines() if line.startswith("{")]
    started = [r for r in records if r.get("event") == "views_catch_up_started"]
    going = [r for r in records if r.get("event") == "views_catching_up"]
    ended = [r for r in records if r.get("event") == "views_caught_up"]
    assert len(started) == 1 and started[0]["behind"] > 1000 and started[0]["head"] >= started[0]["behind"]
    assert going and all(0 < r["done"] <= r["total"] and "rate" in r and "eta_seconds" in r for r in going)
    assert len(ended) == 1 and ended[0]["events"] == started[0]["behind"]
