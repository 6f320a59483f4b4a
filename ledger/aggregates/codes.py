"""Well-formed ids for what the ledger keeps in clear: organisations and users.

Fields that name an organisation or a staff member are stored unsealed (the access
policy and the views need them), so they hold an id, never a name or a note
(issue 12 item 10). The aggregate checks the form here (pure); the application
checks the id against the organisation register and the user directory.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from enum import Enum
from typing import Any, TypeVar

from . import errors
from .vocabulary import KEPT, LegalReference

__all__ = [
    "ORGANISATION_ID",
    "USER_ID",
    "checked_code",
    "checked_legal_reference",
    "checked_organisation",
    "checked_organisations",
    "checked_user_id",
    "is_organisation_id",
    "is_user_id",
]

# Lower case letters, digits and inner hyphens, 1-40 characters: "gemeente-testdorp".
ORGANISATION_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
# A user id as the directory issues them ("u-3f9a1c0b2e", "op-001"): no spaces, at most 64.
USER_ID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?")


def is_organisation_id(value: object) -> bool:
    """An organisation id: ``^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$``."""
    return isinstance(value, str) and ORGANISATION_ID.fullmatch(value) is not None


def is_user_id(value: object) -> bool:
    """A user id: letters, digits, ``.``, ``_`` and ``-``, at most 64, no spaces."""
    return isinstance(value, str) and USER_ID.fullmatch(value) is not None


# --- the checks commands run (one InvalidInputError each; a name typed here is never echoed)
def checked_organisation(value: Any, what: str) -> str:
    """An organisation id, stripped; a name or a note is refused, not stored in clear."""
    org = value.strip() if isinstance(value, str) else value
    if not is_organisation_id(org):
        raise errors.InvalidInputError(
            f"The {what} {errors.shown(value)} is not an organisation id: lower-case letters, digits and "
            "hyphens, at most 40 characters (e.g. gemeente-testdorp)."
        )
    return org


def checked_organisations(values: Iterable[Any], what: str) -> tuple[str, ...]:
    """Organisation ids, blanks dropped, duplicates once, in order."""
    return tuple(dict.fromkeys(checked_organisation(v, what) for v in values if not isinstance(v, str) or v.strip()))


def checked_user_id(value: Any, what: str) -> str:
    if not is_user_id(value):
        raise errors.InvalidInputError(
            f"The {what} {errors.shown(value)} is not a user id: letters, digits, '.', '_' and '-', "
            "at most 64 characters (the ledger keeps no staff names)."
        )
    return value


E = TypeVar("E", bound=Enum)


def checked_code(enum: type[E], value: Any, what: str, *, kept: Collection[Enum] = ()) -> E:
    """The member of ``enum`` whose code ``value`` is (or that it is); else an error listing the codes.

    ``kept`` codes exist for what was stored before (an upcaster writes them); a command may not give them.
    The one place a vocabulary code from input is read: the aggregate's commands and the value objects'
    coercion both call it.
    """
    try:
        code = enum(value)
    except ValueError:
        code = None
    if code is None or code in kept:
        allowed = ", ".join(str(e.value) for e in enum if e not in kept)
        raise errors.InvalidInputError(f"Unknown {what} {errors.shown(value)}; expected one of: {allowed}.")
    return code


def checked_legal_reference(value: Any, what: str) -> LegalReference:
    """A law-and-article code; ``unspecified`` is kept for references recorded as free text."""
    return checked_code(LegalReference, value, what, kept=KEPT[LegalReference])
