"""The data categories a consent takes, its presets and their words (generated: do not edit).

Written by ``python -m ledger.privacy.presets > ledger/cli/remote/vocabulary.py`` from
ledger/aggregates/vocabulary.py and ledger/privacy/presets.py (the client may not import them);
tests/unit/test_consent_presets.py fails when this file is stale.
"""

from __future__ import annotations

__all__ = ["CATEGORY_WORDS", "CONSENT_PRESETS", "DATA_CATEGORIES", "PURPOSE_WORDS"]

DATA_CATEGORIES: tuple[str, ...] = (
    "identity",
    "contact",
    "composition",
    "finances",
    "work_and_education",
    "housing",
    "domestic_relations",
    "physical_health",
    "mental_health",
    "addiction",
    "justice",
    "parenting",
    "social_network",
    "plan",
    "zrm",
    "involvement",
    "costs",
)
CONSENT_PRESETS: dict[str, tuple[str, ...]] = {
    "coordination": (
        "identity",
        "contact",
        "composition",
        "plan",
        "zrm",
        "involvement",
    ),
    "life_domains": (
        "finances",
        "work_and_education",
        "housing",
        "domestic_relations",
        "physical_health",
        "mental_health",
        "addiction",
        "justice",
        "parenting",
        "social_network",
    ),
    "all": (
        "identity",
        "contact",
        "composition",
        "finances",
        "work_and_education",
        "housing",
        "domestic_relations",
        "physical_health",
        "mental_health",
        "addiction",
        "justice",
        "parenting",
        "social_network",
        "plan",
        "zrm",
        "involvement",
        "costs",
    ),
}
CATEGORY_WORDS: dict[str, str] = {
    "identity": "identity",
    "contact": "contact details",
    "composition": "household composition",
    "finances": "finances",
    "work_and_education": "work and education",
    "housing": "housing",
    "domestic_relations": "domestic relations",
    "physical_health": "physical health",
    "mental_health": "mental health",
    "addiction": "addiction",
    "justice": "justice",
    "parenting": "parenting",
    "social_network": "social network",
    "plan": "the household plan",
    "zrm": "measurements (ZRM and other instruments)",
    "involvement": "who works with the household",
    "costs": "costs",
}
PURPOSE_WORDS: dict[str, str] = {
    "coordination": "coordinating the household's plan",
    "service_delivery": "delivering the organisation's own service",
    "evaluation": "evaluating the approach",
    "accountability": "accountability",
}
