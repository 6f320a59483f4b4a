"""Caseloads across households: active households by phase, per case director or per organisation (a view)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from ledger.projections.knowledge import parse_known_at

from ..deps import CallerDep, read_side_of
from ..schemas import CaseloadRowOut
from .common import problem_responses

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.get("/caseloads", tags=["caseloads"], response_model=list[CaseloadRowOut], response_model_exclude_unset=True,
            responses=problem_responses(403, 503),
            summary="Active households by phase, per case director or per organisation")
def caseloads(request: Request, response: Response, who: CallerDep,
              as_of: Annotated[date | None, Query(alias="asOf", description="Business time: the day to count "
                                                  "(default today).")] = None,
              on: Annotated[date | None, Query(description="The same as asOf (its earlier name).")] = None,
              known_at: Annotated[str | None, Query(alias="knownAt", description="Knowledge time: a ledger position "
                                                    "or an RFC 3339 moment (default: everything recorded).")] = None,
              by: Annotated[Literal["director", "organisation"], Query(description="Group by.")] = "director",
              min_position: Annotated[int, Query(alias="minPosition", ge=0)] = 0) -> list[dict[str, Any]]:
    """Both times are named in the headers ``Ledger-As-Of`` and ``Ledger-Known-At`` (position; ``Ledger-Known-At-Time``)."""
    side = read_side_of(request)
    day = as_of or on or side.app.today()
    rows, knew = side.caseloads_known(who.actor, on=day, by=by, min_position=min_position,
                                      known_at=parse_known_at(known_at))
    response.headers["Ledger-As-Of"] = day.isoformat()
    response.headers["Ledger-Known-At"] = str(knew.position)
    if knew.at is not None:
        response.headers["Ledger-Known-At-Time"] = knew.at.isoformat()
    return rows
