"""Across households: caseloads, the access log, the audit trail, reports, and who I am."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ledger import reports
from ledger.privacy.chain import ChainBrokenError
from ledger.views import plain

from ledger.privacy.users import AlreadyRegisteredError, UserError

from .deps import CallerDep, ledger_of, read_side_of
from .problems import ApiProblem
from .households import IdempotencyKey, _errors, _idempotent, decode_cursor, records_page

router = APIRouter(prefix="/v1")

Cursor = Annotated[str | None, Query(alias="cursor", max_length=200, description="From the previous page's `next`.")]
Limit = Annotated[int, Query(alias="limit", ge=1, le=1000, description="Page size.")]


class Me(BaseModel):
    user_id: str
    organisation: str
    role: str


class OrganisationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(max_length=40, description="A code: lower-case letters, digits and hyphens (e.g. ggz-noord).")
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["municipality", "partner"] = "partner"


class OrganisationOut(BaseModel):
    id: str
    name: str
    kind: str


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verdict: Literal["justified", "unjustified"]


class DigestOut(BaseModel):
    position: int
    head: str
    signed_at: datetime
    public_key: str
    signature: str
    key_id: str


class VerificationOut(BaseModel):
    ok: bool
    checked: int
    head_position: int
    first_bad_position: int | None = None
    problem: str | None = None
    problems: list[str] = Field(default_factory=list, description="Every failed check (chain, directory, "
                                                                  "snapshots, views)")
    bad_snapshots: int = 0
    missing_keys: int = Field(0, description="Live households without a data key: tampering, not an erasure.")
    finished_erasures: int = Field(0, description="Erasures left unfinished that this verification finished.")
    key_rotation_due: bool = Field(False, description="An erasure since the last master-key rotation: WAL, standbys "
                                                      "and backups can still undo it (docs/architecture.md).")
    digest_position: int | None = Field(default=None, description="The kept digest the chain was checked against")


@router.get("/users/me", response_model=Me, tags=["users"], summary="Who the token belongs to")
def me(who: CallerDep) -> Me:
    return Me(user_id=who.actor.user_id, organisation=who.actor.organisation, role=who.actor.role)


@router.get("/organisations", tags=["organisations"], response_model=list[OrganisationOut],
            summary="The organisation register (any signed-in user)")
def organisations(request: Request, who: CallerDep) -> list[OrganisationOut]:
    return [OrganisationOut(id=o.org_id, name=o.name, kind=o.kind.value)
            for o in ledger_of(request).users.organisations()]


@router.post("/organisations", tags=["organisations"], status_code=201, response_model=OrganisationOut,
             responses=_errors(400, 403, 409, 422), summary="Register an organisation (administrator; recorded)")
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
    return await _idempotent(request, idempotency_key, who.user_id, run)


@router.get("/caseloads", tags=["caseloads"], response_model=list[dict[str, Any]], responses=_errors(403, 503),
            summary="Active households by phase, per case director or per organisation")
def caseloads(request: Request, who: CallerDep,
              on: Annotated[date | None, Query(description="The day to count (default today).")] = None,
              by: Annotated[Literal["director", "organisation"], Query(description="Group by.")] = "director",
              min_position: Annotated[int, Query(alias="minPosition", ge=0)] = 0) -> list[dict[str, Any]]:
    return plain(read_side_of(request).caseloads(who.actor, on=on, by=by, min_position=min_position))


@router.get("/access-log", tags=["privacy"], response_model=dict[str, Any], responses=_errors(403, 503),
            summary="Access records (privacy officer): by household, user, day, data category, period; emergencies")
def access_log(
    request: Request, who: CallerDep, cursor: Cursor = None, limit: Limit = 100,
    household_id: Annotated[str | None, Query(alias="householdId", max_length=64)] = None,
    user_id: Annotated[str | None, Query(alias="userId", max_length=128)] = None,
    day: Annotated[date | None, Query()] = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    since: Annotated[datetime | None, Query(description="From this moment (with a time zone).")] = None,
    until: Annotated[datetime | None, Query(description="Up to this moment (with a time zone).")] = None,
    awaiting_review: Annotated[bool, Query(alias="awaitingReview",
                                           description="Only emergency accesses not reviewed yet.")] = False,
) -> dict[str, Any]:
    side = read_side_of(request)
    if awaiting_review:
        return {"items": plain(side.emergencies_awaiting_review(who.actor)), "next": None}
    rows = side.access_records(who.actor, household_id=household_id, user_id=user_id, day=day, category=category,
                               since=since, until=until, after=decode_cursor(cursor), limit=limit + 1)
    return records_page(rows, limit)


@router.post("/access-log/{recordId}/review", tags=["privacy"], status_code=201, response_model=dict[str, str],
             responses=_errors(403, 404, 409, 422),
             summary="The privacy officer's verdict on an emergency access")
async def review(request: Request, who: CallerDep, record_id: Annotated[str, Path(alias="recordId", max_length=64)],
                 body: Annotated[ReviewIn, Body()], idempotency_key: IdempotencyKey = None) -> Response:
    def run() -> Response:
        ledger_of(request).app.review_emergency(who.actor, record_id, body.verdict)
        return JSONResponse({"record_id": record_id, "verdict": body.verdict}, status_code=201)
    return await _idempotent(request, idempotency_key, who.user_id, run)


@router.get("/audit/digest", tags=["audit"], response_model=DigestOut, responses=_errors(403, 409),
            summary="A signed digest of the ledger's hash chain (privacy officer)")
def digest(request: Request, who: CallerDep) -> DigestOut:
    try:
        d = ledger_of(request).audit.digest(who.actor)  # recorded, checked since the last kept digest, then kept
    except ChainBrokenError as e:
        raise ApiProblem(409, "chain-broken", "The chain does not verify", f"No digest signed: {e}") from None
    return DigestOut(**d.__dict__)


@router.post("/audit/verification", tags=["audit"], response_model=VerificationOut, responses=_errors(403),
             summary="Recompute the hash chain, check snapshots and the key store (privacy officer)")
def verification(request: Request, who: CallerDep) -> VerificationOut:
    report = ledger_of(request).audit.verify(who.actor, read_side_of(request).runner)  # recorded first
    return VerificationOut(ok=report.ok, checked=report.checked, head_position=report.head_position,
                           first_bad_position=report.first_bad_position,
                           problem=report.problems[0] if report.problems else None, problems=report.problems,
                           bad_snapshots=report.bad_snapshots,
                           digest_position=report.digest.position if report.digest else None,
                           missing_keys=report.missing_keys, finished_erasures=report.finished_erasures,
                           key_rotation_due=report.key_rotation_due)


class EvaluationReportOut(BaseModel):
    """The evaluation report (docs/evaluation.md defines every figure): pseudonymous aggregates only.

    Disclosure control (docs/evaluation.md): counts from 1 to N-1, and figures over fewer than N
    households or items, read ``"<N"``; cells withheld so that those cannot be worked out read
    ``"x"``. N is the service's minimum (``LEDGER_REPORT_MIN_CELL``, default 5) or ``minCell``,
    whichever is larger; the as-of date is the end of the last month that is over and the period
    is widened to blocks of whole months holding at least N referrals.
    """

    model_config = ConfigDict(extra="allow")
    period: dict[str, Any] = Field(description="Referral dates counted: `from` (null: from the start) to `to`, "
                                               "widened to whole blocks of months under disclosure control.")
    as_of: date = Field(description="The report date: the ledger replayed up to the end of this day (under "
                                    "disclosure control the end of the last month that is over).")
    min_cell: int = Field(description="The minimum cell size applied (1: the deployment switched disclosure "
                                      "control off).")
    requested: dict[str, Any] = Field(description="What was asked (`from`, `to`, `as_of`, `min_cell`; null: not "
                                                  "given), beside the period and as-of date reported.")
    ledger: dict[str, Any] = Field(description="The signed digest the figures rest on (position, head, signed_at, "
                                               "public_key, signature), the as-of moment and the last position "
                                               "included.")
    basis: dict[str, Any] = Field(description="How many households and events the figures rest on.")
    referrals: dict[str, Any]
    composition: dict[str, Any]
    coordination: dict[str, Any]
    phases: dict[str, Any]
    zrm: dict[str, Any]
    involvement: dict[str, Any]
    plan_actions: dict[str, Any]
    lead_times: dict[str, Any]
    caseloads: dict[str, Any]
    costs: dict[str, Any]


_REPORT_MEDIA = {"text/html": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}}}


@router.get("/reports/evaluation", tags=["reports"], response_model=EvaluationReportOut,
            responses={200: {"description": "The report: JSON (default), a self-contained HTML page, or CSV.",
                             "content": _REPORT_MEDIA}, **_errors(403, 422)},
            summary="The evaluation report, replayed from the ledger as of any date (pseudonymous aggregates)")
def evaluation_report(
    request: Request, who: CallerDep,
    from_: Annotated[date | None, Query(alias="from", description="First referral date counted (default: all).")
                     ] = None,
    to: Annotated[date | None, Query(description="Last referral date counted (default: the as-of date).")] = None,
    as_of: Annotated[date | None, Query(alias="asOf", description="Report as of the end of this day (default today).")
                     ] = None,
    format_: Annotated[Literal["json", "html", "csv"], Query(alias="format", description="json, html or csv.")
                       ] = "json",
    lang: Annotated[Literal["nl", "en"], Query(description="Labels in html and csv: Dutch (default) or English.")
                    ] = "nl",
    min_cell: Annotated[int | None, Query(alias="minCell", ge=1, le=1000,
                                          description="Raise the minimum cell size; a value below the service's "
                                                      "minimum (default 5) is ignored.")] = None,
) -> Any:
    report = reports.evaluation_report(ledger_of(request), who.actor, from_=from_, to=to, as_of=as_of,
                                       min_cell=min_cell)
    name = f"evaluation-{report['as_of']}"
    if format_ == "html":
        return Response(reports.render_html(report, lang), media_type="text/html; charset=utf-8",
                        headers={"Content-Disposition": f'inline; filename="{name}.html"'})
    if format_ == "csv":
        return Response(reports.render_csv(report, lang), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    return report
