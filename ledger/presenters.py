"""JSON-ready presenters of households and events, shared by the CLI, the API and the AVG export.

"Presenter", not "view": the views are the read models in :mod:`ledger.projections`.

- :func:`household_view` names every field it presents. Each attribute of a
  :class:`~ledger.aggregates.Household` is either in :data:`HOUSEHOLD_FIELDS` or in
  :data:`HOUSEHOLD_EXCLUDED` with its reason; ``tests/unit/test_household_presenter.py`` fails
  when the aggregate gains, loses or renames one, so an aggregate refactor cannot silently
  change the API or the export.
- :func:`event_view` stays generic over the event's own fields: the event classes are the
  stored contract (a field is renamed only with a ``class_version`` bump and an upcaster,
  docs/architecture.md), so their fields are what a history shows.
- Value objects inside both (a referral, a consent ...) are shown by their dataclass fields,
  for the same reason: they are stored in events and change only with an upcaster.

Personal values are shown here (this is the case view, for those allowed to see it);
erased ones read ``null``.

Disclosure by category (issue 16): both take the categories withheld from the reader
(``withheld``: category -> reason code, :class:`ledger.privacy.policy.Withheld`). A field or an
event that holds a withheld category (:mod:`ledger.privacy.categories`) is shown as ``null`` (an
event: its version, type and time, without actor or data) and the response names the withheld
categories with their reasons in ``withheld``. A category withheld as ``erased`` nulls nothing: its
personal values read ``null`` already, and the codes that remain are shown.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from ledger.aggregates import Household, Personal
from ledger.aggregates.vocabulary import DataCategory
from ledger.aggregates.values import (
    Actor,
    AddedReferral,
    CaseDirectorship,
    Closure,
    CompositionRevision,
    Consent,
    CoordinationDecision,
    CostRecord,
    DropOut,
    Erasure,
    ErasureRequest,
    Escalation,
    Evaluation,
    Goal,
    Handover,
    Intake,
    Involvement,
    OrientationTalk,
    NetworkRecord,
    PlanAction,
    PlanMeeting,
    Referral,
    RetentionHold,
    ZrmMeasurement,
)
from ledger.privacy.categories import FIELD_CATEGORIES, HEAD_CATEGORIES, event_categories, hidden

__all__ = ["HOUSEHOLD_EXCLUDED", "HOUSEHOLD_FIELDS", "event_view", "household_view", "members_view", "plain"]

_SKIP_EVENT_FIELDS = {"originator_id", "originator_version", "timestamp", "originator_topic", "actor"}

# The household's state attributes shown, in this order, with the type each holds (the API's
# HouseholdOut is built from this table), after id, version, phase, composition, members, erased, created_on
# and modified_on (read from the aggregate's properties). Dicts are keyed by the item's id.
HOUSEHOLD_FIELDS: dict[str, Any] = {
    "referral": Referral,
    "referred_by": Actor,
    "composition_revision": CompositionRevision | None,
    "added_referrals": tuple[AddedReferral, ...],  # later referrals (ReferralAdded), oldest first
    "intake": Intake | None,
    "network": NetworkRecord | None,  # the network as last recorded after the intake (the intake's is in intake)
    "coordination": CoordinationDecision | None,
    "case_director": CaseDirectorship | None,
    "consents": dict[str, Consent],
    "zrm": dict[str, ZrmMeasurement],
    "goals": dict[str, Goal],
    "actions": dict[str, PlanAction],
    "involvements": dict[str, Involvement],
    "evaluations": dict[str, Evaluation],
    "escalations": dict[str, Escalation],
    "costs": dict[str, CostRecord],
    "handovers": dict[str, Handover],
    "retention_holds": dict[str, RetentionHold],
    "drop_out": DropOut | None,
    "closure": Closure | None,
    "erasure": Erasure | None,
    "erasure_request": ErasureRequest | None,
    # issue 15: null until the first talk or meeting (read from the class, so older snapshots load)
    "orientation_talks": dict[str, OrientationTalk] | None,
    "plan_meetings": dict[str, PlanMeeting] | None,
}
# The aggregate's attributes not shown as such, and why.
HOUSEHOLD_EXCLUDED: dict[str, str] = {
    "_id": "shown as id",
    "_version": "shown as version",
    "_created_on": "shown as created_on",
    "_modified_on": "shown as modified_on",
    "_pending_events": "events not saved yet: never part of the state shown",
}


def plain(obj: Any) -> Any:
    """Turn domain values into JSON-ready ones."""
    if isinstance(obj, Personal):
        return obj.value
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, (datetime, date)):
        return obj.isoformat()
    if isinstance(obj, (UUID, Decimal)):
        return str(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted(plain(v) for v in obj)
    return obj


def _masking(withheld: Mapping[DataCategory, Any] | None) -> dict[DataCategory, Any]:
    """The withheld categories that null a part: all but ``erased`` ones, whose personal values read null
    already (scrubbed) while the codes that remain are shown, as before issue 16."""
    return {c: r for c, r in (withheld or {}).items() if str(r) != "erased"}


def _shown(name: str, withheld: Mapping[DataCategory, Any]) -> bool:
    return not hidden(FIELD_CATEGORIES[name], withheld)


def household_view(h: Household, withheld: Mapping[DataCategory, Any] | None = None) -> dict[str, Any]:
    """The household's state, field by field (``HouseholdOut`` in ledger/api/schemas/household.py documents it).

    ``withheld``: the categories not disclosed to this reader; each field holding one reads ``null``.
    """
    w = _masking(withheld)
    composition_shown = not hidden(HEAD_CATEGORIES["composition"], w)
    return {
        "id": str(h.id),
        "version": h.version,
        "phase": h.phase,
        "composition": h.composition.value if composition_shown else None,  # as last revised, else as at referral
        # composition: the ids a consent names (issue 16 item 4); a member's name is identity data besides
        "members": members_view(h, names=not hidden(frozenset({DataCategory.IDENTITY}), w))
        if composition_shown else None,
        "erased": h.is_erased,
        "created_on": h.created_on.isoformat(),
        "modified_on": h.modified_on.isoformat(),
        # erasure_request and composition_revision are read from the class (None) until an event sets them.
        **{name: plain(getattr(h, name)) if _shown(name, w) else None for name in HOUSEHOLD_FIELDS},
        "withheld": {c.value: str(r) for c, r in sorted((withheld or {}).items())},
    }


def members_view(h: Household, *, names: bool = True) -> list[dict[str, Any]]:
    """The members in referral order: id, role, name, and the relations each has as recorded (last revision's).

    The ids are the ones a consent (``member_id``), a measurement and a relation take; a relation is
    listed under the member it is recorded for (``m1 partner_of m2`` under m1: one entry says both ways).
    ``names=False``: a reader to whom identity is withheld sees ids, roles and relations, no name (null).
    """
    relations = h.relations
    return [{"member_id": m.member_id, "role": plain(m.role), "name": plain(m.name) if names else None,
             "relations": [{"relation": plain(r.relation), "to_member_id": r.to_member_id}
                           for r in relations if r.member_id == m.member_id]}
            for m in h.referral.members]


def event_view(e: Any, withheld: Mapping[DataCategory, Any] | None = None) -> dict[str, Any]:
    """One stored event: its version, type, time, actor and its own fields (generic: the event is the contract).

    An event holding a category in ``withheld`` shows its version, type and time only, and which
    of its categories are withheld, and why.
    """
    held = hidden(event_categories(e), _masking(withheld))
    actor = getattr(e, "actor", None)
    return {
        "version": e.originator_version,
        "type": type(e).__name__,
        "recorded_at": e.timestamp.isoformat(),
        "actor": None if held else plain(actor),
        "data": None if held else {k: plain(v) for k, v in vars(e).items() if k not in _SKIP_EVENT_FIELDS},
        "withheld": {k: str(v) for k, v in held.items()} or None,
    }
