"""Domain errors: one exception type per rule.

Messages are plain sentences for the person at the keyboard. They never contain
personal data: they may name ids, codes and dates, never a name, BSN or free text.
A value the caller typed is repeated only when it looks like a code (:func:`shown`),
because people put names in the wrong field.

    HouseholdError
    ├── InvalidInputError          a value is malformed (bad BSN, unknown code, empty list)
    │   ├── InvalidBsnError
    │   ├── UnknownZrmDomainError
    │   ├── ZrmScoreOutOfRangeError
    │   └── InvalidPeriodError
    ├── NotFoundError              a household or an item inside it does not exist
    ├── StaleVersionError          the household changed since the caller read it
    ├── RefusedError               a rule refused, told to one who may not see the household's state
    └── RuleViolationError         the command is not allowed in the household's state
        ├── CaseClosedError, CaseNotClosedError, HouseholdErasedError
        ├── IntakeRequiredError, IntakeAlreadyHeldError, OrientationOrIntakeRequiredError
        ├── CaseDirectorAlreadyAssignedError, NoCaseDirectorError, SameCaseDirectorError
        ├── ConsentNotInForceError, ActionNotOpenError, InvolvementNotActiveError
        ├── EscalationNotOpenError, DateBeforeReferralError, DateInFutureError
        ├── RetentionHoldError, NotRelevantError
        └── UnregisteredOrganisationError, UnregisteredUserError   (the application's registers)
"""

from __future__ import annotations

import re

__all__ = [
    "shown",
    "ActionNotOpenError",
    "CaseClosedError",
    "CaseDirectorAlreadyAssignedError",
    "CaseNotClosedError",
    "DateBeforeReferralError",
    "DateInFutureError",
    "EscalationNotOpenError",
    "HouseholdErasedError",
    "HouseholdError",
    "IntakeAlreadyHeldError",
    "IntakeRequiredError",
    "InvalidBsnError",
    "InvalidInputError",
    "InvalidPeriodError",
    "InvolvementNotActiveError",
    "NoCaseDirectorError",
    "NotFoundError",
    "NotRelevantError",
    "RefusedError",
    "RelationError",
    "OrientationOrIntakeRequiredError",
    "RetentionHoldError",
    "RuleViolationError",
    "SameCaseDirectorError",
    "StaleVersionError",
    "UnregisteredOrganisationError",
    "UnregisteredUserError",
    "UnknownZrmDomainError",
    "ZrmScoreOutOfRangeError",
    "ConsentNotInForceError",
]


_CODE = re.compile(r"[A-Za-z0-9_.\-]{1,40}")


def shown(value: object) -> str:
    """``value`` quoted if it looks like a code or id; otherwise a neutral stand-in."""
    text = str(value)
    return repr(text) if _CODE.fullmatch(text) else "(the value given)"


class HouseholdError(Exception):
    """Base of every domain error. ``code`` is stable; interfaces map it to types."""

    code = "household-error"


class InvalidInputError(HouseholdError, ValueError):
    code = "invalid-input"


class InvalidBsnError(InvalidInputError):
    code = "invalid-bsn"


class UnknownZrmDomainError(InvalidInputError):
    code = "unknown-zrm-domain"


class ZrmScoreOutOfRangeError(InvalidInputError):
    code = "zrm-score-out-of-range"


class InvalidPeriodError(InvalidInputError):
    code = "invalid-period"


class NotFoundError(HouseholdError, LookupError):
    code = "not-found"


class StaleVersionError(HouseholdError):
    code = "stale-version"


class RefusedError(HouseholdError):
    """A rule of the case refused, told without naming it: the caller may not see the household's state."""

    code = "refused"


class RuleViolationError(HouseholdError):
    code = "rule-violation"


class CaseClosedError(RuleViolationError):
    code = "case-closed"


class CaseNotClosedError(RuleViolationError):
    code = "case-not-closed"


class HouseholdErasedError(RuleViolationError):
    code = "household-erased"


class IntakeRequiredError(RuleViolationError):
    code = "intake-required"


class OrientationOrIntakeRequiredError(RuleViolationError):
    """A coordination decision needs an orientation talk or the integral intake first."""

    code = "orientation-or-intake-required"


class IntakeAlreadyHeldError(RuleViolationError):
    code = "intake-already-held"


class CaseDirectorAlreadyAssignedError(RuleViolationError):
    code = "case-director-already-assigned"


class NoCaseDirectorError(RuleViolationError):
    code = "no-case-director"


class SameCaseDirectorError(RuleViolationError):
    code = "same-case-director"


class ConsentNotInForceError(RuleViolationError):
    code = "consent-not-in-force"


class ActionNotOpenError(RuleViolationError):
    code = "action-not-open"


class InvolvementNotActiveError(RuleViolationError):
    code = "involvement-not-active"


class EscalationNotOpenError(RuleViolationError):
    code = "escalation-not-open"


class DateBeforeReferralError(RuleViolationError):
    code = "date-before-referral"


class DateInFutureError(RuleViolationError):
    code = "date-in-future"


class RetentionHoldError(RuleViolationError):
    code = "retention-hold"


class NotRelevantError(RuleViolationError):
    """The command would record nothing new (e.g. a goal revision that changes nothing)."""

    code = "not-relevant"


class RelationError(RuleViolationError):
    """A relation between members that the household cannot hold (an unknown member, oneself, a child as parent)."""

    code = "invalid-relation"


class UnregisteredOrganisationError(RuleViolationError):
    """A well-formed organisation id that the organisation register does not hold."""

    code = "unregistered-organisation"


class UnregisteredUserError(RuleViolationError):
    """A well-formed user id (worker, case director) that the user directory does not hold."""

    code = "unregistered-user"
