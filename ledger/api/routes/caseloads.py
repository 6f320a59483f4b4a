"""Caseloads across households: active households by phase, per case director or per organisation (a view)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from ..deps import CallerDep, read_side_of
from ..schemas import CaseloadRowOut
from .common import problem_responses

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.get("/caseloads", tags=["caseloads"], response_model=list[CaseloadRowOut], response_model_exclude_unset=True,
            responses=problem_responses(403, 503),
            summary="Active households by phase, per case director or per organisation")
def caseloads(request: Request, who: CallerDep,
              on: Annotated[date | None, Query(description="The day to count (default today).")] = None,
              by: Annotated[Literal["director", "organisation"], Query(description="Group by.")] = "director",
              min_position: Annotated[int, Query(alias="minPosition", ge=0)] = 0) -> list[dict[str, Any]]:
    return read_side_of(request).caseloads(who.actor, on=on, by=by, min_position=min_position)
