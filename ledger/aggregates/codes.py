"""Well-formed ids for what the ledger keeps in clear: organisations and users.

Fields that name an organisation or a staff member are stored unsealed (the access
policy and the views need them), so they hold an id, never a name or a note
(issue 12 item 10). The aggregate checks the form here (pure); the application
checks the id against the organisation register and the user directory.
"""

from __future__ import annotations

import re

__all__ = ["ORGANISATION_ID", "USER_ID", "is_organisation_id", "is_user_id"]

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
