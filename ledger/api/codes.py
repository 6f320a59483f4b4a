"""Vocabulary codes in the OpenAPI document: one helper makes a field's type from its vocabulary (issue 17 item 1).

``Annotated[str, code(ReferralSource)]`` is the type of a body field, query parameter or response field that holds
a code: a string whose schema declares ``enum`` (the codes a command accepts: the vocabulary minus
its kept codes, ``ledger.aggregates.vocabulary.KEPT``; every code with ``every=True``, for
responses, which also carry what was stored before), ``x-enum-descriptions`` (code -> "Nederlands
— English", from ``ledger.privacy.labels.LABELS``) and the codes in words in its ``description``.
For a list field it goes on ``items``: ``list[Annotated[str, code(DataCategory)]]``.

What checks a code at run time is unchanged, so the answers are what they were:

- ``code(X)``: the document only. The aggregate checks the code (``checked_code``): 400
  ``invalid-input``, its message listing the allowed codes.
- ``code(X, check=True)``: the request model checks it too (the fields that were enums before
  issue 17): 400 ``invalid-request``, ``invalidParams`` naming the field with the allowed codes.
  The value reaches the application as the enum member.

Vocabularies that are no ``StrEnum`` (the instruments, the consent presets) use :func:`code_of`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, Field
from pydantic.fields import FieldInfo

from ledger.aggregates.instruments import INSTRUMENTS
from ledger.aggregates.labels import Label
from ledger.aggregates.vocabulary import accepted
from ledger.privacy.labels import LABELS, PRESET_LABELS
from ledger.privacy.presets import CONSENT_PRESETS

__all__ = ["CONSENT_PRESET", "ENUM_DESCRIPTIONS", "INSTRUMENT", "ZRM_INSTRUMENT", "code", "code_of",
           "described", "enum_schema"]

ENUM_DESCRIPTIONS = "x-enum-descriptions"


def described(nl: str, en: str) -> str:
    return f"{nl} — {en}"


def enum_schema(codes: Iterable[str], words: Mapping[str, Label]) -> Callable[[dict[str, Any]], None]:
    """A ``json_schema_extra`` that declares the codes, their labels and the codes in words."""
    listed = list(codes)
    descriptions = {c: described(*words[c]) for c in listed}
    in_words = "One of: " + ", ".join(f"{c} ({words[c][1]})" for c in listed) + "."

    def extra(schema: dict[str, Any]) -> None:
        schema["enum"] = list(listed)
        schema[ENUM_DESCRIPTIONS] = dict(descriptions)
        own = schema.get("description", "").rstrip()
        schema["description"] = f"{own} {in_words}".strip() if own else in_words
    return extra


def code_of(codes: Iterable[str], words: Mapping[str, Label]) -> FieldInfo:
    """The metadata of a string field holding one of ``codes``, described with ``words`` (checked where it is used)."""
    return Field(json_schema_extra=enum_schema(codes, words))


def code(enum: type[StrEnum], *, check: bool = False, every: bool = False) -> FieldInfo:
    """The metadata of a string field holding a code of ``enum``: ``Annotated[str, code(ReferralSource)]``.

    ``every``: every code (a response); else the codes a command accepts. ``check``: the request
    model refuses another code (400 invalid-request) and hands on the enum member.
    """
    codes = tuple(enum) if every else accepted(enum)
    info = code_of((c.value for c in codes), LABELS[enum])
    if check:
        values = frozenset(c.value for c in codes)
        allowed = ", ".join(c.value for c in codes)

        def checked(value: str) -> StrEnum:
            if value not in values:
                raise ValueError(f"expected one of: {allowed}")
            return enum(value)
        info.metadata.append(AfterValidator(checked))
    return info


_INSTRUMENT_WORDS: dict[str, Label] = {c: (i.nl, i.en) for c, i in INSTRUMENTS.items()}
# record_measurement takes any registered instrument, the ZRM route the ZRM versions only.
INSTRUMENT = Annotated[str, code_of(INSTRUMENTS, _INSTRUMENT_WORDS)]
ZRM_INSTRUMENT = Annotated[str, code_of((c for c, i in INSTRUMENTS.items() if i.zrm), _INSTRUMENT_WORDS)]
CONSENT_PRESET = Annotated[str, code_of(CONSENT_PRESETS, PRESET_LABELS)]
