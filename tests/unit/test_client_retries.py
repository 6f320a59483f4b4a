"""The client's time-outs and retry rules, over a fake transport (httpx.MockTransport): nothing is sent twice
that the service may still be working on."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx
import pytest

from ledger.client import LedgerClient, LedgerTimeout, LedgerUnavailable, ServerError
from ledger.client._http import CONNECT_TIMEOUT, LONG_TIMEOUT, SHORT_TIMEOUT, TIMEOUT_ENV

WRITTEN = {"household_id": "h-1", "version": 3, "position": 9, "item_id": None}
REPORT = {"as_of": "2026-11-30"}
UNAVAILABLE = httpx.Response(503, headers={"Retry-After": "0.01"}, json={
    "type": "https://ledger.example.org/problems/store-unavailable", "title": "Store unavailable",
    "status": 503, "detail": "The ledger's store cannot be reached; try again shortly."})


class Script:
    """A fake service answering from a list (an exception is raised as the transport's failure)."""

    def __init__(self, answers: Iterable[httpx.Response | Exception]) -> None:
        self.answers = iter(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = next(self.answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def client(self, **kwargs: Any) -> LedgerClient:
        return LedgerClient("http://ledger.test", "ldg_x", transport=httpx.MockTransport(self), **kwargs)

    @property
    def keys(self) -> list[str | None]:
        return [r.headers.get("idempotency-key") for r in self.requests]

    @property
    def read_timeouts(self) -> list[float]:
        return [r.extensions["timeout"]["read"] for r in self.requests]


@pytest.fixture(autouse=True)
def _no_timeout_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TIMEOUT_ENV, raising=False)


def test_a_report_that_times_out_is_not_sent_again() -> None:
    """A read time-out on a report: one request, and an error that says the service may still be computing."""
    script = Script([httpx.ReadTimeout("timed out"), httpx.Response(200, json=REPORT)])
    with script.client(timeout=2) as c, pytest.raises(LedgerTimeout) as timed_out:
        c.evaluation_report()
    assert len(script.requests) == 1
    text = str(timed_out.value)
    assert "within 2 s" in text and "may still be computing" in text and "not sent again" in text
    assert isinstance(timed_out.value, LedgerUnavailable) and timed_out.value.seconds == 2


def test_a_keyed_write_that_times_out_is_not_sent_again() -> None:
    """A read time-out on a write: the service may still be running it, so the client does not re-send it."""
    script = Script([httpx.ReadTimeout("timed out"), httpx.Response(201, json=WRITTEN)])
    with script.client() as c, pytest.raises(LedgerTimeout):
        c.record_intake("h-1", 2, ["finances"])
    assert len(script.requests) == 1


def test_a_short_read_that_times_out_is_not_sent_again() -> None:
    """The rule holds for reads too: a read time-out means the request arrived."""
    script = Script([httpx.ReadTimeout("timed out"), httpx.Response(200, json={"user_id": "u"})])
    with script.client() as c, pytest.raises(LedgerTimeout):
        c.me()
    assert len(script.requests) == 1


@pytest.mark.parametrize("failure", [httpx.ConnectError("[Errno 111] Connection refused"),
                                     httpx.ConnectTimeout("timed out"), httpx.PoolTimeout("timed out")])
def test_a_request_that_never_left_is_sent_again(failure: Exception) -> None:
    """Connection refused (or no connection in time): nothing reached the service, so the retry is safe."""
    script = Script([failure, httpx.Response(200, json=REPORT)])
    with script.client() as c:
        assert c.evaluation_report() == REPORT
    assert len(script.requests) == 2


def test_a_write_refused_at_connect_is_sent_again_with_its_key() -> None:
    """A keyed write whose connection was refused goes again under the same Idempotency-Key."""
    script = Script([httpx.ConnectError("[Errno 111] Connection refused"), httpx.Response(201, json=WRITTEN)])
    with script.client() as c:
        assert c.record_intake("h-1", 2, ["finances"]).version == 3
    assert len(script.keys) == 2 and len(set(script.keys)) == 1 and script.keys[0]


def test_a_service_that_stays_unreachable_is_one_error() -> None:
    """Refused twice: one LedgerUnavailable naming the reason, after a single retry."""
    script = Script([httpx.ConnectError("[Errno 111] Connection refused")] * 3)
    with script.client() as c, pytest.raises(LedgerUnavailable) as down:
        c.me()
    assert len(script.requests) == 2 and "connection refused" in str(down.value)
    assert not isinstance(down.value, LedgerTimeout)


def test_a_report_whose_connection_broke_is_not_sent_again() -> None:
    """A broken connection after the report was sent: the service may still compute it, so no re-send."""
    script = Script([httpx.RemoteProtocolError("Server disconnected"), httpx.Response(200, json=REPORT)])
    with script.client() as c, pytest.raises(LedgerUnavailable):
        c.evaluation_report()
    assert len(script.requests) == 1


def test_a_short_read_whose_connection_broke_is_sent_again() -> None:
    """A cheap idempotent read whose connection broke is retried once."""
    script = Script([httpx.RemoteProtocolError("Server disconnected"), httpx.Response(200, json={"user_id": "u"})])
    with script.client() as c:
        assert c.me() == {"user_id": "u"}
    assert len(script.requests) == 2


def test_a_503_is_retried_after_retry_after_with_the_same_key() -> None:
    """503 (the store unreachable, nothing done): the write goes again, same key, as Retry-After says."""
    script = Script([UNAVAILABLE, UNAVAILABLE, httpx.Response(201, json=WRITTEN)])
    with script.client() as c:
        assert c.record_intake("h-1", 2, ["finances"]).version == 3
    assert len(script.keys) == 3 and len(set(script.keys)) == 1


def test_a_503_that_lasts_becomes_one_typed_error() -> None:
    """Three retries, then the 503 itself as a ServerError."""
    script = Script([UNAVAILABLE] * 5)
    with script.client() as c, pytest.raises(ServerError) as failed:
        c.evaluation_report()
    assert failed.value.status == 503 and len(script.requests) == 4


def test_each_operation_waits_as_long_as_its_work_needs() -> None:
    """Defaults: a short connect time-out; reports and the audit's recomputation long, commands and reads short."""
    script = Script([httpx.Response(200, json=REPORT), httpx.Response(200, json={}),
                     httpx.Response(201, json=WRITTEN), httpx.Response(200, json={"user_id": "u"})])
    with script.client() as c:
        c.evaluation_report()
        c.verify()
        c.record_intake("h-1", 2, ["finances"])
        c.me()
    assert script.read_timeouts == [LONG_TIMEOUT, LONG_TIMEOUT, SHORT_TIMEOUT, SHORT_TIMEOUT]
    assert {r.extensions["timeout"]["connect"] for r in script.requests} == {CONNECT_TIMEOUT}
    assert LONG_TIMEOUT >= 600 > 10 and CONNECT_TIMEOUT <= 10


def test_a_client_and_a_call_set_their_own_time_out() -> None:
    """``timeout=`` on the client sets every read time-out; a call's own ``timeout=`` beats it."""
    script = Script([httpx.Response(200, json=REPORT), httpx.Response(200, json={"user_id": "u"}),
                     httpx.Response(200, json=REPORT), httpx.Response(200, text="<html>")])
    with script.client(timeout=42, connect_timeout=1.5) as c:
        c.evaluation_report()
        c.me()
        c.evaluation_report(timeout=7)
        c.evaluation_report_document("html", timeout=900)
    assert script.read_timeouts == [42, 42, 7, 900]
    assert {r.extensions["timeout"]["connect"] for r in script.requests} == {1.5}


def test_the_environment_sets_the_time_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """LEDGER_CLIENT_TIMEOUT (seconds) is the client's time-out when none is given; an explicit one wins."""
    monkeypatch.setenv(TIMEOUT_ENV, "99")
    script = Script([httpx.Response(200, json=REPORT), httpx.Response(200, json=REPORT)])
    with script.client() as c:
        c.evaluation_report()
    with script.client(timeout=5) as c:
        c.evaluation_report()
    assert script.read_timeouts == [99, 5]


@pytest.mark.parametrize("value", ["ten", "0", "-1", "nan", "inf"])
def test_a_time_out_that_is_not_seconds_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """A time-out must be a positive, finite number of seconds, named in the error."""
    monkeypatch.setenv(TIMEOUT_ENV, value)
    with pytest.raises(ValueError, match=TIMEOUT_ENV):
        LedgerClient("http://ledger.test", "ldg_x")
