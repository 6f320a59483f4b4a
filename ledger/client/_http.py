"""The client's transport: one request with its retries and time-outs, pages, keyed writes; the service and the user.

Time-outs: a short one to connect (``connect_timeout``, 5 s), and a read time-out per operation: commands and
reads wait 30 s (``SHORT_TIMEOUT``), reports and the audit's recomputation 10 minutes (``LONG_TIMEOUT``).
``timeout`` (or ``LEDGER_CLIENT_TIMEOUT``, seconds) sets the read time-out of every operation of one client;
each long call also takes its own ``timeout=``.

Retries: a request that never left this machine (connection refused, connect or pool time-out) is sent once
more. A request that reached the service is never re-sent while the service may still be working on it: a
read time-out raises :class:`LedgerTimeout` at once; a broken connection is retried only for a short read or a
keyed write (the service answers a keyed retry with the first answer, or 409 "in progress" while the first still
runs, and the client waits for it); a 503 (the store unreachable: nothing was done) is retried as Retry-After
says, a keyed write with its same Idempotency-Key.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator, Mapping
from typing import Any, Literal, Self

import httpx

from .errors import LedgerTimeout, LedgerUnavailable, error_from_response
from .values import Written, _clean, _plain, _seg

__all__ = ["CONNECT_TIMEOUT", "DEFAULT_PAGE_SIZE", "LONG_TIMEOUT", "SHORT_TIMEOUT", "TIMEOUT_ENV", "Http"]

PROBLEM_BASE = "https://ledger.example.org/problems/"
DEFAULT_PAGE_SIZE = 100
RETRY_PAUSE_SECONDS = 0.25
IN_PROGRESS_WAITS = 8  # after a retry, wait up to ~9 s for a first attempt that is still running
UNAVAILABLE_RETRIES = 3  # 503 (the store is unreachable, e.g. restarting): retry as Retry-After says
UNAVAILABLE_MAX_WAIT = 5.0
CONNECT_TIMEOUT = 5.0  # seconds to reach the service
SHORT_TIMEOUT = 30.0  # seconds to wait for the answer to a command or a read
LONG_TIMEOUT = 600.0  # seconds to wait for a report, a series or the audit's recomputation
TIMEOUT_ENV = "LEDGER_CLIENT_TIMEOUT"
# The request never left this machine: retrying cannot do anything twice.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class Http:
    """The transport every resource's requests share (:class:`ledger.client.LedgerClient` is built on it).

    ``purpose`` (coordination, service_delivery, evaluation, accountability) and
    ``on_behalf_of`` (a responsible user's id) go with every request and land in the
    access records. ``transport`` replaces httpx's (tests: a mock or a flaky one).
    ``timeout`` (seconds; default ``LEDGER_CLIENT_TIMEOUT``, else per operation) is the read time-out of
    every request; ``connect_timeout`` the time to reach the service.
    """

    def __init__(self, base_url: str, token: str, *, timeout: float | None = None,
                 connect_timeout: float = CONNECT_TIMEOUT, transport: httpx.BaseTransport | None = None,
                 purpose: str | None = None, on_behalf_of: str | None = None,
                 page_size: int = DEFAULT_PAGE_SIZE) -> None:
        self.base_url = base_url.rstrip("/")
        self.page_size = page_size
        self.timeout = _seconds(timeout, "timeout") if timeout is not None else _from_env()
        self.connect_timeout = _seconds(connect_timeout, "connect_timeout")
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json, application/problem+json"}
        if purpose:
            headers["Purpose"] = purpose
        if on_behalf_of:
            headers["On-Behalf-Of"] = on_behalf_of
        self._http = httpx.Client(base_url=self.base_url, headers=headers, transport=transport,
                                  timeout=self._timeout(None, long=False))

    def __repr__(self) -> str:  # never the token
        return f"LedgerClient({self.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _timeout(self, timeout: float | None, *, long: bool) -> httpx.Timeout:
        """The call's own read time-out, else the client's, else the operation's default."""
        read = _seconds(timeout, "timeout") if timeout is not None else self.timeout
        if read is None:
            read = LONG_TIMEOUT if long else SHORT_TIMEOUT
        return httpx.Timeout(read, connect=self.connect_timeout, pool=self.connect_timeout)

    def _request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                 body: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None,
                 retry: bool = True, long: bool = False, timeout: float | None = None) -> httpx.Response:
        """One request, with the retries the module docstring lists.

        ``retry``: the request is idempotent or keyed, so a broken connection may be retried once (never for a
        ``long`` operation, which the service may still be computing), and a 503 up to three times after its
        Retry-After. A read time-out is never retried: :class:`LedgerTimeout`.
        """
        content = None
        sent_headers = dict(headers or {})
        if body is not None:
            content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()  # the same bytes on a retry
            sent_headers["Content-Type"] = "application/json"
        query = {k: _plain(v) for k, v in (params or {}).items() if v is not None}
        keyed = "Idempotency-Key" in sent_headers
        limits = self._timeout(timeout, long=long)
        retried, waits, unavailable = False, 0, 0
        while True:
            try:
                response = self._http.request(method, "/v1" + path, params=query or None, content=content,
                                              headers=sent_headers, timeout=limits)
            except httpx.ReadTimeout:
                # The request reached the service, which may still be working on it: sending it again could
                # start the work twice. Say so, and leave the decision to the caller.
                raise LedgerTimeout(self.base_url, float(limits.read or 0), method) from None
            except httpx.TransportError as exc:
                if not retried and (isinstance(exc, _NOT_SENT) or (retry and not long)):
                    retried = True
                    time.sleep(RETRY_PAUSE_SECONDS)
                    continue
                raise LedgerUnavailable(self.base_url, _reason(exc)) from None
            if response.status_code == 503 and retry and unavailable < UNAVAILABLE_RETRIES:
                # Nothing was done (the service answers 503 only when the store is unreachable),
                # and a keyed write is safe to send again anyway.
                unavailable += 1
                time.sleep(_retry_after(response))
                continue
            if keyed and retried and waits < IN_PROGRESS_WAITS and _in_progress(response):
                # Our first attempt is still running on the service: wait for its stored answer.
                waits += 1
                time.sleep(RETRY_PAUSE_SECONDS * waits)
                continue
            break
        if response.status_code >= 400:
            raise error_from_response(response)
        return response

    def _get(self, path: str, **params: Any) -> Any:
        return self._request("GET", path, params=params).json()

    def _pages(self, path: str, params: Mapping[str, Any] | None = None, page_size: int | None = None,
               headers: Mapping[str, str] | None = None) -> Iterator[dict[str, Any]]:
        """Follow ``next`` cursors. The first page is fetched now, so a refusal raises at the call."""
        def fetch(cursor: str | None) -> dict[str, Any]:
            query = {**(params or {}), "limit": page_size or self.page_size, "cursor": cursor}
            return self._request("GET", path, params=query, headers=headers).json()

        def follow(page: dict[str, Any]) -> Iterator[dict[str, Any]]:
            while True:
                yield from page["items"]
                if not page.get("next"):
                    return
                page = fetch(page["next"])
        return follow(fetch(None))

    def _write(self, path: str, version: int | None, body: Mapping[str, Any], idempotency_key: str | None,
               method: Literal["POST", "PUT"] = "POST") -> Written:
        headers = {"Idempotency-Key": idempotency_key or str(uuid.uuid4())}
        if version is not None:
            headers["If-Match"] = f'"{int(version)}"'
        data = self._request(method, path, body=_clean(body), headers=headers, retry=True).json()
        return Written(str(data["household_id"]), int(data["version"]), int(data["position"]), data.get("item_id"),
                       bool(data.get("already_known", False)), data.get("consent"))

    def _command(self, household_id: str, path: str, version: int, idempotency_key: str | None,
                 method: Literal["POST", "PUT"] = "POST", **body: Any) -> Written:
        return self._write(f"/households/{_seg(household_id)}/{path}", version, body, idempotency_key, method)

    @staticmethod
    def _emergency(reason: str | None) -> dict[str, str]:
        """Break the glass. The reason travels in a header: non-ASCII text as an RFC 8187 ext-value."""
        if not reason:
            return {}
        if reason.isascii():
            return {"Emergency-Reason": reason}
        from urllib.parse import quote

        return {"Emergency-Reason": "UTF-8''" + quote(reason, safe="")}

    def health(self) -> dict[str, Any]:
        """Whether the service runs, its store and how far the views are (no case data)."""
        return self._get("/health")

    def me(self) -> dict[str, Any]:
        """Who the token belongs to: ``user_id``, ``organisation``, ``role``."""
        return self._get("/users/me")


