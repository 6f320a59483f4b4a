"""Expected involvement flows for hand-computed report tables (issue 15)."""

from __future__ import annotations

from typing import Any

from ledger.aggregates.vocabulary import InvolvementEndReason


def flows(*, followed: int, engaged: int, **left: int) -> dict[str, Any]:
    """Newly engaged, left (by end reason, every code listed), in the follow-up at all; none already involved."""
    return {"followed": followed, "engaged": engaged, "left": sum(left.values()),
            "left_by_reason": {r.value: left.get(r.value, 0) for r in InvolvementEndReason}, "already_involved": 0}
