"""Personal data as a type of its own.

Every value that identifies or describes a person (names, BSN, dates of birth,
addresses, contact details, free text) is wrapped in :class:`Personal`. The
wrapper is what lets the rest of the system treat personal data by construction
rather than by convention:

* its ``repr`` and ``str`` never show the value, so a log line or an exception
  message that happens to include one shows ``Personal(***)``;
* the storage layer seals every ``Personal`` it finds in an event or snapshot
  with the household's own data key, and refuses to serialise one in the clear;
* after erasure a ``Personal`` reads as erased (``value is None``).

:func:`map_personal` walks the shapes our events and aggregate state are made of
(dataclasses, dicts, lists, tuples) and rebuilds them with each ``Personal``
replaced; the erasure scrub and the encryption mapper both use it.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, overload
from uuid import UUID

__all__ = ["ERASED", "Personal", "map_personal", "scrub"]


@dataclasses.dataclass(frozen=True, slots=True)
class Personal:
    """A personal value; ``None`` once erased."""

    value: str | None

    @property
    def erased(self) -> bool:
        return self.value is None

    def reveal(self) -> str:
        """The value, or ``[erased]``; call only where the value may be shown."""
        return "[erased]" if self.value is None else self.value

    def __repr__(self) -> str:
        return "Personal([erased])" if self.value is None else "Personal(***)"

    __str__ = __repr__

    # Immutable: a copy is the object itself (the repository copies cached households).
    def __copy__(self) -> Personal:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Personal:
        return self


ERASED = Personal(None)


@overload
def personal(value: str) -> Personal: ...
@overload
def personal(value: None) -> None: ...
@overload
def personal(value: str | None) -> Personal | None: ...
def personal(value: str | None) -> Personal | None:
    """Wrap an optional plain value (a value stays a value: the checker knows a ``str`` gives a ``Personal``)."""
    return None if value is None else Personal(value)


_NEVER_PERSONAL = (str, int, float, bool, type(None), bytes, date, datetime, Decimal, UUID)


def _hint_can_hold(hint: Any) -> bool:
    """Whether a value of this annotation could contain a :class:`Personal` (True when unsure)."""
    if hint is Personal:
        return True
    if hint is Ellipsis or hint in _NEVER_PERSONAL or (isinstance(hint, type) and issubclass(hint, Enum)):
        return False
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return can_hold_personal(hint)
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType, tuple, list, dict, set, frozenset):
        return any(_hint_can_hold(a) for a in typing.get_args(hint))
    return True  # Any, a bare container, a type we do not know: look inside


@functools.cache
def can_hold_personal(cls: type) -> bool:
    """Whether instances of the dataclass ``cls`` can contain a :class:`Personal`, by its annotations.

    Decided once per class. The walk below skips value objects that cannot (an actor, a ZRM
    score, a plan action's dates ...); a personal value put where its annotation does not
    allow one still cannot reach the store in the clear: the serialiser refuses it.
    """
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # noqa: BLE001 - unresolvable annotations: walk it
        return True
    return any(_hint_can_hold(hints.get(f.name, Any)) for f in dataclasses.fields(cls))


def map_personal(obj: Any, fn: Callable[[Personal], Any]) -> Any:
    """Return ``obj`` rebuilt with every :class:`Personal` inside replaced by ``fn(p)``.

    Unchanged branches are returned as they are (no copies), so the walk is cheap
    for the many events that hold no personal data at all; value objects whose
    annotations allow no personal value are not entered.
    """
    if isinstance(obj, Personal):
        return fn(obj)
    if isinstance(obj, _NEVER_PERSONAL):
        return obj
    if isinstance(obj, dict):
        changed = False
        out = {}
        for k, v in obj.items():
            nv = map_personal(v, fn)
            changed = changed or nv is not v
            out[k] = nv
        return out if changed else obj
    if isinstance(obj, (list, tuple)):
        items = [map_personal(v, fn) for v in obj]
        if all(a is b for a, b in zip(items, obj, strict=True)):
            return obj
        return type(obj)(items) if isinstance(obj, tuple) else items
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        if not can_hold_personal(type(obj)):
            return obj
        updates = {}
        for f in dataclasses.fields(obj):
            v = getattr(obj, f.name)
            nv = map_personal(v, fn)
            if nv is not v:
                updates[f.name] = nv
        return dataclasses.replace(obj, **updates) if updates else obj
    return obj


def scrub(obj: Any) -> Any:
    """``obj`` with every personal value erased."""
    return map_personal(obj, lambda _p: ERASED)
