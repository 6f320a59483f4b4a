"""What the client raises: one problem+json answer becomes a :class:`LedgerApiError` subclass by status.

LedgerError
  LedgerUnavailable       the service could not be reached
    LedgerTimeout         the service did not answer in time (and may still be working: not re-sent)
  LedgerApiError          the service refused (RFC 9457)
    InvalidRequest 400, Unauthenticated 401, Forbidden 403, NotFound 404, Conflict 409,
    PreconditionFailed 412, RuleViolation 422, PreconditionRequired 428, ServerError 5xx
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

__all__ = ["Conflict", "Forbidden", "InvalidRequest", "LedgerApiError", "LedgerError", "LedgerTimeout", "LedgerUnavailable",
           "NotFound",
           "PreconditionFailed", "PreconditionRequired", "RuleViolation", "ServerError", "Unauthenticated",
           "error_from_response"]


class LedgerError(Exception):
    """Anything the client raises."""


class LedgerUnavailable(LedgerError):
    """The service could not be reached (or the connection broke twice)."""

    def __init__(self, base_url: str, reason: str) -> None:
        super().__init__(f"cannot reach the ledger at {base_url}: {reason}")
        self.base_url, self.reason = base_url, reason


class LedgerTimeout(LedgerUnavailable):
    """No answer within the read time-out. The request reached the service, which may still be working on it,
    so the client did not send it again (that could start the work twice)."""

    def __init__(self, base_url: str, seconds: float, method: str = "GET") -> None:
        super().__init__(base_url, (
            f"no answer to the {method} request within {seconds:g} s; the request reached the service, which may "
            "still be computing it, so it was not sent again. Wait with a longer time-out (timeout=, --timeout SECONDS "
            "or LEDGER_CLIENT_TIMEOUT); an identical request joins the computation still running"))
        self.seconds, self.method = seconds, method


class LedgerApiError(LedgerError):
    """The service refused: one problem+json answer (RFC 9457).

    ``type`` is the problem type URI, ``code`` its last part (e.g. ``intake_already_held``);
    ``invalid_params`` lists ``{"name", "code", "reason"}`` per offending field (400 only).
    """

    def __init__(self, status: int, type: str, title: str, detail: str,  # noqa: A002 - RFC 9457's name
                 invalid_params: Sequence[Mapping[str, Any]] = ()) -> None:
        self.status, self.type, self.title, self.detail = status, type, title, detail
        self.invalid_params = [dict(p) for p in invalid_params]
        super().__init__(self.message)

    @property
    def code(self) -> str:
        return self.type.rsplit("/", 1)[-1] if self.type else ""

    @property
    def message(self) -> str:
        """One line: title, detail, and which fields were invalid."""
        text = f"{self.title}: {self.detail}" if self.detail else self.title
        if self.invalid_params:
            fields = "; ".join(f"{p.get('name', '?')}: {p.get('reason', 'invalid')}" for p in self.invalid_params)
            text = f"{text} ({fields})"
        return " ".join(text.split())

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, type={self.type!r}, title={self.title!r})"


class InvalidRequest(LedgerApiError):
    """400: the request does not match the API description, or an input is invalid."""


class Unauthenticated(LedgerApiError):
    """401: no token, or an unknown or disabled one."""


class Forbidden(LedgerApiError):
    """403: the access policy refused (the attempt is access-recorded)."""


class NotFound(LedgerApiError):
    """404: no such household, item or route."""


class Conflict(LedgerApiError):
    """409: a request with this Idempotency-Key is still running."""


class PreconditionFailed(LedgerApiError):
    """412: the household is at another version than the one you named; reload it."""


class RuleViolation(LedgerApiError):
    """422: a rule of the case refused the command (or an Idempotency-Key was reused for another request)."""


class PreconditionRequired(LedgerApiError):
    """428: a write to a household without If-Match."""


class ServerError(LedgerApiError):
    """5xx: the service failed; it shows nothing more, to protect case data."""


_BY_STATUS: dict[int, type[LedgerApiError]] = {
    400: InvalidRequest, 401: Unauthenticated, 403: Forbidden, 404: NotFound, 409: Conflict,
    412: PreconditionFailed, 422: RuleViolation, 428: PreconditionRequired,
}


def error_from_response(response: httpx.Response) -> LedgerApiError:
    """The typed error for a 4xx/5xx answer. Reads the problem body only, never the request."""
    status = response.status_code
    problem: dict[str, Any] = {}
    if "json" in response.headers.get("content-type", ""):
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            problem = body
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else LedgerApiError)
    title = str(problem.get("title") or response.reason_phrase or f"HTTP {status}")
    detail = str(problem.get("detail") or ("" if problem else f"the service answered HTTP {status}"))
    params = problem.get("invalidParams") or problem.get("invalid_params") or []
    if not isinstance(params, list):
        params = []
    return cls(status, str(problem.get("type") or "about:blank"), title, detail,
               [p for p in params if isinstance(p, dict)])
