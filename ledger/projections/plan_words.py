"""The plan in the household's own words: texts and names joined onto the plan view's rows at read time.

The plan view (:mod:`.current_plan`) holds ids, codes and dates only. A reader the policy allowed
(the read is decided and recorded first, :class:`~ledger.projections.read_side.ReadSide`) gets
each goal's and action's description from the household aggregate (sealed in the ledger, opened
for this read only), the performing organisation's registered name from the organisation
register, and the worker who acts for it (the worker of the household's involvement with that
organisation, where one is recorded) with the display name from the user directory. Nothing
joined here is written anywhere: the views keep holding no personal data.

An erased household's texts read ``None`` (its key is gone); the register's names are not the
household's data and stay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ledger.aggregates import Household, Personal

__all__ = ["Names", "in_words"]


def _none(_: str) -> str | None:
    return None


@dataclass
class Names:
    """Name look-ups for ids: ``organisation`` (the register's name), ``user`` (the directory's display name).

    Each answers ``None`` for an id it does not know; answers are kept for the one read this serves.
    """

    organisation: Callable[[str], str | None] = _none
    user: Callable[[str], str | None] = _none
    _seen: dict[tuple[str, str], str | None] = field(default_factory=dict, repr=False)

    def of_organisation(self, org_id: str | None) -> str | None:
        return None if org_id is None else self._cached("organisation", org_id, self.organisation)

    def of_user(self, user_id: str | None) -> str | None:
        return None if user_id is None else self._cached("user", user_id, self.user)

    def _cached(self, kind: str, key: str, look_up: Callable[[str], str | None]) -> str | None:
        if (kind, key) not in self._seen:
            self._seen[(kind, key)] = look_up(key)
        return self._seen[(kind, key)]

    def fresh(self) -> Names:
        """The same look-ups with nothing kept (one per read: a name registered since is seen)."""
        return Names(self.organisation, self.user)


def _text(value: Any) -> str | None:
    return value.value if isinstance(value, Personal) else None


def _workers(household: Household) -> dict[str, str]:
    """Per organisation, the worker of its involvement: the active one started first, else the one that ended last."""
    best: dict[str, tuple[tuple[int, int, str], str]] = {}
    for inv in household.involvements.values():
        if inv.worker_id is None:
            continue
        rank = ((1, -inv.started_on.toordinal(), inv.involvement_id) if inv.ended_on is None
                else (0, inv.ended_on.toordinal(), inv.involvement_id))
        if inv.organisation not in best or rank > best[inv.organisation][0]:
            best[inv.organisation] = (rank, inv.worker_id)
    return {org: worker for org, (_, worker) in best.items()}


def in_words(plan: dict[str, Any], household: Household, names: Names) -> dict[str, Any]:
    """``plan`` (the view's answer) with texts and names on its goals, actions and director (a new dict)."""
    names = names.fresh()
    goals, actions = household.goals, household.actions
    workers = _workers(household)
    out = dict(plan)
    director = plan.get("director")
    if director is not None:
        out["director"] = {**director, "name": names.of_user(director["user_id"]),
                           "organisation_name": names.of_organisation(director["organisation"])}
    out["goals"] = [
        {**g, "description": _text(goals[g["goal_id"]].description) if g["goal_id"] in goals else None}
        for g in plan["goals"]
    ]
    rows = []
    for a in plan["actions"]:
        action = actions.get(a["action_id"])
        org = a.get("performer_organisation")
        worker = workers.get(org) if org is not None and a.get("performer_kind") == "professional" else None
        rows.append({
            **a, "description": None if action is None else _text(action.description),
            "performer_organisation_name": names.of_organisation(org),
            "worker_id": worker, "worker_name": names.of_user(worker),
        })
    out["actions"] = rows
    return out
