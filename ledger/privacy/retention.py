"""The deployment's retention rules: the defaults, or a TOML file that replaces them.

The file (``LEDGER_RETENTION_FILE``) lists every rule in force; it replaces the
defaults rather than adding to them, so what the file says is all that applies::

    [[rule]]
    kind = "youth_care"
    categories = ["parenting"]
    years = 20
    law = "Jeugdwet art. 7.3.8"
    yields_to_request = true        # Jeugdwet art. 7.3.9
    source = "https://wetten.overheid.nl/BWBR0034925"

    [[rule]]
    kind = "debt_help"
    categories = ["finances"]
    years = 7
    law = "Selectielijst gemeenten, categorie ..."   # the municipality's own

A file that cannot be read or does not validate stops the service at start-up
with one line saying which rule and field are wrong: an unreadable retention
policy must never silently mean "no retention".
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ledger.aggregates.retention import DEFAULT_RULES, RetentionRule
from ledger.aggregates.vocabulary import DataCategory

__all__ = ["DEFAULT_RULES", "RetentionConfigError", "load_rules"]


class RetentionConfigError(ValueError):
    """The retention file is missing, not TOML, or a rule in it is invalid."""


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = Field(min_length=1)
    categories: list[DataCategory] = Field(min_length=1)
    years: int = Field(ge=0, le=200)
    law: str = Field(min_length=1)
    yields_to_request: bool = False
    source: str = ""


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule: list[_Rule] = Field(default_factory=list)


def load_rules(path: Path | None) -> tuple[RetentionRule, ...]:
    """The rules in force: the defaults without a file, else exactly the file's rules."""
    if path is None:
        return DEFAULT_RULES
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RetentionConfigError(f"retention file {path}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise RetentionConfigError(f"retention file {path}: not valid TOML ({exc})") from None
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RetentionConfigError(f"retention file {path}: {where}: {first['msg']}") from None
    kinds = [r.kind for r in parsed.rule]
    if len(set(kinds)) != len(kinds):
        raise RetentionConfigError(f"retention file {path}: each rule needs its own kind")
    return tuple(
        RetentionRule(
            kind=r.kind,
            categories=frozenset(r.categories),
            years=r.years,
            law=r.law.strip(),
            yields_to_request=r.yields_to_request,
            source=r.source,
        )
        for r in parsed.rule
    )
