"""The own network (eco-map) at the intake and on the report date (issue 15): own strength and social network.

Its own section, not part of ``involvement``: that section counts the households a case director
worked with and the professionals and volunteers around them, this one the household's own people, over
the households whose intake recorded a network (docs/evaluation.md, "Own network").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .disclosure import Count, Over

__all__ = ["network"]


def _side(contacts: int, supportive: int, n: Count) -> dict[str, Any]:
    return {
        "contacts": Count(contacts),
        "supportive": Count(supportive),
        "contacts_per_household": Over(round(contacts / n, 2) if n else None, n),
        "supportive_per_household": Over(round(supportive / n, 2) if n else None, n),
    }


def network(referrals: Sequence[Any], records: Sequence[Any]) -> dict[str, Any]:
    """At intake: the intake's network; on the report date: the latest record dated up to it, else the intake's.

    ``referrals`` and ``records`` are masked to the report's two times already; the latest record is the one
    with the latest ``on`` (on one day, the later recorded).
    """
    at_intake = {r.household_id: (r.network_contacts, r.network_supportive) for r in referrals
                 if r.intake_on is not None and r.network_contacts}
    latest: dict[str, Any] = {}
    for x in records:
        best = latest.get(x.household_id)
        if x.household_id in at_intake and (best is None or (x.business_on, x.position) > (best.business_on,
                                                                                            best.position)):
            latest[x.household_id] = x
    now = {h: (latest[h].contacts, latest[h].supportive) if h in latest else v for h, v in at_intake.items()}
    n = Count(len(at_intake))
    steps = [(now[h][1] > v[1]) - (now[h][1] < v[1]) for h, v in at_intake.items()]
    return {
        "households": n,
        "recorded_again": Count(len(latest)),
        "at_intake": _side(sum(c for c, _ in at_intake.values()), sum(s for _, s in at_intake.values()), n),
        "at_report_date": _side(sum(c for c, _ in now.values()), sum(s for _, s in now.values()), n),
        "supportive_rose": Count(steps.count(1)),
        "supportive_same": Count(steps.count(0)),
        "supportive_fell": Count(steps.count(-1)),
    }
