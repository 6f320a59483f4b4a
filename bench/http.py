"""The HTTP read path: audited ``GET /v1/households/{id}`` against the same read not recorded.

The service runs as ``ledger serve`` runs it: a real uvicorn process on loopback, one
worker, the app from ``ledger.api.main.create_app`` with the projections followed in the
service. :mod:`bench.http_app` adds one bench-only route to that same app, the same read
minus access recording (same auth, load, policy decision and serialisation; no
``AccessRecorded`` save, no chain links), so both variants share one process, one
store and one set of settings.

* **audited**: ``GET /v1/households/{id}``, the product's route.
* **unaudited**: ``GET /bench/unaudited/households/{id}``.

The load comes from this process: 20 clients, each a thread with its own keep-alive
``http.client`` connection, going round bench households whose lengths span one snapshot
interval (so each read replays 0 to 49 events after a snapshot). The variants alternate
in rounds of a few seconds (A B, then B A, ...), after one unmeasured warm-up round, so
the machine's noise lands on both. Before each segment the service's views catch up
with the ledger (``/v1/health``), so a segment does not pay for the previous one's
access records. Each round gives a throughput (completed requests / seconds) and the
p50 and p99 of its request latencies; the server's CPU seconds per request come from
``/proc``.

Targets (issue 7): audited throughput >= 0.9x unaudited; audited p99 <= 1.5x unaudited.

A switch for measuring a proposed change (off by default): ``LEDGER_BENCH_PROJECTIONS=external``
runs the service without its views follower (``LEDGER_PROJECTIONS=external``).

uvicorn picks uvloop and httptools when they are installed (``--loop auto --http auto``,
as ``ledger serve``). With ``http_stock_rounds`` > 0 a second server runs with
``--loop asyncio --http h11`` for a few rounds of the same comparison, to show what the
two libraries bring.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from ledger.privacy.access import ALL_CATEGORIES

from .backends import ROOT, Backend
from .context import Context
from .harness import BenchResult, Check, Series
from .http_app import UNAUDITED
from .workload import DIRECTOR, ORGANISATION

__all__ = ["Server", "run", "measure"]

CLIENTS = 20
AUDITED = "/v1/households/{household_id}"
VARIANTS = {"audited": AUDITED, "unaudited": UNAUDITED}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``uvicorn bench.http_app:create_app --factory`` in a child process on a free loopback port."""

    def __init__(self, backend: Backend, log_path: Path, *, stock: bool = False,
                 extra_env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.log_path = log_path
        args = [sys.executable, "-m", "uvicorn", "bench.http_app:create_app", "--factory",
                "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1",
                "--log-level", "warning", "--no-access-log"]
        if stock:
            args += ["--loop", "asyncio", "--http", "h11"]
        # The store's settings only; LEDGER_BENCH_* switches (bench/http_app.py) pass through.
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_") or k.startswith("LEDGER_BENCH_")}
        env.update(backend.child_env(), **(extra_env or {}))
        self.follows_views = True
        if os.environ.get("LEDGER_BENCH_PROJECTIONS") == "external":  # views left to a separate process (none here)
            env["LEDGER_PROJECTIONS"] = "external"
            self.follows_views = False
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}): {self.log_tail()}")
            try:
                if self.get_json("/v1/health")["status"] == "ok":
                    return
            except (OSError, http.client.HTTPException, ValueError):
                time.sleep(0.1)
        raise RuntimeError(f"the server did not answer within {timeout:.0f} s: {self.log_tail()}")

    def log_tail(self) -> str:
        self._log.flush()
        return self.log_path.read_bytes()[-2000:].decode(errors="replace")

    def get_json(self, path: str, headers: dict[str, str] | None = None) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise ValueError(f"GET {path}: {response.status}")
            return json.loads(body)
        finally:
            conn.close()

    def views_caught_up(self, timeout: float = 120.0) -> float:
        """Wait until the service's views hold everything in the ledger; returns the seconds waited."""
        t0 = time.monotonic()
        if not self.follows_views:
            return 0.0
        while time.monotonic() - t0 < timeout:
            health = self.get_json("/v1/health")
            if health["views_position"] >= health["ledger_position"]:
                return time.monotonic() - t0
            time.sleep(0.05)
        raise RuntimeError("the service's views did not catch up")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far (all its threads)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


