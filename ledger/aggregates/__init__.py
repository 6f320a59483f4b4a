"""The domain: the household aggregate, its events, values and rules.

Pure: no I/O, no clock reads, no framework beyond ``eventsourcing.domain``.
"""

from . import errors, vocabulary
from .business import business_date
from .household import Household, composition_of, phase_of
from .personal import ERASED, Personal, map_personal, scrub
from .values import (
    ALL_VALUE_OBJECTS,
    Actor,
    Member,
    NetworkContact,
    NetworkRecord,
    StaffRef,
    ValueObject,
    is_valid_bsn,
)
from .instruments import INSTRUMENTS, Instrument

__all__ = [
    "ALL_VALUE_OBJECTS",
    "ERASED",
    "INSTRUMENTS",
    "Actor",
    "Household",
    "Instrument",
    "Member",
    "NetworkContact",
    "NetworkRecord",
    "Personal",
    "StaffRef",
    "ValueObject",
    "business_date",
    "composition_of",
    "errors",
    "is_valid_bsn",
    "map_personal",
    "phase_of",
    "scrub",
    "vocabulary",
]
