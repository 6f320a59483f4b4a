"""NEN 7513 access records, written to the ledger before any result goes out.

Each command, read and refusal becomes one :class:`AccessRecorded` event in the
same event store and notification log as the household events: a command's
record is saved in the same transaction as its events; a read's record is saved
before the data is returned; a refusal's record is saved before the refusal is
raised. If the record cannot be written, nothing is returned.

Fields follow NEN 7513 and Logius' Logboek Dataverwerkingen: action, date and
time (``timestamp``), the household (its pseudonymous id), user, on whose behalf,
organisation, role, data categories, purpose, the authorisation used (consent id,
legal basis, relationship, or emergency), the outcome and the policy's reason.
No personal data beyond ids, except an emergency reason, which is sealed under
the household's key like any other free text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from eventsourcing.domain import DomainEvent

from ledger.aggregates import Personal
from ledger.aggregates.actions import commands
from ledger.aggregates.errors import HouseholdError
from ledger.aggregates.values import Actor
from ledger.aggregates.vocabulary import DataCategory

from .policy import Decision

__all__ = [
    "ALL_CATEGORIES", "COMMAND_CATEGORIES", "IDENTITY_CHECKS", "REQUESTERS", "REVIEW_VERDICTS", "AccessDeniedError",
    "IdentityCheck", "Requester", "ReviewVerdict",
    "AccessRecorded", "AccessRequestRecorded",
    "EmergencyReviewed", "access_record", "refused_record",
]


class ReviewVerdict(StrEnum):
    """What the privacy officer concludes about an emergency access (break the glass)."""

    JUSTIFIED = "justified"
    UNJUSTIFIED = "unjustified"


class IdentityCheck(StrEnum):
    """How the requester of a data subject's access request was identified (AVG art. 12(6))."""

    ID_DOCUMENT_IN_PERSON = "id_document_in_person"
    DIGID = "digid"
    KNOWN_REPRESENTATIVE = "known_representative"
    OTHER_VERIFIED = "other_verified"


class Requester(StrEnum):
    """Who asked for a data subject's access (inzageverzoek)."""

    DATA_SUBJECT = "data_subject"
    LEGAL_REPRESENTATIVE = "legal_representative"


REVIEW_VERDICTS = frozenset(v.value for v in ReviewVerdict)

ALL_CATEGORIES = frozenset(DataCategory)
# Which data categories each command writes (and therefore needs a basis for): declared with the
# command in ledger/aggregates/actions.py; a command without them fails there, at import.
COMMAND_CATEGORIES: dict[str, frozenset[DataCategory]] = {
    s.action: s.categories for s in commands() if s.categories is not None
}

IDENTITY_CHECKS = frozenset(c.value for c in IdentityCheck)
REQUESTERS = frozenset(r.value for r in Requester)


class AccessDeniedError(HouseholdError):
    """The access policy refused; the refusal itself has been recorded."""

    code = "access-denied"


class AccessRecorded(DomainEvent):
    """One NEN 7513 access record (its own one-event stream in the ledger)."""

    action: str
    household_id: str | None
    user_id: str
    organisation: str
    role: str
    on_behalf_of: str | None
    purpose: str
    data_categories: list[str]
    authorisation: str | None
    outcome: str  # "allowed" | "denied" (by the policy) | "refused" (allowed, but a domain rule said no)
    reason: str
    emergency: bool
    emergency_reason: Personal | None
    subject_user_id: str | None = None  # user management: the user added or disabled
    # Put on the privacy officer's review list besides emergencies: "legal_basis" (a legal basis
    # was recorded, by whom in the consent's ``decided_by``), "emergency_burst" (one of many).
    needs_review: str | None = None
    subject_organisation: str | None = None  # the organisation registered, or the managed user's
    # Issue 16: a read disclosed by category names here each category it withheld, with the reason
    # code (ledger.privacy.policy.Withheld); ``data_categories`` are those disclosed. None: nothing
    # withheld (and every record stored before issue 16: an optional field with a default).
    withheld_categories: dict[str, str] | None = None

    @property
    def sealing_subject(self) -> str | None:
        """Whose data key seals the emergency reason: the household's."""
        return self.household_id


def access_record(
    *,
    actor: Actor,
    action: str,
    household_id: UUID | None,
    categories: frozenset[DataCategory],
    decision: Decision,
    at: datetime,
    emergency_reason: str | None = None,
    subject_user_id: str | None = None,
    needs_review: str | None = None,
    reason: str | None = None,
    subject_organisation: str | None = None,
    withheld: Mapping[DataCategory, str] | None = None,
) -> AccessRecorded:
    return AccessRecorded(  # type: ignore[call-arg]  # eventsourcing makes the event's fields, unseen by mypy
        originator_id=uuid4(),
        originator_version=1,
        timestamp=at,
        action=str.__str__(action),  # a plain str: the stored name, whether given as an Action or not
        household_id=str(household_id) if household_id else None,
        user_id=actor.user_id,
        organisation=actor.organisation,
        role=actor.role,
        on_behalf_of=actor.on_behalf_of,
        purpose=actor.purpose,
        data_categories=sorted(c.value for c in categories),
        authorisation=decision.authorisation,
        outcome="allowed" if decision.allowed else "denied",
        reason=reason or decision.reason,
        emergency=decision.emergency,
        emergency_reason=Personal(emergency_reason) if decision.emergency and emergency_reason else None,
        subject_user_id=subject_user_id,
        needs_review=needs_review,
        subject_organisation=subject_organisation,
        withheld_categories={c.value: str(w) for c, w in sorted(withheld.items())} if withheld else None,
    )


def refused_record(allowed: AccessRecorded, code: str, *, household_id: str | None) -> AccessRecorded:
    """The record of a command the policy allowed but a domain rule refused (``code``: the error's code)."""
    return AccessRecorded(  # type: ignore[call-arg]  # eventsourcing makes the event's fields, unseen by mypy
        originator_id=uuid4(),
        originator_version=1,
        timestamp=allowed.timestamp,
        **{name: getattr(allowed, name) for name in (
            "action", "user_id", "organisation", "role", "on_behalf_of", "purpose",
            "data_categories", "authorisation", "emergency", "emergency_reason", "subject_user_id",
            "subject_organisation")},
        needs_review=None,  # nothing happened that needs a review
        household_id=household_id,
        outcome="refused",
        reason=f"Refused by a rule of the case: {code}.",
    )


class AccessRequestRecorded(DomainEvent):
    """A data subject's access request (AVG art. 15), recorded by the privacy officer before it is answered.

    Its own one-event stream (the originator id is the request id). An export names it; the
    export's access record carries the household id, so it shows in the household's access log.
    """

    household_id: str
    requester: str  # one of REQUESTERS
    identity_check: str  # one of IDENTITY_CHECKS
    received_on: str  # ISO date the request arrived
    recorded_by: str  # the privacy officer's user id


class EmergencyReviewed(DomainEvent):
    """The privacy officer's review of one emergency access (its own one-event stream)."""

    record_id: str  # the AccessRecorded event's originator id
    reviewer_id: str
    verdict: str  # one of REVIEW_VERDICTS