def _seconds(value: float | str, name: str) -> float:
    """A positive number of seconds, or ValueError naming the setting."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number of seconds (got {value!r})") from None
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError(f"{name} must be a positive number of seconds (got {value!r})")
    return seconds


def _from_env() -> float | None:
    """``LEDGER_CLIENT_TIMEOUT`` (seconds), when set."""
    value = os.environ.get(TIMEOUT_ENV, "").strip()
    return _seconds(value, TIMEOUT_ENV) if value else None


def _retry_after(response: httpx.Response) -> float:
    """Seconds to wait before a retry: the Retry-After header (seconds), within bounds."""
    try:
        return min(max(float(response.headers.get("Retry-After", "1")), 0.1), UNAVAILABLE_MAX_WAIT)
    except ValueError:
        return 1.0


def _in_progress(response: httpx.Response) -> bool:
    """409 ``idempotency-in-progress``: a request with this key is still being processed."""
    if response.status_code != 409:
        return False
    try:
        return str(response.json().get("type", "")).endswith("/idempotency-in-progress")
    except (ValueError, AttributeError):
        return False


def _reason(exc: httpx.TransportError) -> str:
    """Why the connection failed, in words (httpx's text names the socket error, never a body)."""
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    text = str(exc).strip()
    if isinstance(exc, httpx.ConnectError):
        return "connection refused" if "refused" in text.lower() else (text or "cannot connect")
    return text or type(exc).__name__