@dataclass
class Segment:
    """One variant for one round: what the clients saw, and what the server spent."""

    variant: str
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    server_cpu_s: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds

    def percentile(self, q: float) -> float:
        data = sorted(self.latencies_ms)
        return data[min(len(data) - 1, int(q * len(data)))]


def _client(port: int, paths: list[str], headers: dict[str, str], start: threading.Barrier, deadline: list[float],
            out: list[float], errors: list[int], conn_box: list[http.client.HTTPConnection | None]) -> None:
    conn = conn_box[0]
    i = 0
    start.wait()
    end = deadline[0]
    while True:
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        path = paths[i % len(paths)]
        i += 1
        t0 = time.perf_counter()
        if t0 >= end:
            break
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            conn.close()
            conn, ok = None, False
        t1 = time.perf_counter()
        if t1 > end:
            break  # finished after the round: neither counted nor timed
        if ok:
            out.append((t1 - t0) * 1000.0)
        else:
            errors[0] += 1
    conn_box[0] = conn


def measure(server: Server, variant: str, households: list[str], token: str, seconds: float,
            clients: int = CLIENTS, connections: list[list[Any]] | None = None, warm_up: bool = False) -> Segment:
    """``clients`` keep-alive clients hammer one variant for ``seconds``; each starts on another household."""
    template = VARIANTS[variant]
    paths = [template.replace("{household_id}", h) for h in households]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    connections = connections if connections is not None else [[None] for _ in range(clients)]
    start = threading.Barrier(clients + 1)
    deadline = [0.0]
    outs: list[list[float]] = [[] for _ in range(clients)]
    errs: list[list[int]] = [[0] for _ in range(clients)]
    threads = [threading.Thread(target=_client, args=(server.port, paths[c % len(paths):] + paths[:c % len(paths)],
                                                      headers, start, deadline, outs[c], errs[c], connections[c]),
                                daemon=True) for c in range(clients)]
    for t in threads:
        t.start()
    cpu0 = server.cpu_seconds()
    deadline[0] = time.perf_counter() + seconds
    start.wait()
    for t in threads:
        t.join()
    segment = Segment(variant, seconds, [x for o in outs for x in o], sum(e[0] for e in errs))
    segment.server_cpu_s = server.cpu_seconds() - cpu0
    if segment.errors or not (segment.latencies_ms or warm_up):
        raise RuntimeError(f"{variant}: {segment.errors} failed requests, {len(segment.latencies_ms)} answered; "
                           f"server log: {server.log_tail()}")
    return segment


def rounds(server: Server, households: list[str], token: str, seconds: float, n: int) -> list[Segment]:
    """A warm-up round, then ``n`` rounds alternating the order: A B, B A, A B, ..."""
    connections = [[None] for _ in range(CLIENTS)]
    for template in VARIANTS.values():  # every household once, so the first round starts warm
        for h in households:
            server.get_json(template.replace("{household_id}", h), {"Authorization": f"Bearer {token}"})
    out = []
    for round_no in range(n + 1):
        order = ["audited", "unaudited"] if round_no % 2 == 0 else ["unaudited", "audited"]
        for variant in order:
            server.views_caught_up()
            segment = measure(server, variant, households, token, seconds if round_no else max(seconds / 2, 0.2),
                              connections=connections, warm_up=not round_no)
            if round_no:
                out.append(segment)
    return out


def _series(segments: list[Segment], prefix: str = "") -> dict[str, Series]:
    s: dict[str, Series] = {}
    for variant, what in (("audited", "GET /v1/households/{id}: load, policy, record saved, chain extended"),
                          ("unaudited", "the same read without access recording (bench route, same app)")):
        mine = [g for g in segments if g.variant == variant]
        name = prefix + variant
        s[name] = Series(name, f"{what}; {CLIENTS} clients", "rate", "req/s", [g.rate for g in mine])
        s[name + "_p50"] = Series(name + "_p50", f"p50 latency per round: {what}", "latency", "ms",
                                  [g.percentile(0.50) for g in mine])
        s[name + "_p99"] = Series(name + "_p99", f"p99 latency per round: {what}", "latency", "ms",
                                  [g.percentile(0.99) for g in mine])
        s[name + "_cpu"] = Series(name + "_cpu", f"server CPU per request: {what}", "latency", "ms",
                                  [g.server_cpu_s * 1000 / len(g.latencies_ms) for g in mine])
    return s


