"""`python -m bench.startup --quick`: the start-up bench runs and reports every command beside its references.

No time is checked here (bench/ measures; docs/performance.md reports the figures).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_startup_bench_runs(tmp_path: Path) -> None:
    out = tmp_path / "startup.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    done = subprocess.run([sys.executable, "-m", "bench.startup", "--quick", "--out", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text())
    assert set(result["references"]) == {"python -c pass", 'python -c "import typer"'}
    assert {"ledger --help", "ledger household show --help"} <= set(result["commands"])
    for row in (*result["references"].values(), *result["commands"].values()):
        assert row["wall_ms"] > 0 and row["cpu_ms"] >= 0
    assert all(isinstance(row["within_target"], bool) for row in result["commands"].values())
    assert result["target_seconds"] == 0.3
