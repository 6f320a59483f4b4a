"""``python -m bench [--backend sqlite|postgres|both] [--quick] [--out results.json]``.

Builds a fresh store per backend in a scratch directory (PostgreSQL: a private server
started by ``tests/pg_server.py``), fills it with the demo municipality, runs every
benchmark with its references side by side, prints the table, and writes the JSON.
``--quick`` runs everything at toy sizes: it only shows that every benchmark runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shlex
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from ledger.logs import configure_logging

from . import as_of, command, http, load, scans
from .backends import Backend, PostgresServer
from .context import FULL, QUICK, Context, Profiles, Sizes
from .harness import BenchResult, dumps, machine_info, markdown_table, text_table
from .workload import CaseWork, generate_base

BENCHMARKS = ("command", "load_no_snapshot", "load_snapshot", "rebuild", "verify", "peak_rss", "as_of_plan", "http")


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_backend(name: str, root: Path, sizes: Sizes, seed: int, pg: PostgresServer | None,
                profiles: Profiles, only: frozenset[str] = frozenset(BENCHMARKS)) -> tuple[list[BenchResult], dict[str, Any]]:
    from ledger.bootstrap import build

    work_dir = root / name
    work_dir.mkdir(parents=True)
    url = pg.database("bench") if pg is not None else None
    raw_url = pg.database("bench_raw") if pg is not None else None
    backend = Backend(name, work_dir / "data", work_dir, url, raw_url)
    results: list[BenchResult] = []
    try:
        _say(f"{name}: generating the demo municipality ({sizes.households} households)")
        report, seconds = generate_base(backend, sizes.households, seed)
        workload = {"households": report.households, "household_events": report.events,
                    "seconds": round(seconds, 1), "commands_per_second": round(report.events / seconds, 1)}
        _say(f"{name}: {report.events} household events in {seconds:.0f} s ({report.events / seconds:.0f} commands/s)")
        with build(backend.settings()) as ledger:
            ctx = Context(backend, sizes, ledger, CaseWork(seed), profiles, base_events=report.events)
            if "command" in only:
                _say(f"{name}: command path")
                results.append(command.run(ctx))
            if only & {"load_no_snapshot", "load_snapshot"}:
                _say(f"{name}: household load")
                results.extend(load.run(ctx))
            children, verify_child = [], None
            if only & {"rebuild", "peak_rss"}:
                _say(f"{name}: projection rebuild")
                rebuilt, children = scans.rebuild(ctx)
                results.append(rebuilt)
            if only & {"verify", "peak_rss"}:
                _say(f"{name}: audit verify")
                verified, verify_child = scans.verify(ctx)
                results.append(verified)
            if "peak_rss" in only and verify_child is not None:
                results.append(scans.peak_rss(ctx, children, verify_child))
            if "as_of_plan" in only:
                _say(f"{name}: one household's plan as of a date vs its current read")
                results.append(as_of.run(ctx))
            if "http" in only:  # last: its reads add access records to the log the scans go over
                _say(f"{name}: HTTP reads at {http.CLIENTS} clients")
                results.append(http.run(ctx))
            workload["events_in_log"] = ledger.app.recorder.max_notification_id()
    finally:
        backend.close()
    return results, workload


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="toy sizes: check that every benchmark runs (CI)")
    parser.add_argument("--out", type=Path, help="write the results as JSON to this file")
    parser.add_argument("--markdown", type=Path, help="write the results table as Markdown to this file")
    parser.add_argument("--households", type=int, help="demo households in the base store (default 600; quick 6)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="cProfile the ledger's side of each benchmark into DIR (slows it down; "
                             "do not compare those timings)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--work-dir", type=Path, help="where the scratch stores go (default: a new temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch stores")
    parser.add_argument("--only", metavar="NAME[,NAME]",
                        help="run only these benchmarks (" + ", ".join(BENCHMARKS) + ")")
    args = parser.parse_args(argv)

    only = frozenset(BENCHMARKS)
    if args.only:
        only = frozenset(n.strip() for n in args.only.split(",") if n.strip())
        if unknown := only - set(BENCHMARKS):
            parser.error("unknown benchmark: " + ", ".join(sorted(unknown)))
    configure_logging("warning")  # as the CLI: the ledger's info lines are not what is measured
    sizes = QUICK if args.quick else FULL
    if args.households:
        sizes = dataclasses.replace(sizes, households=args.households)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    if args.work_dir:
        args.work_dir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="ledger-bench-", dir=args.work_dir))
    root.chmod(0o755)  # the PostgreSQL server user must reach its cluster below it
    pg = PostgresServer(root / "pg") if "postgres" in backends else None
    profiles = Profiles(args.profile)
    began = time.perf_counter()
    machine = machine_info()  # before: the load average of the machine as the run starts
    results: list[BenchResult] = []
    workloads: dict[str, Any] = {}
    failed = False
    try:
        for name in backends:
            try:
                got, workloads[name] = run_backend(name, root, sizes, args.seed, pg if name == "postgres" else None,
                                                   profiles, only)
                results.extend(got)
            except Exception:  # noqa: BLE001 - report it, go on with the other backend, exit non-zero
                failed = True
                _say(f"{name}: FAILED\n{traceback.format_exc()}")
        pg_version = pg.version() if pg is not None else None
    finally:
        if pg is not None:
            pg.stop()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            _say(f"scratch stores kept in {root}")
    for path in profiles.dump():
        _say(f"profile: {path}")
    if args.profile:
        _say(f"profiles of the child processes (rebuild): {args.profile}/rebuild-*.txt")

    missing = [(b, n) for b in backends for n in BENCHMARKS
               if n in only and not any(r.backend == b and r.name == n for r in results)]
    document = {
        "command": shlex.join(["python", "-m", "bench", *argv]),
        "machine": {**machine, "postgres": pg_version, "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "quick": args.quick,
        "sizes": dataclasses.asdict(sizes),
        "workload": workloads,
        "seconds": round(time.perf_counter() - began, 1),
        "benchmarks": list(BENCHMARKS),
        "results": [r.to_json() for r in results],
        "missed": [f"{r.backend}/{r.name}: ledger vs {c.reference} {c.ratio:.3f}x, target {c.target_text}"
                   for r in results for c in r.checks if c.met is False],
        "missing": [f"{b}/{n}" for b, n in missing],
    }
    if args.out:
        args.out.write_text(dumps(document))
        _say(f"results: {args.out}")
    if args.markdown:
        args.markdown.write_text(markdown_table(results) + "\n")
    print(text_table(results))
    print(f"\n{len(results)} results in {document['seconds']} s" + (" (quick: sizes are toys, ratios mean nothing)"
                                                                       if args.quick else ""))
    for line in document["missed"]:
        print(f"target missed: {line}")
    if missing:
        print("benchmarks that did not run: " + ", ".join(document["missing"]))
    if failed or missing:
        return 2
    return 1 if args.check and document["missed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
