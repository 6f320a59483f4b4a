"""`python -m bench.list_scale` at toy sizes: the caseload-list page bench runs and writes its JSON (no target checked)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_list_scale_bench_runs(tmp_path: Path) -> None:
    out = tmp_path / "list-scale.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    done = subprocess.run([sys.executable, "-m", "bench.list_scale", "--households", "60", "120", "--visible", "8",
                           "--repeat", "1", "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text())
    assert [s["households"] for s in result["sizes"]] == [60, 120]
    for size in result["sizes"]:
        # every reader sees exactly its own households, at every size (two pages hold them all at this size)
        assert size["seen_in_two_pages"] == {"operator": size["households"],
                                             "director": 8, "intake": 8, "involved": 8}
        assert all(v > 0 for v in size["query_ms"].values()) and all(v > 0 for v in size["read_ms"].values())
    assert set(result["ratio_largest_to_smallest"]) == {"query", "read"} and result["target_ratio"] == 1.2
