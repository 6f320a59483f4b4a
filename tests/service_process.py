"""The real service as a subprocess (``python -m ledger.cli serve``), for tests that kill it.

    svc = ServiceProcess(data_dir, database_url=None)   # SQLite in data_dir; or a postgresql:// URL
    svc.start()            # waits until /v1/health answers 200
    svc.kill()             # SIGKILL, no clean-up of any kind
    svc.start()            # again, on the same port and store
    svc.stop()             # SIGTERM (graceful)
    svc.rss_kib()          # the process's resident memory (VmRSS), KiB

stdout and stderr of every run go, appended, to ``svc.log_path`` so a test can search
the service's own log (e.g. for personal data or tracebacks). ``add_users`` makes users
with tokens directly in the store, as ``ledger users add`` does.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from ledger.bootstrap import build
from ledger.config import Settings

__all__ = ["ServiceProcess", "add_users", "free_port"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def add_users(settings: Settings, users: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Users by name -> (organisation, role), with ids ``u-<name>``; returns name -> bearer token."""
    tokens = {}
    with build(settings) as ledger:
        for org in sorted({org for org, _ in users.values()}):
            if not ledger.users.is_organisation(org):
                kind = "municipality" if org.startswith("gemeente-") else "partner"
                ledger.users.add_organisation(org, org, kind, by=ledger.users.operator)
        for name, (org, role) in users.items():
            _user, token = ledger.users.add(display_name=f"Test {name}", organisation=org, role=role,
                                            user_id=f"u-{name}")
            tokens[name] = token
    return tokens


class ServiceProcess:
    def __init__(self, data_dir: Path, database_url: str | None = None, *, port: int | None = None,
                 env: dict[str, str] | None = None, log_path: Path | None = None,
                 args: tuple[str, ...] = ()) -> None:
        self.data_dir = Path(data_dir)
        self.database_url = database_url
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path or self.data_dir.parent / f"service-{self.port}.log"
        self.extra_env = env or {}
        self.args = args  # more `serve` options (--workers 2 ...)
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.organisation = "gemeente-testdorp"  # LEDGER_ORGANISATION: the municipality running it

    @property
    def settings(self) -> Settings:
        return Settings(data_dir=self.data_dir, database_url=self.database_url,
                        organisation=self.organisation)

    @property
    def pid(self) -> int:
        assert self.proc is not None, "not started"
        return self.proc.pid

    def env(self) -> dict[str, str]:
        e = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
        e.update({"LEDGER_DATA_DIR": str(self.data_dir), "LEDGER_OPERATOR": "op-test", "PYTHONUNBUFFERED": "1",
                  "LEDGER_ORGANISATION": self.organisation})
        if self.database_url:
            e["LEDGER_DATABASE_URL"] = self.database_url
        e.update(self.extra_env)
        return e

    def start(self, timeout: float = 60.0) -> None:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        with open(self.log_path, "ab") as log:
            log.write(f"\n--- start {self.starts + 1} ---\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "ledger.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port), *self.args],
                env=self.env(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.starts += 1
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"the service exited with {self.proc.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"the service did not answer within {timeout:.0f} s:\n{self.log_tail()}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to finish anything."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self, timeout: float = 20.0) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def __enter__(self) -> ServiceProcess:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
