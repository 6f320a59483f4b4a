"""The value-object machinery: frozen dataclasses that coerce their fields to the declared types.

:class:`ValueObject` makes an object decoded from JSON (lists, plain strings) equal to the one
built in memory (tuples, enums, dates, decimals, :class:`Personal`); :func:`value_object` declares
one. The value objects themselves are in :mod:`.values` (their stored topics name that module).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar, Self

from .codes import checked_code
from .errors import InvalidInputError
from .personal import Personal

__all__ = ["ValueObject", "is_valid_bsn", "value_object"]


def is_valid_bsn(value: str) -> bool:
    """The BSN 'elfproef': nine digits, weights 9..2 and -1, sum divisible by 11."""
    if len(value) != 9 or not value.isdigit() or value == "000000000":
        return False
    digits = [int(c) for c in value]
    total = sum(d * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total % 11 == 0


def _identity(value: Any) -> Any:
    return value


def _to_enum(hint: type[Enum]) -> Any:
    def convert(value: Any) -> Any:
        if value is None or isinstance(value, hint):
            return value
        return checked_code(hint, value, hint.__name__)
    return convert


def _converter(hint: Any) -> Any:
    """The function that coerces a value to ``hint`` (decided once per hint); ``_identity`` if nothing to do.

    Coercion makes a value decoded from JSON (lists, plain strings) equal to the one built
    in memory (tuples, enums, dates, decimals, :class:`Personal`). ``None`` stays ``None``.
    """
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return _converter(options[0]) if len(options) == 1 else _identity
    if origin is tuple:
        item = _converter(typing.get_args(hint)[0])
        if item is _identity:
            return lambda v: v if v is None or type(v) is tuple else tuple(v)
        return lambda v: None if v is None else tuple(item(x) for x in v)
    if origin is dict:
        key, val = (_converter(a) for a in typing.get_args(hint))
        if key is _identity and val is _identity:
            return _identity
        return lambda v: None if v is None else {key(k): val(x) for k, x in v.items()}
    if isinstance(hint, type):
        if issubclass(hint, Enum):
            return _to_enum(hint)
        if hint is date:
            return lambda v: date.fromisoformat(v) if type(v) is str else v
        if hint is Decimal:
            return lambda v: v if v is None or type(v) is Decimal else Decimal(str(v))
        if hint is Personal:
            return lambda v: Personal(v) if type(v) is str else v
    return _identity


_StoredForm = tuple[frozenset[str], tuple[tuple[str, Any], ...]]
_stored_forms: dict[type, _StoredForm] = {}  # worked out once per class


def _stored_form(cls: type) -> _StoredForm:
    """The class's field names, and the (field, converter) pairs that do something, in field order."""
    form = _stored_forms.get(cls)
    if form is None:
        hints = typing.get_type_hints(cls)
        fields = [f.name for f in dataclasses.fields(cls)]
        converters = tuple((n, c) for n in fields if not n.startswith("_") and (c := _converter(hints[n])) is not _identity)
        form = _stored_forms[cls] = frozenset(fields), converters
    return form


@dataclasses.dataclass(frozen=True)
class ValueObject:
    """Frozen dataclass that coerces its fields to their annotated types."""

    # (field, reader) pairs that turn a value an earlier release stored into today's
    # type before it is coerced (free text in fields that now hold codes: legacy.py).
    stored_readers: ClassVar[tuple[tuple[str, Any], ...]] = ()

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> Self:
        """Rebuild from stored fields, with the field conversions worked out once per class.

        Equal to ``cls(**data)``, which the decoder used before (a profile showed its
        per-field type inspection as the largest cost of loading a household). Data
        that does not have exactly the fields of today's class takes that path still.
        """
        for name, read in cls.stored_readers:
            if name in data:
                data[name] = read(data[name])
        names, converters = _stored_form(cls)
        if data.keys() != names:
            return cls(**data)
        try:
            for name, convert in converters:
                value = data[name]
                if value is not None:
                    data[name] = convert(value)
        except (InvalidInputError, ValueError, TypeError, ArithmeticError):
            return cls(**data)  # raises the error a constructor gives
        obj = object.__new__(cls)
        obj.__dict__.update(data)
        return obj

    def __post_init__(self) -> None:
        for name, convert in _stored_form(type(self))[1]:
            value = getattr(self, name)
            coerced = convert(value)
            if coerced is not value:
                object.__setattr__(self, name, coerced)

    def replace(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)

    # Immutable: a copy is the object itself (the repository copies cached households).
    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self


_T = typing.TypeVar("_T")


@typing.dataclass_transform(frozen_default=True)
def value_object(cls: type[_T]) -> type[_T]:
    """A frozen dataclass of ``cls`` (declared as such, so type checkers see its fields)."""
    return dataclasses.dataclass(frozen=True)(cls)
