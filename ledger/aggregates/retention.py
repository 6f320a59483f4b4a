"""Retention rules per data kind: which laws keep a closed case file, and for how long.

A rule says: when a household's file holds data of these categories, the law
named keeps it for ``years`` after the case was closed. Periods in Dutch law run
from the last change of the file (Jeugdwet art. 7.3.8, BW 7:454(3) since
1 January 2020); erasure needs a closed case, and the last substantive change
of a closed case's file is its closure, so the period runs from the closure day.

Both default laws give the client a right to have the file destroyed on
request before the period ends (Jeugdwet art. 7.3.9, BW 7:455), unless keeping
it is of substantial interest to someone else or another law forbids it. So a
default rule blocks routine destruction (``retention_expired``) but yields to a
data-subject request; the privacy officer records a third party's interest or
a forbidding law as an explicit retention hold, which blocks every erasure.

A municipality sets its own rules in a TOML file (``LEDGER_RETENTION_FILE``,
read by :mod:`ledger.privacy.retention`); ``docs/architecture.md`` lists the
defaults with their sources. The Wmo 2015, the Participatiewet and the Wgs set
no period themselves: the municipality's selectielijst under the Archiefwet
1995 does, so those rules belong in that file rather than in code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from .dates import add_years
from .vocabulary import LIFE_DOMAIN_CATEGORY, DataCategory, LifeDomain

if TYPE_CHECKING:
    from .household import Household

__all__ = [
    "DATA_SUBJECT_REQUEST", "DEFAULT_RULES", "RetentionRule", "StatutoryHold", "recorded_categories", "statutory_holds",
]

DATA_SUBJECT_REQUEST = "data_subject_request"


@dataclass(frozen=True, slots=True)
class RetentionRule:
    """A legal retention duty for one kind of data."""

    kind: str  # e.g. "youth_care"
    categories: frozenset[DataCategory]  # a file holding any of these is of this kind
    years: int  # kept this long after the case was closed
    law: str  # the citation shown when erasure is refused, e.g. "Jeugdwet art. 7.3.8"
    yields_to_request: bool = False  # the law lets the client have it destroyed earlier on request
    source: str = ""  # where the period comes from, for the privacy officer

    def __post_init__(self) -> None:
        if self.years < 0:
            raise ValueError(f"retention rule {self.kind!r}: years must be zero or more")
        if not self.categories:
            raise ValueError(f"retention rule {self.kind!r}: name at least one data category")
        if not self.law.strip():
            raise ValueError(f"retention rule {self.kind!r}: name the law that requires it")


DEFAULT_RULES: tuple[RetentionRule, ...] = (
    RetentionRule(
        kind="youth_care",
        categories=frozenset({DataCategory.PARENTING}),
        years=20,
        law="Jeugdwet art. 7.3.8",
        yields_to_request=True,  # Jeugdwet art. 7.3.9
        source="https://wetten.overheid.nl/BWBR0034925 (art. 7.3.8, 7.3.9); 20 years since 1 January 2020",
    ),
    RetentionRule(
        kind="health_care",
        categories=frozenset(
            {DataCategory.MENTAL_HEALTH, DataCategory.PHYSICAL_HEALTH, DataCategory.ADDICTION}
        ),
        years=20,
        law="BW art. 7:454 lid 3 (WGBO)",
        yields_to_request=True,  # BW art. 7:455
        source="https://wetten.overheid.nl/BWBR0005290 (boek 7, art. 454, 455); 20 years since 1 January 2020",
    ),
)


@dataclass(frozen=True, slots=True)
class StatutoryHold:
    """What a rule keeps, computed on each erasure attempt (never stored: explicit holds are
    :class:`RetentionHold` events, whose law is a ``LegalReference`` code)."""

    kind: str
    law: str  # the rule's citation, from the deployment's configuration
    until: date


def recorded_categories(household: Household) -> frozenset[DataCategory]:
    """The data categories a household's file holds data of.

    Domains discussed at intake, life domains of plan goals, categories that a
    consent or legal basis shared, and ZRM domains that are data categories.
    """
    found: set[str] = set()
    if household.intake is not None:
        found.update(household.intake.domains_discussed)
    # a goal's life domain holds data of its category (vocabulary.LIFE_DOMAIN_CATEGORY: ADL is physical health, ...)
    found.update(LIFE_DOMAIN_CATEGORY[LifeDomain(g.life_domain)].value for g in household.goals.values())
    for consent in household.consents.values():
        found.update(consent.data_categories)
    for measurement in household.zrm.values():
        found.update(measurement.scores)
    known = {c.value for c in DataCategory}
    return frozenset(DataCategory(c) for c in found if c in known)


def statutory_holds(
    household: Household, rules: Iterable[RetentionRule], *, reason: str
) -> list[StatutoryHold]:
    """The holds the rules place on a closed household for an erasure with this reason."""
    if household.closure is None:
        return []
    closed_on = household.closure.on
    kinds = recorded_categories(household)
    holds = []
    for rule in rules:
        if not (rule.categories & kinds):
            continue
        if rule.yields_to_request and reason == DATA_SUBJECT_REQUEST:
            continue
        holds.append(StatutoryHold(rule.kind, rule.law, add_years(closed_on, rule.years)))
    return holds

