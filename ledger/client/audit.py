"""The service's tamper evidence: a signed digest of its hash chain, and its verification."""

from __future__ import annotations

from typing import Any

from ._http import Http

__all__ = ["AuditRequests"]


class AuditRequests(Http):
    """``/audit``: the chain's digest and a verification run on the service."""

    def digest(self, *, timeout: float | None = None) -> dict[str, Any]:
        """A signed digest of the ledger's hash chain (position, head, signed_at, public_key, signature).

        It checks the chain since the last digest first: a long operation (``timeout``, default 10 minutes).
        """
        return self._request("GET", "/audit/digest", long=True, timeout=timeout).json()

    def verify(self, *, timeout: float | None = None) -> dict[str, Any]:
        """Recompute the hash chain on the service (``ok``, ``checked``, ``first_bad_position``, ...); long, too."""
        return self._request("POST", "/audit/verification", long=True, timeout=timeout).json()
