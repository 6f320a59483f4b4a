"""Audit: a signed digest of the ledger's hash chain, and the full verification (privacy officer)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ledger.privacy.chain import ChainBrokenError

from ..deps import CallerDep, ledger_of, read_side_of
from ..problems import ApiProblem
from ..schemas import DigestOut, VerificationOut
from .common import problem_responses

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.get("/audit/digest", tags=["audit"], response_model=DigestOut, responses=problem_responses(403, 409),
            summary="A signed digest of the ledger's hash chain (privacy officer)")
def digest(request: Request, who: CallerDep) -> DigestOut:
    try:
        d = ledger_of(request).audit.digest(who.actor)  # recorded, checked since the last kept digest, then kept
    except ChainBrokenError as e:
        raise ApiProblem(409, "chain-broken", "The chain does not verify", f"No digest signed: {e}") from None
    return DigestOut(**d.__dict__)


@router.post("/audit/verification", tags=["audit"], response_model=VerificationOut, responses=problem_responses(403),
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
