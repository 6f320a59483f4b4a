"""Every code of every vocabulary has a Dutch and an English label (issue 17 item 1), and nothing else has one.

The vocabularies are found, not listed: every ``StrEnum`` that ``ledger.aggregates.vocabulary`` and
the privacy modules declare. A member added without its words fails here.
"""

from __future__ import annotations

import inspect
from enum import StrEnum
from types import ModuleType

import pytest

from ledger.aggregates import labels as domain_labels
from ledger.aggregates import vocabulary
from ledger.aggregates.vocabulary import KEPT, HouseholdComposition, LifeDomain, ReferralSource, accepted
from ledger.privacy import access, policy, users
from ledger.privacy.labels import LABELS
from ledger.reports.labels import words


def _enums(module: ModuleType) -> list[type[StrEnum]]:
    return [obj for _, obj in inspect.getmembers(module, inspect.isclass)
            if issubclass(obj, StrEnum) and obj is not StrEnum and obj.__module__ == module.__name__]


DOMAIN = _enums(vocabulary)
PRIVACY = [e for m in (access, policy, users) for e in _enums(m)]


def test_the_vocabularies_are_found() -> None:
    assert len(DOMAIN) >= 25 and ReferralSource in DOMAIN
    assert {e.__name__ for e in PRIVACY} >= {"Role", "OrganisationKind", "Withheld", "Requester", "IdentityCheck",
                                             "ReviewVerdict", "Relationship"}


@pytest.mark.parametrize("enum", DOMAIN + PRIVACY, ids=lambda e: e.__name__)
def test_every_code_has_a_dutch_and_an_english_label(enum: type[StrEnum]) -> None:
    assert enum in LABELS, f"{enum.__name__} has no labels (ledger/aggregates/labels.py or ledger/privacy/labels.py)"
    words_ = LABELS[enum]
    assert set(words_) == {e.value for e in enum}, f"{enum.__name__}: labels for exactly its codes"
    for code, pair in words_.items():
        assert isinstance(pair, tuple) and len(pair) == 2, code
        nl, en = pair
        assert nl.strip() and en.strip(), f"{enum.__name__}.{code} needs both labels"
        assert nl == nl.strip() and en == en.strip()


def test_the_domain_table_holds_the_domain_vocabularies_only() -> None:
    assert set(domain_labels.LABELS) == set(DOMAIN)


def test_a_label_in_either_language() -> None:
    assert domain_labels.label(ReferralSource.POLICE) == "Politie"
    assert domain_labels.label(ReferralSource.POLICE, "en") == "Police"


def test_the_report_takes_its_words_from_the_same_table() -> None:
    assert words("nl").code("source", "general_practitioner") == domain_labels.LABELS[ReferralSource][
        "general_practitioner"][0]
    assert words("en").code("composition", "single_parent_not_recorded") == domain_labels.LABELS[
        HouseholdComposition]["single_parent_not_recorded"][1]


def test_kept_codes_are_members_and_not_accepted() -> None:
    for enum, kept in KEPT.items():
        assert kept and all(isinstance(k, enum) for k in kept)
        assert set(accepted(enum)) == set(enum) - kept
    assert LifeDomain.UNSPECIFIED not in accepted(LifeDomain)
    assert accepted(ReferralSource) == tuple(ReferralSource)


def test_every_consent_preset_has_both_labels() -> None:
    from ledger.privacy.labels import PRESET_LABELS
    from ledger.privacy.presets import CONSENT_PRESETS

    assert set(PRESET_LABELS) == set(CONSENT_PRESETS)
    assert all(nl.strip() and en.strip() for nl, en in PRESET_LABELS.values())
