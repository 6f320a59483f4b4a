"""A household's state and history: ``HouseholdOut`` (from the presenter's table), events, the caseload list.

The value objects inside the state (a referral, a consent ...) are described by their dataclass
fields, as the presenter shows them: they are stored in events and change only with an upcaster.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, Field, PlainSerializer, RootModel, WithJsonSchema, create_model

from ledger.aggregates import Personal
from ledger.aggregates.values import Actor, ValueObject
from ledger.aggregates.vocabulary import DataCategory, HouseholdComposition, MemberRelation, MemberRole, Phase, Purpose
from ledger.presenters import HOUSEHOLD_FIELDS
from ledger.privacy.categories import FIELD_CATEGORIES
from ledger.privacy.labels import LABELS
from ledger.privacy.policy import Role, Withheld

from ..codes import code
from .base import AS_OF_FIELDS, DecimalText, KnownAtOut, Moment, Out, PersonalDate, PersonalText, iso

__all__ = [
    "ActorOut",
    "CategoryCode",
    "PhaseCode",
    "WithheldCode",
    "EventOut",
    "EventPage",
    "HouseholdOut",
    "HouseholdSummaryOut",
    "HouseholdSummaryPage",
    "HouseholdMemberOut",
    "MemberRelationOut",
    "value_object_out",
]


# Response fields holding codes declare every code, kept ones too (ledger/api/codes.py).
CategoryCode = Annotated[str, code(DataCategory, every=True)]
WithheldCode = Annotated[str, code(Withheld, every=True)]
PhaseCode = Annotated[str, code(Phase, every=True)]
WithheldOut = dict[CategoryCode, WithheldCode]


class ActorOut(Out):
    """Who acted: a user id (never a name), organisation, role, purpose, and on whose behalf."""

    user_id: str
    organisation: str
    role: Annotated[str, code(Role, every=True)]
    purpose: Annotated[str, code(Purpose, every=True)]
    on_behalf_of: str | None


def _personal(hint: Any) -> bool:
    """``Personal`` or ``Personal | None``."""
    return hint is Personal or (typing.get_origin(hint) in (typing.Union, types.UnionType)
                                and {a for a in typing.get_args(hint) if a is not type(None)} == {Personal})


def _out_type(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if hint is Personal:
        return PersonalText
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        inner = _out_type(options[0]) if len(options) == 1 else Any
        return inner | None
    if origin is tuple:
        return list[_out_type(typing.get_args(hint)[0])]  # type: ignore[misc]  # built from the hint at run time
    if origin is dict:
        key, val = (_out_type(a) for a in typing.get_args(hint))
        return dict[key, val]  # type: ignore[valid-type]  # built from the hint at run time
    if isinstance(hint, type):
        if issubclass(hint, ValueObject):
            return value_object_out(hint)
        if isinstance(hint, type) and issubclass(hint, StrEnum) and hint in LABELS:
            return Annotated[str, code(hint, every=True)]
        if issubclass(hint, Enum | str | int | bool | date):
            return hint
        if hint is Decimal:
            return DecimalText
    raise TypeError(f"No response type for {hint!r}: add it to ledger/api/schemas/household.py")


_VALUE_OUT: dict[type, type[BaseModel]] = {Actor: ActorOut}


def value_object_out(cls: type[ValueObject]) -> type[BaseModel]:
    """The response model of a value object: its dataclass fields, as the presenter shows them (made once)."""
    if cls not in _VALUE_OUT:
        hints = typing.get_type_hints(cls)
        fields: dict[str, Any] = {
            f.name: (PersonalDate if f.name.endswith("_date") and _personal(hints[f.name]) else _out_type(hints[f.name]),
                     ...)
            for f in dataclasses.fields(cls)}
        doc = (cls.__doc__ or "").strip()
        if doc.startswith(f"{cls.__name__}("):  # the signature dataclasses write when a class has no docstring
            doc = f"{cls.__name__}, as stored in the household's events (ledger/aggregates/values.py)."
        _VALUE_OUT[cls] = create_model(f"{cls.__name__}Out", __base__=Out, __doc__=doc, **fields)
    return _VALUE_OUT[cls]


class MemberRelationOut(Out):
    """How this member stands to another: ``relation`` of ``to_member_id`` (codes and ids only)."""

    relation: Annotated[str, code(MemberRelation, every=True)]
    to_member_id: str


class HouseholdMemberOut(Out):
    """A household member as recorded: the id a consent or measurement names, role, name, relations."""

    member_id: str = Field(description="m1, m2, ... in the referral's order: what `member_id` takes in a consent.")
    role: Annotated[str, code(MemberRole, every=True)]
    name: PersonalText
    relations: list[MemberRelationOut] = Field(
        description="The relations recorded for this member (the last composition revision's, else the referral's).")


# created_on and modified_on are moments (eventsourcing's names) with a date's name, which the API
# design rules refuse for a string (nlgov:specify-format-for-date-and-time). They keep their names
# for existing clients and their true schema (a date-time string); lint/adr.spectral.yaml exempts
# exactly these two properties, with this reason. A next major version would call them created_at
# and modified_at.
_OLD_MOMENT = Annotated[datetime, PlainSerializer(iso, return_type=str, when_used="json"),
                        WithJsonSchema({"type": "string", "format": "date-time",
                                        "description": "A moment (RFC 3339 text, with an offset), despite its "
                                        "name; kept for existing clients."})]
_HOUSEHOLD_HEAD: dict[str, Any] = {
    "id": (str, Field(description="The household's id (a UUID).")),
    "version": (int, Field(description="The household's version (also in ETag).")),
    "phase": (PhaseCode, Field(description="The household's phase.")),
    "composition": (Annotated[str, code(HouseholdComposition, every=True)] | None, Field(
        description="The household's composition as last revised, else as at referral (docs/evaluation.md); "
                    "null when composition is withheld.")),
    "members": (list[HouseholdMemberOut] | None, Field(
        description="The members, with their ids (data category composition; issue 16 item 4); null when "
                    "composition is withheld.")),
    "erased": (bool, ...),
    "created_on": (_OLD_MOMENT, Field(description="When the referral was recorded.")),
    "modified_on": (_OLD_MOMENT, Field(description="When the last event was recorded.")),
}
_WITHHELD = Field(description="The data categories withheld from you, each with its reason code (no_consent, "
                            "not_in_force, erased; docs/api.md, \"Disclosure by category\"). A field or event "
                            "holding one of them is null. Empty: the household is shown whole.")


def _maybe_withheld(name: str, hint: Any) -> Any:
    """A field that holds a data category reads null when that category is withheld."""
    out = _out_type(hint)
    return out | None if FIELD_CATEGORIES[name] else out


HouseholdOut: type[BaseModel] = create_model(
    "HouseholdOut", __base__=Out,
    __doc__="A household's state: every field named by the presenter (ledger/presenters.py), null where withheld.",
    **(_HOUSEHOLD_HEAD | {name: (_maybe_withheld(name, hint), ...) for name, hint in HOUSEHOLD_FIELDS.items()}
       | {"withheld": (WithheldOut, _WITHHELD)} | AS_OF_FIELDS),
)


# An event's own fields, as the presenter shows them (ledger.presenters.event_view): the stored contract.
_EVENT_SKIP = {"originator_id", "originator_version", "timestamp", "originator_topic", "actor"}


def _recorded_event_classes() -> list[type]:
    """The household's event classes a history holds (not the bases eventsourcing defines)."""
    from eventsourcing.domain import DomainEvent

    from ledger.aggregates import Household

    bases = {"Event", "Snapshot", "Created"}
    return [v for k, v in vars(Household).items()
            if isinstance(v, type) and issubclass(v, DomainEvent) and k not in bases]


