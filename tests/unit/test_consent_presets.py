"""Consent presets: one word for a set of categories, declared once (issue 16 item 4).

The remote CLI speaks HTTP only, so it reads the categories and presets from a module generated
from the vocabulary (ledger/cli/remote/vocabulary.py); these tests fail when that file is stale.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import ledger.cli.remote.vocabulary as client_vocabulary
from ledger.aggregates.vocabulary import LIFE_DOMAIN_CATEGORY, DataCategory, Purpose
from ledger.privacy.policy import COORDINATION_SET
from ledger.privacy.presets import (
    CATEGORY_WORDS,
    CONSENT_PRESETS,
    PURPOSE_WORDS,
    UnknownConsentPresetError,
    categories_of,
    client_vocabulary_source,
)


def test_the_presets_are_the_coordination_set_the_life_domains_and_everything() -> None:
    """coordination is the policy's coordination set, life_domains every life domain's category, all every category."""
    assert set(CONSENT_PRESETS["coordination"]) == COORDINATION_SET
    assert set(CONSENT_PRESETS["life_domains"]) == set(LIFE_DOMAIN_CATEGORY.values()) - {DataCategory.PLAN}
    assert DataCategory.FINANCES in CONSENT_PRESETS["life_domains"] and DataCategory.COSTS not in CONSENT_PRESETS["life_domains"]
    assert CONSENT_PRESETS["all"] == tuple(DataCategory) and len(CONSENT_PRESETS["all"]) == 17


def test_a_preset_and_named_categories_combine_each_once() -> None:
    """The preset's categories first, then the ones named with it, without repeats; no preset: the ones named."""
    assert categories_of("coordination", ["costs", "plan"]) == [c.value for c in CONSENT_PRESETS["coordination"]] + ["costs"]
    assert categories_of(None, ["housing", "housing"]) == ["housing"]


def test_an_unknown_preset_is_refused_naming_the_presets() -> None:
    """A word that is no preset is a 422 rule (unknown-consent-preset) whose message lists the presets."""
    with pytest.raises(UnknownConsentPresetError, match="coordination, life_domains, all") as caught:
        categories_of("everything", [])
    assert caught.value.code == "unknown-consent-preset"


def test_every_category_and_purpose_has_words() -> None:
    """The CLI prints a consent's scope in words: no category or purpose without them."""
    assert set(CATEGORY_WORDS) == set(DataCategory) and set(PURPOSE_WORDS) == set(Purpose)
    assert all(CATEGORY_WORDS.values()) and all(PURPOSE_WORDS.values())


def test_the_clients_vocabulary_is_generated_from_the_domains() -> None:
    """ledger/cli/remote/vocabulary.py is exactly what the generator writes (regenerate with python -m ledger.privacy.presets)."""
    path = Path(client_vocabulary.__file__)
    assert path.read_text(encoding="utf-8") == client_vocabulary_source(), (
        "ledger/cli/remote/vocabulary.py is stale: run "
        "`.venv/bin/python -m ledger.privacy.presets > ledger/cli/remote/vocabulary.py`")
    assert client_vocabulary.DATA_CATEGORIES == tuple(c.value for c in DataCategory)
    assert client_vocabulary.CONSENT_PRESETS == {k: tuple(c.value for c in v) for k, v in CONSENT_PRESETS.items()}


def test_a_legal_basis_in_words_names_its_law_and_who_decided_and_fits_80_columns() -> None:
    """The CLI's scope of a legal basis: basis, law, who decided, every category named, no line over 80 columns."""
    from ledger.cli.remote._words import consent_in_words

    text = consent_in_words({
        "consent_id": "c-1", "basis": "public_task", "member_id": None, "organisations": ["gemeente-testdorp"],
        "data_categories": [c.value for c in DataCategory], "purpose": "service_delivery", "valid_from": "2026-01-05",
        "valid_until": None, "legal_reference": "wmo_2015_5_1_1", "withdrawn_on": None, "decided_by": "u-1"})
    flat = " ".join(text.split())
    assert flat.startswith("Legal basis c-1 (public_task, wmo_2015_5_1_1), decided by u-1 for: gemeente-testdorp")
    assert "covers: every data category: identity, contact details," in flat and flat.count(",") >= 16
    assert "purpose: delivering the organisation's own service (service_delivery)" in flat
    assert "in force: from 2026-01-05 with no end date" in flat
    assert all(len(line) <= 80 for line in text.splitlines())
