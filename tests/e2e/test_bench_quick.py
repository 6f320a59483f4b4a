"""`python -m bench --quick` (issue 7) runs every benchmark and writes its JSON.

Quick mode uses toy sizes: it shows that each benchmark and each reference still runs,
not how fast anything is, so no target is checked here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = {"command", "load_no_snapshot", "load_snapshot", "rebuild", "verify", "peak_rss", "as_of_plan", "http"}


def test_quick_bench_on_sqlite_runs_every_benchmark(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--backend", "sqlite", "--out", str(out),
         "--work-dir", str(tmp_path / "work")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text())
    assert results["quick"] is True
    assert results["missing"] == []
    assert {r["name"] for r in results["results"] if r["backend"] == "sqlite"} == BENCHMARKS
    for r in results["results"]:
        assert r["series"], r["name"]
        for series in r["series"]:
            assert series["values"] and all(v > 0 for v in series["values"]), (r["name"], series["subject"])
        for check in r["checks"]:  # every ratio was computed against a measured reference
            assert check["ratio"] > 0, (r["name"], check["reference"])
    assert {r["name"] for r in results["results"] if r["checks"]} >= {"command", "load_no_snapshot", "rebuild"}
    assert not list((tmp_path / "work").iterdir()), "the scratch stores are removed"
