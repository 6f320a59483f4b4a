"""`python -m bench.series` at toy size: the series benchmark runs and writes its JSON (no target checked here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_series_bench_runs(tmp_path: Path) -> None:
    out = tmp_path / "series.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    done = subprocess.run([sys.executable, "-m", "bench.series", "--households", "20", "--points", "6", "--repeat",
                           "1", "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text())
    assert result["points"] == 6 and result["households"] == 20
    assert result["report_s"] > 0 and result["series_s"] > 0 and result["ratio"] > 0
    assert result["target_ratio"] == 3.0
