"""A bounded load run against the real service, watching its memory (issue 7).

    python -m bench.soak [--minutes 10 | --seconds 20] [--backend sqlite|postgres] [--clients 8]
                         [--rate 40] [--sample-seconds 5] [--rss-limit-pct 20] [--json PATH]
    python -m bench.soak --hostile [--examples 200] [--backend sqlite|postgres]

Starts ``ledger serve`` as a subprocess on a fresh store (SQLite in a temp dir, or a database
on a private PostgreSQL server, as ``bench/backends.py`` does), on loopback only. Each client
is a consultant with its own households: it reads far more than it writes (caseload, state,
history, plan view with read-your-writes, caseload counts; plan goals and actions, ZRM
measurements), paced so that all clients together send at most ``--rate`` requests a second.
Every few seconds the service's resident memory (VmRSS) is sampled.

Prints and writes JSON: requests by kind and status, latencies, transport errors, RSS in the
first and last minute (for runs under three minutes: the first and last fifth, after a
warm-up fifth). Exits 1 on any 5xx, unexpected status or transport error, or when RSS in the
last window exceeds the first by more than ``--rss-limit-pct``.

``--hostile`` runs the hostile-input suite (tests/e2e/test_hostile_input.py) with
``--examples`` schemathesis examples per operation and generation mode instead.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))

from bench.backends import PostgresServer  # noqa: E402 - after the path: tests/ holds service_process
from service_process import ServiceProcess, add_users  # noqa: E402 - importable once tests/ is on the path

CATEGORIES = ["identity", "contact", "composition", "finances", "work_and_education", "housing",
              "domestic_relations", "physical_health", "mental_health", "addiction", "justice", "parenting",
              "social_network", "plan", "zrm", "involvement", "costs"]
ORG = "gemeente-soakdorp"
WRITES_PER_HOUSEHOLD = 25  # then the client takes on a new household, as caseloads turn over
ACTIVE_HOUSEHOLDS = 3


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_kind: Counter[str] = Counter()
        self.by_status: Counter[str] = Counter()
        self.unexpected: list[str] = []
        self.latency: dict[str, list[float]] = {"read": [], "write": []}

    def record(self, kind: str, op: str, status: int | str, ms: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.by_kind[op] += 1
            self.by_status[str(status)] += 1
            self.latency[kind].append(ms)
            if not ok and len(self.unexpected) < 50:
                self.unexpected.append(f"{op}: {status} {detail[:200]}")


class Client(threading.Thread):
    def __init__(self, n: int, url: str, token: str, stats: Stats, stop: threading.Event, interval: float,
                 seed: int) -> None:
        super().__init__(name=f"soak-{n}", daemon=True)
        self.n, self.stats, self.stop_event, self.interval = n, stats, stop, interval
        self.http = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        self.rng = random.Random(seed)
        self.households: list[dict[str, Any]] = []  # {"id", "version", "writes", "position", "goals"}

    # ------------------------------------------------------------- one request
    def call(self, kind: str, op: str, method: str, path: str, expect: tuple[int, ...] = (200, 201),
             **kw: Any) -> httpx.Response | None:
        began = time.perf_counter()
        try:
            r = self.http.request(method, path, **kw)
        except httpx.TransportError as e:
            self.stats.record(kind, op, f"transport:{type(e).__name__}", (time.perf_counter() - began) * 1000, False)
            return None
        ok = r.status_code in expect
        self.stats.record(kind, op, r.status_code, (time.perf_counter() - began) * 1000, ok, "" if ok else r.text)
        return r if ok else None

    def write(self, op: str, h: dict[str, Any], path: str, body: dict[str, Any], method: str = "POST") -> dict[str, Any] | None:
        r = self.call("write", op, method, f"/v1/households/{h['id']}/{path}", json=body,
                      headers={"If-Match": f'"{h["version"]}"', "Idempotency-Key": uuid.uuid4().hex})
        if r is None:
            return None
        w = r.json()
        h["version"], h["position"] = w["version"], w["position"]
        h["writes"] += 1
        return w

    # ------------------------------------------------------------- the household's life
    def new_household(self) -> None:
        r = self.call("write", "refer", "POST", "/v1/households", headers={"Idempotency-Key": uuid.uuid4().hex}, json={
            "sources": ["wmo_desk"],
            "members": [{"role": "adult", "name": f"Soak Persoon {self.n}-{len(self.households)}-{self.rng.randrange(10**6)}"}]})
        if r is None:
            return
        h = {"id": r.json()["household_id"], "version": r.json()["version"], "writes": 0, "position": 0, "goals": []}
        steps = [
            ("intake", "intakes", {"domains_discussed": ["housing", "finances"], "summary": "Intake, synthetic."}, "POST"),
            ("director", "case-director", {"user_id": f"u-soak{self.n}", "organisation": ORG}, "PUT"),
            ("consent", "consents", {"basis": "consent", "member_id": "m1", "organisations": [ORG],
                                     "data_categories": CATEGORIES, "purpose": "coordination"}, "POST"),
        ]
        for op, path, body, method in steps:
            if self.write(op, h, path, body, method) is None:
                return
        self.households.append(h)
        if len(self.households) > ACTIVE_HOUSEHOLDS:
            self.households.pop(0)

    def one(self) -> None:
        if not self.households or self.households[-1]["writes"] >= WRITES_PER_HOUSEHOLD:
            self.new_household()
            return
        h = self.rng.choice(self.households)
        roll = self.rng.random()
        if roll < 0.88:  # reads
            pick = self.rng.random()
            if pick < 0.25:
                self.call("read", "caseload", "GET", "/v1/households", params={"limit": 50})
            elif pick < 0.50:
                self.call("read", "state", "GET", f"/v1/households/{h['id']}")
            elif pick < 0.70:
                self.call("read", "plan", "GET", f"/v1/households/{h['id']}/plan", params={"minPosition": h["position"]})
            elif pick < 0.85:
                self.call("read", "history", "GET", f"/v1/households/{h['id']}/events", params={"limit": 50})
            elif pick < 0.95:
                self.call("read", "caseloads", "GET", "/v1/caseloads")
            else:
                self.call("read", "me", "GET", "/v1/users/me")
            return
        h = self.households[-1]
        pick = self.rng.random()
        if pick < 0.45 or not h["goals"]:
            w = self.write("goal", h, "plan/goals", {"life_domain": self.rng.choice(["housing", "finances"]),
                                                     "description": "A goal, synthetic."})
            if w:
                h["goals"].append(w["item_id"])
        elif pick < 0.8:
            self.write("action", h, "plan/actions", {"goal_id": self.rng.choice(h["goals"]),
                                                     "description": "An action, synthetic.", "performer_kind": "self"})
        else:
            self.write("zrm", h, "zrm-measurements", {"instrument": "2017", "moment": "intake",
                                                      "scores": {"housing": self.rng.randint(1, 5),
                                                                 "finances": self.rng.randint(1, 5)}})

    def run(self) -> None:
        next_at = time.monotonic() + self.rng.uniform(0, self.interval)
        while not self.stop_event.is_set():
            delay = next_at - time.monotonic()
            if delay > 0 and self.stop_event.wait(delay):
                break
            next_at = max(next_at + self.interval, time.monotonic() - self.interval)
            self.one()


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(p / 100 * len(values)))], 1)


def soak(args: argparse.Namespace) -> dict[str, Any]:
    seconds = args.seconds if args.seconds is not None else args.minutes * 60
    with tempfile.TemporaryDirectory(prefix="ledger-soak-") as tmp:
        base = Path(tmp)
        pg = PostgresServer(base / "pg") if args.backend == "postgres" else None
        try:
            url = pg.database("soak") if pg else None
            svc = ServiceProcess(base / "data", url, log_path=base / "service.log", env={"LEDGER_LOG_LEVEL": "warning"})
            svc.organisation = ORG  # the soak's consultants work for the municipality running the ledger
            tokens = add_users(svc.settings, {f"soak{i}": (ORG, "consultant") for i in range(args.clients)})
            svc.start()
            stats, stop = Stats(), threading.Event()
            interval = args.clients / args.rate
            clients = [Client(i, svc.url, tokens[f"soak{i}"], stats, stop, interval, seed=i) for i in range(args.clients)]
            began = time.monotonic()
            samples: list[tuple[float, int]] = [(0.0, svc.rss_kib())]
            for c in clients:
                c.start()
            while (elapsed := time.monotonic() - began) < seconds:
                time.sleep(min(args.sample_seconds, max(0.0, seconds - elapsed)))
                if not svc.alive():
                    break
                samples.append((round(time.monotonic() - began, 1), svc.rss_kib()))
            stop.set()
            for c in clients:
                c.join(timeout=60)
            alive = svc.alive()
            health = httpx.get(f"{svc.url}/v1/health", timeout=10).json() if alive else {}
            svc.stop()
            log = svc.log_text()
        finally:
            if pg:
                pg.stop()
    window = 60.0 if seconds >= 180 else seconds / 5
    warmup = 0.0 if seconds >= 180 else seconds / 5
    first = [kib for t, kib in samples if warmup <= t <= warmup + window] or [samples[0][1]]
    last = [kib for t, kib in samples if t >= seconds - window] or [samples[-1][1]]
    first_mean, last_mean = statistics.mean(first), statistics.mean(last)
    growth = (last_mean - first_mean) / first_mean * 100
    transport = sum(c for s, c in stats.by_status.items() if s.startswith("transport"))
    server = sum(c for s, c in stats.by_status.items() if s.startswith("5"))
    requests = sum(stats.by_kind.values())
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "backend": args.backend, "clients": args.clients, "seconds": seconds, "rate_limit_per_s": args.rate,
        "requests": requests, "reads": len(stats.latency["read"]), "writes": len(stats.latency["write"]),
        "requests_per_s": round(requests / seconds, 1),
        "by_kind": dict(stats.by_kind), "by_status": dict(stats.by_status),
        "errors": sum(c for s, c in stats.by_status.items() if not s.startswith("2")),
        "server_errors": server, "transport_errors": transport, "unexpected": stats.unexpected[:10],
        "latency_ms": {k: {"p50": percentile(v, 50), "p95": percentile(v, 95), "p99": percentile(v, 99),
                           "max": percentile(v, 100)} for k, v in stats.latency.items()},
        "rss_kib": {"samples": len(samples), "sample_seconds": args.sample_seconds,
                    "window_seconds": window, "warmup_seconds": warmup,
                    "first_window_mean": round(first_mean), "last_window_mean": round(last_mean),
                    "min": min(k for _, k in samples), "max": max(k for _, k in samples),
                    "growth_pct": round(growth, 1), "limit_pct": args.rss_limit_pct, "series": samples},
        "service_alive_at_end": alive, "ledger_position": health.get("ledger_position"),
        "views_position": health.get("views_position"),
        "log_tracebacks": log.count("Traceback"), "log_request_failed": log.count("request_failed"),
    }
    result["ok"] = (alive and result["errors"] == 0 and growth <= args.rss_limit_pct
                    and result["log_tracebacks"] == 0 and result["log_request_failed"] == 0)
    return result


def hostile(args: argparse.Namespace) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env["HOSTILE_EXAMPLES"] = str(args.examples)
    marker = "postgres" if args.backend == "postgres" else "not postgres"
    return subprocess.run([sys.executable, "-m", "pytest", "tests/e2e/test_hostile_input.py", "-q", "-s",
                           "-p", "no:cacheprovider", "-m", marker], cwd=ROOT, env=env).returncode


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=10.0)
    p.add_argument("--seconds", type=float, default=None, help="overrides --minutes (short runs, tests)")
    p.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--rate", type=float, default=40.0, help="requests per second, all clients together (a bound)")
    p.add_argument("--sample-seconds", type=float, default=5.0)
    p.add_argument("--rss-limit-pct", type=float, default=20.0, help="fail when RSS grows more than this")
    p.add_argument("--json", type=Path, default=None, help="also write the result here")
    p.add_argument("--hostile", action="store_true", help="run the hostile-input campaign instead")
    p.add_argument("--examples", type=int, default=200, help="--hostile: schemathesis examples per operation and mode")
    args = p.parse_args(argv)
    if args.hostile:
        return hostile(args)
    result = soak(args)
    summary = {k: result[k] for k in ("backend", "clients", "seconds", "requests", "reads", "writes", "requests_per_s",
                                      "errors", "server_errors", "transport_errors", "by_status", "latency_ms", "ok")}
    summary["rss_kib"] = {k: v for k, v in result["rss_kib"].items() if k != "series"}
    print(json.dumps(summary, indent=2))
    if result["unexpected"]:
        print("unexpected:", *result["unexpected"], sep="\n  ")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
