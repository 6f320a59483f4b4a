"""`python -m bench.scale --quick` (issue 7) runs every part on SQLite and writes its JSON and table.

Toy sizes: it shows the import, its reference, the access-record queries and the memory
children still run and report what they measured, not how fast anything is.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_scale_bench_on_sqlite_runs_every_part(tmp_path: Path) -> None:
    out, md = tmp_path / "scale.json", tmp_path / "scale.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    done = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--quick", "--backend", "sqlite", "--out", str(out),
         "--markdown", str(md), "--work-dir", str(tmp_path / "work")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,  # ~8 s on an idle 2-core VM
    )
    assert done.returncode == 0, done.stderr[-3000:]
    doc = json.loads(out.read_text())
    assert doc["quick"] is True
    by_name = {r["name"]: r for r in doc["results"]}
    assert set(by_name) == {"import", "access_queries_3000", "access_queries_6000", "memory_scale"}

    imported = by_name["import"]
    assert imported["size"]["rows"] == imported["size"]["household_events"] + imported["size"]["households"]
    assert {s["subject"] for s in imported["series"]} == {"ledger", "ledger_write", "executemany"}
    assert all(v > 0 for s in imported["series"] for v in s["values"])
    assert [c["reference"] for c in imported["checks"]] == ["executemany", "executemany"]

    for name, records in (("access_queries_3000", 3000), ("access_queries_6000", 6000)):
        r = by_name[name]
        assert r["size"]["access_records"] == records
        assert {s["subject"] for s in r["series"]} == {f"{a}_{k}" for a in ("api", "view")
                                                        for k in ("household", "user", "day")}
        assert all(len(s["values"]) == 10 and min(s["values"]) > 0 for s in r["series"])
        assert len([n for n in r["notes"] if n.startswith("plan (")]) == 3  # the query plan of each kind

    sizes = by_name["memory_scale"]["size"]["sizes"]
    assert [s["target_events"] for s in sizes] == [300, 600]
    assert all(s["verify"]["records"] == s["rows"] and s["rebuild"]["events"] == s["rows"] for s in sizes)
    assert all(s["verify"]["peak_mb"] > 10 and s["rebuild"]["peak_mb"] > 10 for s in sizes)

    table = md.read_text()
    assert "| sqlite | 6,000 | day |" in table and "Peak RSS" in table
    assert not list((tmp_path / "work").iterdir()), "the scratch stores are removed"
