"""What the plan is made of (:class:`Step`, :class:`Ref`) and what the demo reports it wrote."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID


# ================================================================ the plan
@dataclass(frozen=True)
class Ref:
    """The id an earlier step of the same household returned (a goal, action, consent ...)."""

    key: str


@dataclass(frozen=True)
class Step:
    """One command for one household on one day; ``args`` may hold :class:`Ref` s."""

    household: int  # index in referral order
    seq: int  # position in the household's own story
    on: date
    command: str  # a CaseLedger method
    args: Mapping[str, Any]
    produces: str | None = None  # key under which the returned id is kept
    # The command's business date when it lies before the day the step is recorded on (``on``, which places it in
    # the timeline): an agency already involved before the referral, recorded at the intake. None: ``on``.
    business_on: date | None = None

    @property
    def dated(self) -> date:
        """The business date the command is given (``on=``)."""
        return self.business_on or self.on


@dataclass(frozen=True)
class DemoReport:
    """What the demo wrote."""

    households: int
    events: int
    closed: int  # closed at the end (erased ones included)
    erased: int
    first_day: date
    last_day: date
    household_ids: list[UUID]
    event_counts: dict[str, int]  # per event type (class name on Household)
    personal_values: list[str]  # every personal plaintext value written, once each

    @property
    def date_range(self) -> tuple[date, date]:
        return self.first_day, self.last_day
