"""How far a long command has come, on stderr (stdout carries the data): one helper for every such command.

On a terminal, a bar with the count, the rate and the time left (rich), gone when the work is done.
Elsewhere (a pipe, a log, a test) a few plain lines: the start, each tenth of the way (or every
``every`` seconds when the total is unknown or the tenths are far apart) and the end, e.g.::

    demo: 1,200/6,000 events (20%), 310 events/s, about 15 s left
    demo: 6,000 events in 19.4 s (309 events/s)

A job done within ``quiet_for`` seconds (default 1 s) shows nothing at all: no bar, no lines.
Counts, rates and times only: never a name, an id or anything else from the case data.
rich loads only when a bar is drawn (``ledger --help`` stays light).
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any, TextIO

__all__ = ["Progress", "Stages", "catch_up_shown", "eta_text"]

EVERY_SECONDS = 10.0  # at most this long between two plain lines
QUIET_SECONDS = 1.0  # a job done sooner shows no progress at all (no bar, no lines)


def eta_text(seconds: float) -> str:
    """A time left in words a person reads at a glance: ``45 s``, ``3 min 20 s``, ``1 h 05 min``."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


class Progress:
    """``with Progress("demo", "events", total) as p: ... p.update(done)``: a bar or plain lines on stderr.

    Args:
        label: what is being done (``demo``, ``import: writing``); no case data.
        unit: what is counted (``events``, ``households``).
        total: how many there are, if known (``update`` may still change it).
        stream: where to write (default ``sys.stderr``).
        terminal: draw a bar (default: when ``stream`` is a terminal).
        every: the longest wait between two plain lines, in seconds.
        quiet_for: show nothing before this many seconds have passed; a job done sooner prints nothing.
    """

    def __init__(self, label: str, unit: str, total: int | None = None, *, stream: TextIO | None = None,
                 terminal: bool | None = None, every: float = EVERY_SECONDS,
                 quiet_for: float = QUIET_SECONDS) -> None:
        self.label, self.unit, self.total = label, unit, total
        self.stream = stream if stream is not None else sys.stderr
        self.terminal = terminal if terminal is not None else self.stream.isatty()
        self.every, self.quiet_for = every, quiet_for
        self.done = 0
        self._began = self._last_line = 0.0
        self._last_tenth = -1
        self._said = False  # a plain line written yet
        self._bar: Any = None
        self._task: Any = None

    # ------------------------------------------------------------ use
    def __enter__(self) -> Progress:
        self._began = self._last_line = time.monotonic()
        if self.quiet_for <= 0 and (self.terminal or self.total is not None):
            self._show(self._began)
        return self

    def _show(self, now: float) -> None:
        """The bar drawn, or the first plain line written: once, when the job has run ``quiet_for`` seconds."""
        if self.terminal:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(TextColumn(self.label), BarColumn(), MofNCompleteColumn(), TextColumn(self.unit),
                            TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), transient=True,
                            console=Console(file=self.stream, force_terminal=True))
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total, rate="")
        else:
            self._line(now)

    def update(self, done: int, total: int | None = None) -> None:
        """``done`` of them so far (and, if given, a new ``total``)."""
        self.done = done
        if total is not None:
            self.total = total
        now = time.monotonic()
        if not self._said and self._bar is None:
            if now - self._began < self.quiet_for:
                return
            self._show(now)
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=self.total, rate=self._rate(now))
            return
        tenth = self._tenth()
        if not self._said or tenth > self._last_tenth or now - self._last_line >= self.every:
            self._line(now)

    def advance(self, n: int = 1) -> None:
        """``n`` more done."""
        self.update(self.done + n)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        now = time.monotonic()
        if self._bar is not None:
            self._bar.stop()
            return
        if not self._said:  # done before anything was shown: a short job prints nothing
            return
        seconds = now - self._began
        state = "stopped at" if kind is not None else "done:"
        rate = f" ({self.done / seconds:,.0f} {self.unit}/s)" if seconds > 0 and self.done else ""
        self._write(f"{self.label}: {state} {self.done:,} {self.unit} in {seconds:.1f} s{rate}")

    # ------------------------------------------------------------ lines
    def _tenth(self) -> int:
        if not self.total:
            return self._last_tenth
        return min(10, self.done * 10 // self.total)

    def _rate(self, now: float) -> str:
        seconds = now - self._began
        return f"{self.done / seconds:,.0f} {self.unit}/s" if seconds > 0 and self.done else ""

    def _line(self, now: float) -> None:
        self._last_line, self._last_tenth, self._said = now, self._tenth(), True
        if self.total:
            text = f"{self.label}: {self.done:,}/{self.total:,} {self.unit} ({self.done * 100 // self.total}%)"
        else:
            text = f"{self.label}: {self.done:,} {self.unit}"
        rate = self._rate(now)
        if rate:
            text += f", {rate}"
            seconds = now - self._began
            if self.total and self.total > self.done:
                text += f", about {eta_text((self.total - self.done) * seconds / self.done)} left"
        self._write(text)

    def _write(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()


class Stages:
    """Progress of work done in stages (an import validates, then writes): ``update(stage, done, total)``
    shows each stage as its own :class:`Progress`, labelled ``<label>: <stage>``."""

    def __init__(self, label: str, unit: str, **options: Any) -> None:
        self.label, self.unit, self.options = label, unit, options
        self.stage: str | None = None
        self.current: Progress | None = None

    def __enter__(self) -> Stages:
        return self

    def update(self, stage: str, done: int, total: int | None = None) -> None:
        if stage != self.stage:
            self._close(None)
            self.stage = stage
            self.current = Progress(f"{self.label}: {stage}", self.unit, total, **self.options).__enter__()
        assert self.current is not None
        self.current.update(done, total)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._close(kind)

    def _close(self, kind: type[BaseException] | None) -> None:
        if self.current is not None:
            self.current.__exit__(kind, None, None)
            self.current = None


def catch_up_shown(runner: Any, label: str = "views: catching up", **options: Any) -> int:
    """``runner.catch_up()`` (a :class:`ledger.projections.Runner`), with progress when the views are behind."""
    behind = runner.head() - min(runner.positions().values(), default=0)
    if behind <= 0:
        return int(runner.catch_up())
    with Progress(label, "events", behind, **options) as shown:
        return int(runner.catch_up(progress=lambda p: shown.update(p.done, p.total)))
