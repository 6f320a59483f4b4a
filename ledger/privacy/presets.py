"""Consent presets and the data categories in words (issue 16 item 4): consent that is easy to give right.

A preset names a set of data categories a consent covers, so a full consent is one word instead
of 17 ``--category`` flags:

- ``coordination``: the coordination set (:data:`ledger.privacy.policy.COORDINATION_SET`), what the
  case director and the intake team work with;
- ``life_domains``: every data category that is a life domain's (``LIFE_DOMAIN_CATEGORY``:
  finances, housing, mental health, ...), what a plan's goals are about;
- ``all``: every data category.

A consent stores the categories, never the preset: a preset that grows later never widens a
consent given before. :func:`categories_of` expands a preset and any categories named with it.

The remote CLI may not import this package (it speaks HTTP only), so ``ledger/cli/remote/vocabulary.py``
is generated from this module (:func:`client_vocabulary_source`; ``python -m ledger.privacy.presets``
writes it) and tests/unit/test_consent_presets.py fails when it is stale.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from ledger.aggregates import errors
from ledger.aggregates.vocabulary import LIFE_DOMAIN_CATEGORY, DataCategory, LifeDomain, Purpose

from .policy import COORDINATION_SET

__all__ = ["CATEGORY_WORDS", "CONSENT_PRESETS", "PURPOSE_WORDS", "UnknownConsentPresetError", "categories_of",
           "client_vocabulary_source"]


def _in_order(categories: Iterable[DataCategory]) -> tuple[DataCategory, ...]:
    chosen = set(categories)
    return tuple(c for c in DataCategory if c in chosen)


CONSENT_PRESETS: dict[str, tuple[DataCategory, ...]] = {
    "coordination": _in_order(COORDINATION_SET),
    "life_domains": _in_order(LIFE_DOMAIN_CATEGORY[d] for d in LifeDomain if d != LifeDomain.UNSPECIFIED),
    "all": tuple(DataCategory),
}

# Each data category in words, for the person giving or reading a consent (no personal data).
CATEGORY_WORDS: dict[DataCategory, str] = {
    DataCategory.IDENTITY: "identity",
    DataCategory.CONTACT: "contact details",
    DataCategory.COMPOSITION: "household composition",
    DataCategory.FINANCES: "finances",
    DataCategory.WORK_AND_EDUCATION: "work and education",
    DataCategory.HOUSING: "housing",
    DataCategory.DOMESTIC_RELATIONS: "domestic relations",
    DataCategory.PHYSICAL_HEALTH: "physical health",
    DataCategory.MENTAL_HEALTH: "mental health",
    DataCategory.ADDICTION: "addiction",
    DataCategory.JUSTICE: "justice",
    DataCategory.PARENTING: "parenting",
    DataCategory.SOCIAL_NETWORK: "social network",
    DataCategory.PLAN: "the household plan",
    DataCategory.ZRM: "measurements (ZRM and other instruments)",
    DataCategory.INVOLVEMENT: "who works with the household",
    DataCategory.COSTS: "costs",
}
PURPOSE_WORDS: dict[Purpose, str] = {
    Purpose.COORDINATION: "coordinating the household's plan",
    Purpose.SERVICE_DELIVERY: "delivering the organisation's own service",
    Purpose.EVALUATION: "evaluating the approach",
    Purpose.ACCOUNTABILITY: "accountability",
}


class UnknownConsentPresetError(errors.RuleViolationError):
    """A consent preset that does not exist (the message names the presets that do)."""

    code = "unknown-consent-preset"


def categories_of(preset: str | None, categories: Iterable[str]) -> list[str]:
    """The preset's categories, then the ones named with it, each once (codes are checked by the aggregate).

    Raises:
        UnknownConsentPresetError: ``preset`` is no preset.
    """
    chosen: list[str] = []
    if preset is not None:
        if preset not in CONSENT_PRESETS:
            raise UnknownConsentPresetError(
                f"There is no consent preset {errors.shown(preset)}; the presets are {', '.join(CONSENT_PRESETS)}.")
        chosen.extend(c.value for c in CONSENT_PRESETS[preset])
    chosen.extend(categories)
    return list(dict.fromkeys(chosen))


def client_vocabulary_source() -> str:
    """The text of ``ledger/cli/remote/vocabulary.py``: the categories, presets and words, for the HTTP-only side."""
    q = json.dumps  # a double-quoted Python string for these plain texts

    def strs(values: Iterable[str], indent: str = "    ") -> str:
        return "(\n" + "".join(f"{indent}    {q(v)},\n" for v in values) + f"{indent})"

    lines = [
        '"""The data categories a consent takes, its presets and their words (generated: do not edit).',
        "",
        "Written by ``python -m ledger.privacy.presets > ledger/cli/remote/vocabulary.py`` from",
        "ledger/aggregates/vocabulary.py and ledger/privacy/presets.py (the client may not import them);",
        "tests/unit/test_consent_presets.py fails when this file is stale.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        '__all__ = ["CATEGORY_WORDS", "CONSENT_PRESETS", "DATA_CATEGORIES", "PURPOSE_WORDS"]',
        "",
        f"DATA_CATEGORIES: tuple[str, ...] = {strs((c.value for c in DataCategory), '')}",
        "CONSENT_PRESETS: dict[str, tuple[str, ...]] = {",
        *(f"    {q(name)}: {strs(c.value for c in cats)}," for name, cats in CONSENT_PRESETS.items()),
        "}",
        "CATEGORY_WORDS: dict[str, str] = {",
        *(f"    {q(c.value)}: {q(CATEGORY_WORDS[c])}," for c in DataCategory),
        "}",
        "PURPOSE_WORDS: dict[str, str] = {",
        *(f"    {q(p.value)}: {q(PURPOSE_WORDS[p])}," for p in Purpose),
        "}",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - the generator's entry point (the test checks its output)
    print(client_vocabulary_source(), end="")
