"""One ledger operation in a fresh process, for its peak memory: ``python -m bench.child WHAT``.

WHAT is ``baseline`` (build the ledger and open the views, nothing else), ``rebuild``
(``open_views(ledger).rebuild()``, as ``ledger projections rebuild``) or ``verify``
(``chain.verify()`` then ``verify_snapshots()``, as ``ledger audit verify``). The store
comes from the ``LEDGER_*`` environment. Prints one JSON line: the seconds the operation
took (measured around it, not the process start), how many records it went through, and
the peak resident set size of the process (``VmHWM``, KB).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

from .backends import ROOT, Backend

__all__ = ["run_child"]


def _rss_kb() -> int:
    """Peak RSS of this process image, in KB.

    ``VmHWM`` from /proc, not ``getrusage``: Linux carries ``ru_maxrss`` over from the forking
    parent's pre-exec copy, so a child of a big parent would report the parent's size.
    """
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(what: str) -> None:
    from ledger.bootstrap import build
    from ledger.config import Settings
    from ledger.logs import configure_logging
    from ledger.projections import open_views

    configure_logging("warning")
    profile_to = os.environ.get("BENCH_PROFILE")
    profiler = None
    if profile_to:
        import cProfile

        profiler = cProfile.Profile()
    out: dict[str, Any] = {"what": what, "count": 0, "seconds": 0.0, "rss_imported_kb": _rss_kb()}
    with build(Settings()) as ledger:
        runner = open_views(ledger)
        out["rss_opened_kb"] = _rss_kb()
        if profiler:
            profiler.enable()
        t0 = time.perf_counter()
        if what == "rebuild":
            out["count"] = runner.rebuild()
        elif what == "verify":
            result = ledger.chain.verify()
            chained = time.perf_counter() - t0
            if not result.ok:
                raise SystemExit(f"verify failed: {result.problem}")
            bad = ledger.app.verify_snapshots()
            if bad:
                raise SystemExit(f"verify failed: {len(bad)} bad snapshots")
            out.update(count=result.checked, chain_seconds=chained)
        elif what != "baseline":
            raise SystemExit(f"unknown operation {what!r}")
        out["seconds"] = time.perf_counter() - t0
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile_to)
    out["maxrss_kb"] = _rss_kb()
    print(json.dumps(out))


def run_child(backend: Backend, what: str, profile_to: str | None = None) -> dict[str, Any]:
    env = {**os.environ, **backend.child_env()}
    if profile_to:
        env["BENCH_PROFILE"] = profile_to
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-m", "bench.child", what], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"bench.child {what} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "baseline")
