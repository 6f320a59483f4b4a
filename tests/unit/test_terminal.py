"""The CLI's one table helper (ledger/cli/terminal.py): local time to the second, text as typed, fits COLUMNS."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from ledger.cli import terminal


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[[object], list[str]]:
    """What the CLI's own console prints for a table at COLUMNS=80."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("LEDGER_TIMEZONE", raising=False)

    def show(table: object) -> list[str]:
        terminal.console().print(table)
        return capsys.readouterr().out.splitlines()
    return show


def test_a_moment_reads_as_local_time_to_the_second(monkeypatch: pytest.MonkeyPatch) -> None:
    """A UTC moment, as an ISO string from the service or a datetime from the store, shows in LEDGER_TIMEZONE."""
    monkeypatch.delenv("LEDGER_TIMEZONE", raising=False)
    assert terminal.cell("2026-07-01T08:00:05.123456+00:00") == "2026-07-01 10:00:05"  # Amsterdam, summer
    assert terminal.cell(datetime(2026, 1, 15, 23, 30, 0, tzinfo=UTC)) == "2026-01-16 00:30:00"  # winter, next day
    monkeypatch.setenv("LEDGER_TIMEZONE", "Asia/Tokyo")
    assert terminal.cell("2026-07-01T08:00:05Z") == "2026-07-01 17:00:05"


def test_dates_and_other_text_stay_as_they_are() -> None:
    """A business date is not a moment; ids, None, yes/no and lists read as before."""
    assert terminal.cell("2026-07-01") == "2026-07-01"
    assert terminal.cell("9997dde4-4215-461d-ad7b-561641008179") == "9997dde4-4215-461d-ad7b-561641008179"
    assert (terminal.cell(None), terminal.cell(True), terminal.cell(["a", "b"]), terminal.cell([])) == ("-", "yes", "a, b", "-")


def test_an_unknown_time_zone_falls_back_with_one_warning(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A misspelt LEDGER_TIMEZONE still prints (in Europe/Amsterdam) and says so on stderr, not a traceback."""
    monkeypatch.setenv("LEDGER_TIMEZONE", "Europe/Nowhere")
    assert terminal.cell("2026-07-01T08:00:05+00:00") == "2026-07-01 10:00:05"
    assert "LEDGER_TIMEZONE 'Europe/Nowhere' is not a time zone" in capsys.readouterr().err


def test_text_in_brackets_is_printed_as_typed(rendered: Callable[[object], list[str]]) -> None:
    """A cell reading "[erased]" or "[urgent] call" is not taken for rich markup and swallowed."""
    lines = rendered(terminal.table(None, ["name", "note"], [("[erased]", "[urgent] call :smile:")]))
    assert "[erased]" in lines[2] and "[urgent] call :smile:" in lines[2]


def test_a_long_cell_wraps_inside_its_column_and_the_table_fits(rendered: Callable[[object], list[str]]) -> None:
    """At 80 columns no line is longer; a nowrap column (the time) stays on the first line of its row."""
    rows = [("2026-07-01T08:00:05+00:00", "u-director", "read_household", "x" * 150)]
    lines = rendered(terminal.table(None, ["time", "user", "action", "note"], rows, nowrap=("time",)))
    assert max(len(line) for line in lines) <= 80
    assert lines[2].startswith("2026-07-01 10:00:05") and len(lines) > 3  # the long note folded onto more lines
    assert sum("2026-07-01" in line for line in lines) == 1


def test_the_width_is_columns_then_the_terminal_then_wide_for_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    """COLUMNS decides; without it a pipe (the test's stdout) gets PIPE_WIDTH, so scripts' ids do not fold."""
    monkeypatch.setenv("COLUMNS", "80")
    assert terminal.width() == 80 and terminal.console().width == 80
    monkeypatch.delenv("COLUMNS")
    monkeypatch.setattr("sys.stdout.isatty", lambda: False)
    assert terminal.width() == terminal.PIPE_WIDTH