def _event_out(cls: type) -> type[BaseModel]:
    """One event type's response model: ``type`` is its class name, ``data`` its own fields, typed."""
    hints = typing.get_type_hints(cls)
    own = {k: (_out_type(h), ...) for k, h in hints.items()
           if k not in _EVENT_SKIP and typing.get_origin(h) is not typing.ClassVar}
    name = cls.__name__
    data: type[BaseModel] = create_model(f"{name}Data", __base__=Out, __doc__=f"The fields of a {name} event.",
                                         **own)  # type: ignore[call-overload]  # fields from the event class's hints
    kind: Any = typing.Literal[name]  # one literal per event class, made at import
    shown: Any = data | None
    return create_model(
        f"{name}EventOut", __base__=Out,
        __doc__=f"A stored {name} event (ledger/aggregates/household.py).",
        version=(int, ...),
        type=(kind, Field(description="The event's class: what `data` holds.")),
        recorded_at=(Moment, ...),
        actor=(ActorOut | None, ...),
        data=(shown, Field(description="The event's own fields; null when the event holds a data category "
                                              "withheld from you.")),
        withheld=(WithheldOut | None, Field(
            default=None, description="The event's data categories withheld from you, with their reason codes; "
                                      "null when shown.")),
    )


EVENT_MODELS: tuple[type[BaseModel], ...] = tuple(_event_out(c) for c in _recorded_event_classes())
_ANY_EVENT: Any = Annotated[typing.Union[EVENT_MODELS], Field(discriminator="type")]  # the event classes' union


class EventOut(RootModel[_ANY_EVENT]):
    """One stored event: its type's own schema, told apart by `type` (issue 17: `data` is typed per event type)."""


class EventPage(Out):
    items: list[EventOut]
    next: str | None = Field(description="Cursor for the next page; null on the last page.")
    known_at: KnownAtOut | None = Field(default=None, description="Knowledge time of the history (knownAt), if asked.")


class HouseholdSummaryOut(Out):
    household_id: str
    version: int
    phase: PhaseCode
    referred_on: date
    case_director: str | None = Field(description="The case director's user id.")
    erased: bool


class HouseholdSummaryPage(Out):
    items: list[HouseholdSummaryOut]
    next: str | None = Field(description="Cursor for the next page; null on the last page.")
