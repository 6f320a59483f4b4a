"""Writes, the service's health, the directory and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from ledger.privacy.policy import Role
from ledger.privacy.users import OrganisationKind

from ..codes import code
from .base import Out

__all__ = ["DigestOut", "HealthOut", "Me", "OrganisationOut", "OrganisationPage", "StalledViewOut", "VerificationOut",
           "WriteResult"]


class WriteResult(BaseModel):
    household_id: str
    version: int = Field(description="The household's new version (also in ETag).")
    position: int = Field(description="Where the write sits in the ledger (also in Ledger-Position).")
    item_id: str | None = Field(default=None, description="The id of the item the command created, if any.")


class ReferralResult(WriteResult):
    """A referral's answer: a new household (201), or a known one the referral was added to (200)."""

    already_known: bool = Field(
        default=False,
        description="True (status 200): a member's BSN names a household you may write; no household was made, "
                    "the referral's sources were added to it. False (201): a new household, also when the BSN "
                    "names a household you have no relationship with (nothing about it is revealed).")


class StalledViewOut(Out):
    position: int = Field(description="The event the view cannot apply.")
    error_type: str = Field(description="The error's class name (never its message).")
    attempts: int


class HealthOut(Out):
    """The service runs; no case data."""

    status: Literal["ok"]
    version: str = Field(description="The service's release.")
    store: Literal["postgresql", "sqlite"]
    ledger_position: int
    views_position: int
    stalled_views: dict[str, StalledViewOut] = Field(description="By view name; empty when none is stalled.")


class Me(BaseModel):
    user_id: str
    organisation: str
    role: Annotated[str, code(Role, every=True)]


class OrganisationOut(BaseModel):
    id: str
    name: str
    kind: Annotated[str, code(OrganisationKind, every=True)]


class OrganisationPage(BaseModel):
    items: list[OrganisationOut]
    next: str | None = Field(description="Cursor for the next page; null on the last page.")


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
