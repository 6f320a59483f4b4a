"""The tiny harness: series of measurements, min/median/max, ratios to references, targets.

Every benchmark measures the ledger and its references in the same run and on the
same store. A :class:`Series` holds one subject's measurements:

* ``rate``: one value per repeat, in operations per second (higher is better);
* ``latency``: one value per operation, in milliseconds (lower is better);
* ``memory``: peak resident set size in MB (informative, no ratio).

A :class:`Check` compares the ledger's median with a reference's median as a
*relative speed*: ``ledger speed / reference speed`` (for latencies: reference p50 /
ledger p50). So every target reads the same way: the ratio must be at least the
target. "p50 load time <= 2x plain" is "relative speed >= 0.5".
"""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

__all__ = ["BenchResult", "Check", "Series", "machine_info", "dumps", "markdown_table", "results_from_json",
           "text_table"]

Kind = Literal["rate", "latency", "memory"]


@dataclass
class Series:
    subject: str  # "ledger", "eventsourcing", "plain_sql", "keyset_orjson", ...
    label: str  # what exactly was measured, one line
    kind: Kind
    unit: str  # "commands/s", "events/s", "ms", "MB"
    values: list[float] = field(default_factory=list)

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def max(self) -> float:
        return max(self.values)

    @property
    def speed(self) -> float:
        """Higher is better: the median rate, or the inverse of the median latency."""
        if self.kind == "rate":
            return self.median
        if self.kind == "latency":
            return 1.0 / self.median if self.median > 0 else float("inf")
        raise ValueError("a memory series has no speed")

    def summary(self) -> dict[str, Any]:
        out = asdict(self)
        out["values"] = [float(f"{v:.5g}") for v in self.values]
        if self.values:
            out.update(min=self.min, median=self.median, max=self.max, n=len(self.values))
        return out


@dataclass
class Check:
    subject: str  # normally "ledger"
    reference: str
    ratio: float  # subject speed / reference speed (medians)
    target: float | None  # the minimum ratio the issue asks for; None: informative
    met: bool | None
    target_text: str  # the target as the issue words it

    @classmethod
    def compare(cls, subject: Series, reference: Series, target: float | None, target_text: str = "") -> Check:
        ratio = subject.speed / reference.speed if reference.speed else float("inf")
        met = None if target is None else ratio >= target
        return cls(subject.subject, reference.subject, ratio, target, met, target_text or "-")


@dataclass
class BenchResult:
    name: str
    backend: str
    description: str
    series: list[Series] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    size: dict[str, Any] = field(default_factory=dict)  # events scanned, commands per round, ...
    seconds: float = 0.0  # wall time of the whole benchmark (setup included)
    notes: list[str] = field(default_factory=list)

    def get(self, subject: str) -> Series:
        for s in self.series:
            if s.subject == subject:
                return s
        raise KeyError(subject)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "backend": self.backend,
            "description": self.description,
            "size": self.size,
            "seconds": round(self.seconds, 3),
            "series": [s.summary() for s in self.series],
            "checks": [asdict(c) for c in self.checks],
            "notes": self.notes,
        }


# ------------------------------------------------------------------ machine
def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_mb() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parents[1])
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def machine_info() -> dict[str, Any]:
    import sqlite3

    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_mb": _mem_total_mb(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "packages": {d: _version(d) for d in ("eventsourcing", "SQLAlchemy", "psycopg", "orjson", "cryptography")},
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "load_average": [round(x, 2) for x in os.getloadavg()],  # other work on the machine skews timings
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


# ------------------------------------------------------------------- tables
def _fmt(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _stats(s: Series) -> str:
    if len(s.values) == 1:
        return f"{_fmt(s.values[0])} {s.unit}"
    return f"{_fmt(s.min)} / {_fmt(s.median)} / {_fmt(s.max)} {s.unit}"


def _rows(results: list[BenchResult]) -> Iterator[list[str]]:
    """One row per comparison (ledger side, reference side, ratio, target); memory rows on their own."""
    for r in results:
        if not r.checks:
            for s in r.series:
                yield [r.backend, r.name, f"{s.subject}: {_stats(s)}", "", "", "", ""]
            continue
        for c in r.checks:
            subject, reference = r.get(c.subject), r.get(c.reference)
            ratio = f"{c.ratio:.2f}x" if c.ratio >= 0.1 else f"{c.ratio:.3f}x"
            verdict = "-" if c.met is None else ("met" if c.met else "**missed**")
            label = "" if c.subject == "ledger" else f"{c.subject}: "
            yield [r.backend, r.name, label + _stats(subject), f"{reference.subject}: {_stats(reference)}", ratio,
                   c.target_text, verdict]


HEADER = ["backend", "benchmark", "ledger: min / median / max", "reference: min / median / max",
          "ledger / reference", "target", "verdict"]


def markdown_table(results: list[BenchResult]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in _rows(results)]
    return "\n".join(lines)


def text_table(results: list[BenchResult]) -> str:
    rows = [HEADER, *_rows(results)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)


def results_from_json(document: dict[str, Any]) -> list[BenchResult]:
    """The results of a ``--out`` file, to print or tabulate again (``python -m bench.report``)."""
    out = []
    for r in document["results"]:
        result = BenchResult(r["name"], r["backend"], r["description"], size=r.get("size", {}),
                             seconds=r.get("seconds", 0.0), notes=r.get("notes", []))
        result.series = [Series(s["subject"], s["label"], s["kind"], s["unit"], list(s["values"])) for s in r["series"]]
        result.checks = [Check(**c) for c in r["checks"]]
        out.append(result)
    return out


def dumps(document: dict[str, Any]) -> str:
    """JSON, indented, with lists of numbers kept on one line."""
    text = json.dumps(document, indent=2)
    return re.sub(r"\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]",
                  lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]", text) + "\n"
