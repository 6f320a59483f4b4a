"""The directory: who the token belongs to, and the organisation register."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ledger.privacy.users import AlreadyRegisteredError, OrganisationKind, UserError

from ..codes import code
from ..deps import CallerDep, ledger_of
from ..problems import ApiProblem
from ..schemas import Me, OrganisationOut, OrganisationPage
from .common import Cursor, IdempotencyKey, Limit, decode_name_cursor, encode_name_cursor, idempotent, problem_responses

__all__ = ["OrganisationIn", "router"]

router = APIRouter(prefix="/v1")


class OrganisationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(max_length=40, description="A code: lower-case letters, digits and hyphens (e.g. ggz-noord).")
    name: str = Field(min_length=1, max_length=200)
    kind: Annotated[str, code(OrganisationKind, check=True)] = OrganisationKind.PARTNER


@router.get("/users/me", response_model=Me, tags=["users"], summary="Who the token belongs to")
def me(who: CallerDep) -> Me:
    return Me(user_id=who.actor.user_id, organisation=who.actor.organisation, role=who.actor.role)


@router.get("/organisations", tags=["organisations"], response_model=OrganisationPage,
            summary="The organisation register (any signed-in user)",
            description="By id, keyset-paged (`next` is an opaque cursor for the next page; null on the last).")
def organisations(request: Request, who: CallerDep, cursor: Cursor = None, limit: Limit = 100) -> OrganisationPage:
    found = ledger_of(request).users.organisations(after=decode_name_cursor(request, cursor, "organisations"),
                                                   limit=limit + 1)
    page = found[:limit]
    return OrganisationPage(items=[OrganisationOut(id=o.org_id, name=o.name, kind=o.kind.value) for o in page],
                            next=encode_name_cursor(request, page[-1].org_id, "organisations")
                            if len(found) > limit else None)


@router.post("/organisations", tags=["organisations"], status_code=201, response_model=OrganisationOut,
             responses=problem_responses(400, 403, 409, 422), summary="Register an organisation (administrator; recorded)")
async def add_organisation(request: Request, who: CallerDep, body: Annotated[OrganisationIn, Body()],
                           idempotency_key: IdempotencyKey = None) -> Response:
    def run() -> Response:
        try:
            org = ledger_of(request).users.add_organisation(body.id, body.name, body.kind, by=who.actor)
        except AlreadyRegisteredError as e:
            raise ApiProblem(409, "organisation-exists", "Already registered", str(e)) from None
        except UserError as e:
            raise ApiProblem(400, "invalid-organisation", "Invalid organisation", str(e)) from None
        return JSONResponse(OrganisationOut(id=org.org_id, name=org.name, kind=org.kind.value).model_dump(),
                            status_code=201, headers={"Location": f"/v1/organisations/{org.org_id}"})
    return await idempotent(request, idempotency_key, who.user_id, run)
