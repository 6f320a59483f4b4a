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
from collections.abc import Callable
from typing import Any

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


def personal(value: str | None) -> Personal | None:
    """Wrap an optional plain value."""
    return None if value is None else Personal(value)


def map_personal(obj: Any, fn: Callable[[Personal], Any]) -> Any:
    """Return ``obj`` rebuilt with every :class:`Personal` inside replaced by ``fn(p)``.

    Unchanged branches are returned as they are (no copies), so the walk is cheap
    for the many events that hold no personal data at all.
    """
    if isinstance(obj, Personal):
        return fn(obj)
    if isinstance(obj, (str, int, float, bool, type(None))):
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
