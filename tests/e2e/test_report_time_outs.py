"""Time-outs that fit the work (issue 14 item 4), over real HTTP against the service as a process.

The service is made slow honestly by its test-only setting ``LEDGER_TEST_SLOW_READ_SECONDS`` (off by default,
read from the environment alone): each shared computation of the evaluation report waits that long first. The
service logs one ``single_flight_started`` line per computation and ``single_flight_joined`` per request that
shared one, which is what these tests count; the access log shows that every caller's read is on record.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from service_process import ServiceProcess, add_users

from ledger.client import LedgerClient, LedgerTimeout

SLOW = 11.0  # seconds each report computation waits: longer than the CLI's old 10 s default
USERS = {"evaluator": ("gemeente-testdorp", "evaluator"), "privacy": ("gemeente-testdorp", "privacy_officer")}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServiceProcess, dict[str, str]]]:
    root = tmp_path_factory.mktemp("slow-report")
    svc = ServiceProcess(root / "data", env={"LEDGER_TEST_SLOW_READ_SECONDS": str(SLOW),
                                             "LEDGER_REPORT_MIN_CELL": "1"})
    tokens = add_users(svc.settings, USERS)
    with svc:
        yield svc, tokens


def log_count(svc: ServiceProcess, event: str) -> int:
    """How many JSON log lines of the service name ``event``."""
    count = 0
    for line in svc.log_text().splitlines():
        try:
            count += json.loads(line).get("event") == event
        except (ValueError, AttributeError):
            continue
    return count


def report_reads(svc: ServiceProcess, tokens: dict[str, str]) -> int:
    with LedgerClient(svc.url, tokens["privacy"]) as privacy:
        return sum(r["action"] == "read_evaluation_report" for r in privacy.access_log(user_id="u-evaluator"))


def wait_for(condition: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition did not hold in time"
        time.sleep(0.05)


def test_a_report_that_outlasts_the_client_is_computed_once_and_shared(
        service: tuple[ServiceProcess, dict[str, str]]) -> None:
    """The client gives up without re-sending; an identical request meanwhile joins the running computation."""
    svc, tokens = service
    started, joined, reads = (log_count(svc, "single_flight_started"), log_count(svc, "single_flight_joined"),
                              report_reads(svc, tokens))
    began = time.monotonic()
    with LedgerClient(svc.url, tokens["evaluator"], timeout=1) as impatient, pytest.raises(LedgerTimeout) as gave_up:
        impatient.evaluation_report(from_="2020-01-01")
    assert time.monotonic() - began < SLOW / 2
    assert "may still be computing" in str(gave_up.value) and "not sent again" in str(gave_up.value)

    other: dict[str, Any] = {}

    def another_period() -> None:  # a different question, asked at the same time: a computation of its own
        with LedgerClient(svc.url, tokens["evaluator"]) as c:
            other["report"] = c.evaluation_report(from_="2021-01-01")

    thread = threading.Thread(target=another_period)
    thread.start()
    with LedgerClient(svc.url, tokens["evaluator"], timeout=SLOW * 3) as patient:
        report = patient.evaluation_report(from_="2020-01-01")
    elapsed = time.monotonic() - began
    thread.join(timeout=SLOW * 3)
    assert report["period"]["from"] == "2020-01-01" and other["report"]["period"]["from"] == "2021-01-01"
    assert elapsed < SLOW * 1.8, "the second request waited for a computation of its own"
    assert log_count(svc, "single_flight_started") - started == 2  # one per distinct question, none per retry
    assert log_count(svc, "single_flight_joined") - joined == 1
    wait_for(lambda: log_count(svc, "single_flight_abandoned") >= 1)  # the impatient caller stopped waiting
    assert report_reads(svc, tokens) - reads == 3  # every caller's read is on record, the one who left too


LEDGER = [sys.executable, "-m", "ledger.cli"]


def ledger(svc: ServiceProcess, token: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    environ.update({"LEDGER_URL": svc.url, "LEDGER_TOKEN": token, **(env or {})})
    return subprocess.Popen([*LEDGER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environ)


def test_the_cli_waits_as_long_as_it_is_told(service: tuple[ServiceProcess, dict[str, str]]) -> None:
    """`--timeout 2` gives up with one line and no retry; `--timeout 60` completes a report slower than 10 s."""
    svc, tokens = service
    started = log_count(svc, "single_flight_started")
    began = time.monotonic()
    short = ledger(svc, tokens["evaluator"], "report", "evaluation", "--json", "--timeout", "2")
    out, err = short.communicate(timeout=SLOW * 3)
    assert short.returncode == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and "may still be computing" in err, err
    assert "Traceback" not in err

    done = ledger(svc, tokens["evaluator"], "report", "evaluation", "--json", "--timeout", "60",
                  env={"LEDGER_CLIENT_TIMEOUT": "1"})  # --timeout beats the environment's
    out, err = done.communicate(timeout=SLOW * 4)
    assert done.returncode == 0 and err == "", err
    assert json.loads(out)["basis"]["households"] == 0
    assert time.monotonic() - began > 10  # longer than the old default, and the CLI still waited
    assert log_count(svc, "single_flight_started") - started == 1  # the second run joined the first's computation


def test_a_time_out_that_is_not_seconds_is_a_usage_error() -> None:
    """`--timeout 0` and a LEDGER_CLIENT_TIMEOUT that is no number: exit 2, one line, before any request."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    environ.update({"LEDGER_URL": "http://127.0.0.1:9", "LEDGER_TOKEN": "ldg_x"})
    zero = subprocess.run([*LEDGER, "report", "evaluation", "--timeout", "0"], capture_output=True, text=True,
                          env=environ, timeout=60)
    assert zero.returncode == 2 and "--timeout" in zero.stderr
    words = subprocess.run([*LEDGER, "report", "evaluation"], capture_output=True, text=True, timeout=60,
                           env={**environ, "LEDGER_CLIENT_TIMEOUT": "ten"})
    assert words.returncode == 2 and words.stderr.startswith("error: LEDGER_CLIENT_TIMEOUT must be a number")
    assert words.stderr.count("\n") == 1


def test_the_time_out_setting_is_off_by_default_and_not_a_request_parameter() -> None:
    """The slow-read hook is 0 unless the environment says otherwise, and the report takes no such parameter."""
    from ledger.api.routes.reports import evaluation_report
    from ledger.config import Settings

    assert Settings().test_slow_read_seconds == 0
    assert not any("slow" in name.lower() for name in evaluation_report.__code__.co_varnames)
