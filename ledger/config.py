"""Settings: every knob, from the environment, in one place."""

from __future__ import annotations

import getpass
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


def _default_operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"


class Settings(BaseSettings):
    """``LEDGER_*`` environment variables.

    With no ``LEDGER_DATABASE_URL`` the ledger runs on the embedded default: SQLite
    files and the master-key file in ``LEDGER_DATA_DIR``, created on first run.
    """

    model_config = SettingsConfigDict(env_prefix="LEDGER_", extra="ignore")

    data_dir: Path = Path("./ledger-data")
    database_url: str | None = Field(default=None, description="postgresql://user:password@host:port/db")
    master_key: SecretStr | None = Field(default=None, description="base64 of 32 random bytes")
    old_master_keys: SecretStr | None = Field(
        default=None, description="comma-separated base64 master keys that still unwrap keys during a rotation")
    index_key: SecretStr | None = Field(
        default=None, description="base64 of 32 random bytes: the key of the BSN blind index (not the master key)")
    signing_key: SecretStr | None = Field(default=None, description="base64 Ed25519 private key for digests")
    trusted_digest_keys: str | None = Field(
        default=None, description="Retired digest public keys (base64, comma separated) still trusted by "
                                  "`audit verify`; also read from <data_dir>/trusted-keys, one per line",
    )
    digest_dir: Path | None = Field(
        default=None, description="Where signed digests are kept, outside the database (default <data_dir>/digests)",
    )
    operator: str = Field(default_factory=_default_operator)
    organisation: str = Field(
        default="municipality",
        description="Id (a code, e.g. gemeente-testdorp) of the municipality that runs this ledger: the controller",
    )
    timezone: str = "Europe/Amsterdam"
    snapshot_interval: int = Field(default=50, ge=2)
    key_cache_seconds: float = Field(default=5.0, ge=0)  # within one read only (ledger/privacy/keys.py)
    key_lock_timeout: float = Field(default=5.0, gt=0, description="seconds a key-store write waits for a lock")
    retention_file: Path | None = Field(
        default=None, description="TOML file of retention rules; replaces the defaults (docs/architecture.md)"
    )
    projections: Literal["in_service", "external"] = Field(
        default="in_service",
        description="in_service: the HTTP service follows the ledger itself; external: `ledger projections run` does",
    )
    report_min_cell: int = Field(
        default=5, ge=1, le=1000,
        description="Smallest cell the evaluation report shows; a request may only raise it. 1 switches disclosure "
                    "control off for the whole deployment (internal analysis only; docs/evaluation.md)",
    )
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    idempotency_lease_seconds: float = Field(
        default=30.0, gt=0,
        description="After this long, an Idempotency-Key whose first request never finished (a crash) is abandoned",
    )
    catch_up_log_seconds: float = Field(
        default=5.0, gt=0, le=3600,
        description="At most this long between two log lines of the service's start-up catch-up of the views",
    )
    test_slow_read_seconds: float = Field(
        default=0.0, ge=0, le=600,
        description="Tests only: every shared long read (the evaluation report) waits this long before it computes, "
                    "so a test can outlast a client's time-out. 0 (off) by default; the environment alone sets it",
    )

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        if not v.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            raise ValueError("LEDGER_DATABASE_URL must be a postgresql:// URL (leave it unset for SQLite)")
        return v

    @field_validator("organisation")
    @classmethod
    def _organisation_code(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?", v):  # as ledger.privacy.users.ORG_ID
            raise ValueError("LEDGER_ORGANISATION is an organisation id: lower-case letters, digits and hyphens "
                             "(e.g. gemeente-testdorp)")
        return v

    @field_validator("master_key", "index_key")
    @classmethod
    def _no_placeholder(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and v.get_secret_value().strip().lower() in {"", "changeme", "change-me", "secret"}:
            raise ValueError("the key is a placeholder; generate one with `ledger keys generate`")
        return v

    @property
    def digest_directory(self) -> Path:
        return self.digest_dir if self.digest_dir is not None else self.data_dir / "digests"

    @property
    def uses_postgres(self) -> bool:
        return self.database_url is not None