def _libraries() -> str:
    have = [m for m in ("uvloop", "httptools") if find_spec(m) is not None]
    return "auto: " + (" + ".join(have) if have else "asyncio + h11 (uvloop and httptools not installed)")


def run(ctx: Context) -> BenchResult:
    b, ledger, sizes = ctx.backend, ctx.ledger, ctx.sizes
    began = time.perf_counter()
    result = BenchResult("http", b.name, f"req/s and latency at {CLIENTS} concurrent clients: "
                                         "audited GET /v1/households/{id} vs the same read not recorded")
    k = sizes.http_households
    made = [ctx.work.create(ledger, sizes.http_start_events - 1 + i * 50 // k) for i in range(k)]
    for h in made:
        # Reading the whole household needs every data category covered: the member's consent
        # for the whole case (the workload's consent covers the plan's categories only).
        _consent, h.version = ledger.app.grant_consent(
            DIRECTOR, h.household_id, expected_version=h.version, basis="consent", member_id="m1",
            organisations=[ORGANISATION], data_categories=sorted(c.value for c in ALL_CATEGORIES),
            purpose="coordination")
    households = [str(h.household_id) for h in made]
    token = ctx.work.tokens[DIRECTOR.user_id]  # the workload registered the director (see CaseWork.create)
    log_dir = b.work_dir
    server = Server(b, log_dir / "http-server.log")
    try:
        segments = rounds(server, households, token, sizes.http_seconds, sizes.http_rounds)
    finally:
        server.stop()
    series = _series(segments)
    result.series = list(series.values())
    result.checks = [
        Check.compare(series["audited"], series["unaudited"], 0.9, ">= 0.9x"),
        Check.compare(series["audited_p50"], series["unaudited_p50"], None),
        Check.compare(series["audited_p99"], series["unaudited_p99"], 1 / 1.5, "p99 <= 1.5x (>= 0.67x)"),
        Check.compare(series["audited_cpu"], series["unaudited_cpu"], None),
    ]
    if sizes.http_stock_rounds:
        stock = Server(b, log_dir / "http-server-stock.log", stock=True)
        try:
            stock_segments = rounds(stock, households, token, sizes.http_seconds, sizes.http_stock_rounds)
        finally:
            stock.stop()
        more = _series(stock_segments, "stock_")
        result.series += [more["stock_audited"], more["stock_unaudited"], more["stock_audited_p99"],
                          more["stock_unaudited_p99"]]
        result.checks += [
            Check.compare(series["audited"], more["stock_audited"], None, "auto vs --loop asyncio --http h11"),
            Check.compare(series["unaudited"], more["stock_unaudited"], None, "auto vs --loop asyncio --http h11"),
            Check.compare(more["stock_audited"], more["stock_unaudited"], None, "(stock server)"),
        ]
    # Rounds alternate the variants back to back, so per-round ratios cancel most of the machine's drift.
    paired = [round(a / u, 3) for a, u in zip(series["audited"].values, series["unaudited"].values, strict=True)]
    p99s = [round(a / u, 3) for a, u in zip(series["audited_p99"].values, series["unaudited_p99"].values, strict=True)]
    result.notes.append(f"per round, audited/unaudited req/s: {paired}; p99 audited/unaudited: {p99s}")
    result.size = {"clients": CLIENTS, "households": k, "versions": [h.version for h in made],
                   "seconds_per_round": sizes.http_seconds, "rounds": sizes.http_rounds,
                   "stock_rounds": sizes.http_stock_rounds, "server": "uvicorn, 1 worker, " + _libraries(),
                   "projections": ("external (no views follower in the service)" if not server.follows_views else
                                   "in_service (the service follows the ledger into its views, as by default)"),
                   "bench_switches": {k: v for k, v in os.environ.items() if k.startswith("LEDGER_BENCH_")},
                   "requests": {v: sum(len(g.latencies_ms) for g in segments if g.variant == v) for v in VARIANTS}}
    result.seconds = time.perf_counter() - began
    return result
