"""Long commands show how far they are on stderr: plain lines off a terminal, a bar on one (issue 16 item 6)."""

from __future__ import annotations

import io
import time

from ledger.cli.progress import Progress, Stages, eta_text


def test_plain_lines_show_start_each_tenth_and_the_end() -> None:
    """Off a terminal: a line at the start, at each tenth with count and rate, and a closing line."""
    out = io.StringIO()
    with Progress("demo", "events", stream=out, terminal=False, quiet_for=0) as shown:
        for done in range(1001):
            shown.update(done, 1000)
    lines = out.getvalue().splitlines()
    assert lines[0] == "demo: 0/1,000 events (0%)"
    assert any(line.startswith("demo: 500/1,000 events (50%), ") and "events/s" in line for line in lines)
    assert lines[-1].startswith("demo: done: 1,000 events in ")
    assert 3 <= len(lines) <= 13


def test_stages_each_get_their_own_progress() -> None:
    """An import validates, then writes: each stage is labelled and closed."""
    out = io.StringIO()
    with Stages("import", "households", stream=out, terminal=False, quiet_for=0) as shown:
        for done in range(3):
            shown.update("validating", done, 2)
        shown.update("writing", 0, 2)
        shown.update("writing", 2, 2)
    text = out.getvalue()
    assert "import: validating: done: 2 households" in text
    assert "import: writing: done: 2 households" in text


def test_a_job_done_within_the_quiet_time_shows_nothing() -> None:
    """No bar and no lines for a job that ends before ``quiet_for``; a slower one starts showing after it."""
    for terminal in (False, True):
        out = io.StringIO()
        with Progress("demo", "events", 100, stream=out, terminal=terminal, quiet_for=60) as shown:
            for done in range(101):
                shown.update(done)
        assert out.getvalue() == ""
    out = io.StringIO()
    with Progress("demo", "events", 100, stream=out, terminal=False, quiet_for=0.05) as shown:
        shown.update(1)
        assert out.getvalue() == ""
        time.sleep(0.06)
        shown.update(2)
        shown.update(100)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("demo: 2/100 events (2%), ") and "left" in lines[0]
    assert lines[-1].startswith("demo: done: 100 events in ")


def test_a_terminal_gets_a_bar_that_clears() -> None:
    """On a terminal the bar is drawn on the stream given (stderr by default), never on stdout."""
    out = io.StringIO()
    with Progress("rebuilding", "events", 10, stream=out, terminal=True, quiet_for=0) as shown:
        shown.update(5)
    assert "rebuilding" in out.getvalue()


def test_time_left_reads_at_a_glance() -> None:
    """45 s, 3 min 20 s, 1 h 05 min."""
    assert [eta_text(45), eta_text(200), eta_text(3900)] == ["45 s", "3 min 20 s", "1 h 05 min"]
