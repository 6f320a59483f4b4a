"""A consent's scope in words (issue 16 item 4): who, for which organisations, which data, why, how long.

The words come from :mod:`ledger.cli.remote.vocabulary` (generated from the domain's vocabulary);
a code without words is shown as itself. Lines are wrapped to fit 80 columns.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from ledger.cli.remote.vocabulary import CATEGORY_WORDS, CONSENT_PRESETS, PURPOSE_WORDS

__all__ = ["consent_in_words"]

_WIDTH = 78


def _categories(codes: list[str]) -> str:
    """The categories in words; a whole preset is named as such (e.g. every category)."""
    for name, cats in CONSENT_PRESETS.items():
        if set(codes) == set(cats):
            label = "every data category" if name == "all" else f"the {name.replace('_', ' ')} set"
            return f"{label}: " + ", ".join(CATEGORY_WORDS.get(c, c) for c in codes)
    return ", ".join(CATEGORY_WORDS.get(c, c) for c in codes)


def consent_in_words(consent: Mapping[str, Any]) -> str:
    """The consent as stored, as a few lines of plain English (ids and codes only: no personal data)."""
    basis = consent.get("basis")
    if basis == "consent":
        who = f"Consent {consent.get('consent_id')} of member {consent.get('member_id')}"
    else:
        who = (f"Legal basis {consent.get('consent_id')} ({basis}, {consent.get('legal_reference')}), "
               f"decided by {consent.get('decided_by')}")
    until = consent.get("valid_until")
    purpose = consent.get("purpose") or ""
    lines = [
        f"{who}",
        f"for: {', '.join(consent.get('organisations') or [])}",
        f"covers: {_categories(list(consent.get('data_categories') or []))}",
        f"purpose: {PURPOSE_WORDS.get(purpose, purpose)} ({purpose})",
        f"in force: from {consent.get('valid_from')} " + (
            f"until {until}" if until else "until withdrawn" if basis == "consent" else "with no end date"),
    ]
    return "\n".join(textwrap.fill(line, _WIDTH, subsequent_indent="  ") for line in lines)
