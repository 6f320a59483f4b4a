"""Distinct test-range BSNs (valid by the elfproef) for tests that refer many households.

Since issue 15 a member's BSN names a known household: a second referral with the same BSN by
someone related to the first household adds a referral there instead of making a household. Tests
that mean separate households give each its own BSN from here.
"""

from __future__ import annotations

import itertools
import threading

from ledger.aggregates import is_valid_bsn

_POOL = itertools.cycle([str(n) for n in range(999_990_000, 1_000_000_000) if is_valid_bsn(str(n))])
_LOCK = threading.Lock()


def fresh_bsn() -> str:
    """The next test BSN (about 900, then round again: one store never refers that many in a test)."""
    with _LOCK:
        return next(_POOL)
