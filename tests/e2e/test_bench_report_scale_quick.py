"""`python -m bench.report_scale` at toy sizes: the report-against-GROUP-BY bench runs and writes its JSON (no target checked)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_report_scale_bench_runs(tmp_path: Path) -> None:
    out = tmp_path / "report-scale.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    done = subprocess.run([sys.executable, "-m", "bench.report_scale", "--households", "10", "20", "--repeat", "1",
                           "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text())
    assert [s["households"] for s in result["sizes"]] == [10, 20]
    for size in result["sizes"]:
        assert size["report_s"] > 0 and size["plain_s"] > 0 and size["ratio"] > 0
        assert size["facts_in_period"] >= size["facts_by_table"]["referrals"] > 0
        assert size["target_ratio"] == 5.0
    assert len(result["growth"]) == 1 and result["growth"][0]["facts_x"] > 0
    assert len(result["plain_sql"]) == 3 and all("GROUP BY" in sql for sql in result["plain_sql"])
