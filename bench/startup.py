"""``python -m bench.startup [--repeat 15] [--quick] [--out FILE]``: how fast the ``ledger`` command starts.

Issue 16's target: ``ledger --help`` and every other command that touches no store start in <= 0.3 s
(wall time, on our 2-core machines). Each command runs in a fresh interpreter (``python -m ledger.cli
...``, as the ``ledger`` script does), ``--repeat`` times, alternating the commands so that a busy
moment of the machine falls on all of them alike; the median counts. Side by side in the same run,
the floor a Python command cannot go below: ``python -c pass`` (the interpreter) and
``python -c "import typer"`` (the CLI library). Reported per command: wall and CPU time (user + system
of the child) in milliseconds, the wall time above the interpreter's, and whether it is within the
target. tests/unit/test_cli_startup.py checks, without timing, that none of them imports a heavy
module; tests/e2e/test_bench_startup_quick.py runs this at ``--quick``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

TARGET_SECONDS = 0.3
COMMANDS: dict[str, list[str]] = {
    "ledger --help": ["-m", "ledger.cli", "--help"],
    "ledger household show --help": ["-m", "ledger.cli", "household", "show", "--help"],
    "ledger views --help": ["-m", "ledger.cli", "views", "--help"],
    "ledger whoami --help": ["-m", "ledger.cli", "whoami", "--help"],
}
REFERENCES: dict[str, list[str]] = {
    "python -c pass": ["-c", "pass"],
    'python -c "import typer"': ["-c", "import typer"],
}


def _once(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (the child's user + system) of one run in a fresh interpreter."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run([sys.executable, *args], capture_output=True, env=env, timeout=120)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{args} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run(repeat: int) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")} | {"COLUMNS": "80"}
    every = {**REFERENCES, **COMMANDS}
    for args in every.values():  # once untimed each: the file cache warm, the bytecode written
        _once(args, env)
    walls: dict[str, list[float]] = {name: [] for name in every}
    cpus: dict[str, list[float]] = {name: [] for name in every}
    for _ in range(repeat):
        for name, args in every.items():
            wall, cpu = _once(args, env)
            walls[name].append(wall)
            cpus[name].append(cpu)
    floor = statistics.median(walls["python -c pass"])
    rows = {name: {"wall_ms": round(statistics.median(walls[name]) * 1000, 1),
                   "cpu_ms": round(statistics.median(cpus[name]) * 1000, 1),
                   "wall_above_interpreter_ms": round((statistics.median(walls[name]) - floor) * 1000, 1)}
            for name in every}
    for name in COMMANDS:
        rows[name]["within_target"] = statistics.median(walls[name]) <= TARGET_SECONDS
    return {"bench": "startup", "target_seconds": TARGET_SECONDS, "repeat": repeat,
            "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
            "references": {n: rows[n] for n in REFERENCES}, "commands": {n: rows[n] for n in COMMANDS}}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.startup")
    parser.add_argument("--repeat", type=int, default=15, help="timed rounds (the median counts)")
    parser.add_argument("--quick", action="store_true", help="two rounds: only shows that it runs")
    parser.add_argument("--out", type=Path, help="write the result as JSON")
    args = parser.parse_args()
    result = run(2 if args.quick else args.repeat)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    for name, row in result["commands"].items():
        print(f"{name}: {row['wall_ms']} ms wall, {row['cpu_ms']} ms CPU "
              f"({'within' if row['within_target'] else 'OVER'} {TARGET_SECONDS * 1000:.0f} ms)", file=sys.stderr)


if __name__ == "__main__":
    main()
