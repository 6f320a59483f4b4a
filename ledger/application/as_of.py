"""One household at two times: business time (``as_of``, a date) and knowledge time (``known_at``, a position).

*Business time* is what was true on a day, by the date each event carries
(:func:`~ledger.aggregates.business.business_date`); *knowledge time* is what the ledger had
recorded by then: a ledger position, or a moment meaning the last position recorded at or before it.

The state at ``(as_of, known_at)`` is the fold, in position order, of exactly the household's events
with ``position <= known_at`` and ``business_date <= as_of``. Only the household's own events are read
(one query, :func:`~ledger.persistence.household_notifications`), so the cost follows the household, not
the ledger's size.

**An event that cannot apply** to the filtered state (it builds on an earlier-positioned event that the
business date left out: an action completed on a day before the day it was added, a director replaced
before the first one was assigned) is **skipped**: its positions are listed in :attr:`Folded.skipped`. A
fold never raises for it; the aggregate's own rules decide what "cannot apply" means (its event
handler raises). The fold copies the state before each event, so a skipped event leaves nothing half done.

A household whose ``Referred`` event is left out by either time did not exist then: a
:class:`~ledger.aggregates.errors.NotFoundError` that names which time excluded it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from ledger.aggregates import Household, errors
from ledger.aggregates.business import business_day as business_date
from ledger.persistence import household_notifications

__all__ = ["Folded", "KnownAt", "fold", "household_events", "resolve_known_at"]

KnownAtArg = int | datetime | None
SETTLE = 64  # positions after the bisection's answer looked at one by one (stamps out of order within a save)


@dataclass(frozen=True)
class KnownAt:
    """A resolved knowledge time: the ledger position, and when the ledger recorded it (None: an empty ledger)."""

    position: int
    at: datetime | None


@dataclass
class Folded:
    """A household at ``(as_of, known_at)``: its state, the events that made it (with positions), those skipped."""

    household: Household
    as_of: date
    known_at: KnownAt
    events: list[tuple[int, Any]] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


def _first_from(recorder: Any, start: int, stop: int) -> Notification | None:
    found = recorder.select_notifications(start=start, limit=1, stop=stop)
    return found[0] if found else None


def resolve_known_at(recorder: Any, decode: Callable[[Notification], Any], known_at: KnownAtArg) -> KnownAt:
    """``known_at`` as a position: the head (None), the position itself, or the last one recorded at or before a moment.

    A moment is found by bisection over positions (about 20 one-row reads at a million events), on
    the recording times the events carry (the ledger's clock stamps them in recording order, up to
    the order within one save: the :data:`SETTLE` positions after the answer are looked at one by one). A
    position past the head, a negative one or a moment without an offset is refused.
    """
    head = recorder.max_notification_id() or 0
    if known_at is None:
        position = head
    elif isinstance(known_at, datetime):
        if known_at.tzinfo is None:
            raise errors.InvalidInputError("knownAt needs a time zone offset, e.g. 2026-03-01T09:00:00+01:00.")
        lo, hi = 0, head  # the answer lies in [lo, hi]; 0: nothing was recorded by then
        while lo < hi:
            mid = (lo + hi + 1) // 2
            n = _first_from(recorder, mid, hi)
            if n is not None and decode(n).timestamp <= known_at:
                lo = n.id
            else:
                hi = mid - 1
        # Within one save the stamps need not follow the positions (a read's access record is stamped
        # before the command's events it is saved after): the next few decide the last one by then.
        for n in recorder.select_notifications(start=lo, limit=SETTLE, inclusive_of_start=False, stop=head):
            if decode(n).timestamp <= known_at:
                lo = n.id
        position = lo
    elif isinstance(known_at, bool) or not isinstance(known_at, int) or known_at < 0:
        raise errors.InvalidInputError("knownAt must be a ledger position (0 or more) or a moment with an offset.")
    elif known_at > head:
        raise errors.InvalidInputError(f"knownAt {known_at} is beyond the ledger's last position ({head}).")
    else:
        position = known_at
    return KnownAt(position, _recorded_at(recorder, decode, position))


def _recorded_at(recorder: Any, decode: Callable[[Notification], Any], position: int) -> datetime | None:
    """When the ledger recorded its last event at or before ``position`` (positions may have holes)."""
    if position <= 0:
        return None
    exact = recorder.select_notifications(start=position, limit=1, stop=position)
    if exact:
        return decode(exact[0]).timestamp
    before = recorder.select_notifications(start=max(1, position - 1000), limit=1000, stop=position)
    return decode(before[-1]).timestamp if before else None


def household_events(recorder: Any, decode: Callable[[Notification], Any], household_id: UUID) -> list[tuple[int, Any]]:
    """The household's events with their positions, oldest first (decoded by ``decode``: sealed or blind)."""
    return [(n.id, decode(n)) for n in household_notifications(recorder, household_id)]


def fold(household_id: UUID, events: Sequence[tuple[int, Any]], as_of: date, known_at: KnownAt) -> Folded:
    """The household from its events with ``position <= known_at`` and business date ``<= as_of``.

    Raises :class:`NotFoundError` naming the time that left out its referral.
    """
    if isinstance(as_of, datetime):
        raise TypeError("as_of is a business date now; pass a recording moment as known_at")
    known = [(p, e) for p, e in events if p <= known_at.position]
    if not known:
        raise errors.NotFoundError(f"Household {household_id} did not exist yet at ledger position {known_at.position} "
                                   "(knownAt): the ledger recorded its referral later.")
    first = known[0][1]
    if business_date(first) > as_of:
        raise errors.NotFoundError(f"Household {household_id} did not exist yet on {as_of.isoformat()} (asOf): "
                                   f"its referral is dated {business_date(first).isoformat()}.")
    state: Household | None = None
    applied: list[tuple[int, Any]] = []
    skipped: list[int] = []
    for position, event in known:
        if business_date(event) > as_of:
            continue
        if state is None:
            state = event.mutate(None)
            applied.append((position, event))
            continue
        candidate = copy.deepcopy(state)
        candidate.version = event.originator_version - 1  # a left-out event leaves a gap in the versions
        try:
            event.mutate(candidate)
        except Exception:  # noqa: BLE001 - the aggregate's handler refuses it on this state: skipped, by rule
            skipped.append(position)
            continue
        state = candidate
        applied.append((position, event))
    assert isinstance(state, Household)
    return Folded(household=state, as_of=as_of, known_at=known_at, events=applied, skipped=skipped)
