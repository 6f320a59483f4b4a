"""The two times' parts that need no store: every event's business date, and the parsing of both times."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ledger.aggregates import Household, errors
from ledger.aggregates.business import _WHERE, business_date, business_day
from ledger.api.routes.common import parse_times
from ledger.cli.dates import parse_as_of, parse_known_at


def _event_classes() -> set[type]:
    found = set()
    for name in dir(Household):
        cls = getattr(Household, name)
        if isinstance(cls, type) and issubclass(cls, Household.Event) and cls not in (Household.Event, Household.Created):
            found.add(cls)
    return found


def test_every_household_event_says_where_its_business_date_is() -> None:
    """A new event type must name its date here, or an as-of read would place it by its recording day."""
    assert _event_classes() <= set(_WHERE), sorted(c.__name__ for c in _event_classes() - set(_WHERE))


def test_an_event_without_a_date_falls_back_to_its_recording_day() -> None:
    class Odd:
        timestamp = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)

    assert business_day(Odd()) == date(2026, 3, 1)
    assert business_date(Odd()) is None  # not a household event: no business date


def test_the_http_times_parse_and_a_timestamp_as_as_of_names_known_at() -> None:
    assert parse_times("2013-05-01", "1200") == (date(2013, 5, 1), 1200)
    assert parse_times(None, "2026-03-01T09:00:00+01:00")[1] == datetime.fromisoformat("2026-03-01T09:00:00+01:00")
    assert parse_times(None, None) == (None, None)
    with pytest.raises(errors.InvalidInputError, match="knownAt") as old:
        parse_times("2026-03-01T09:00:00+01:00", None)
    assert "business date" in str(old.value)
    for bad in ("2026-03-01T09:00:00", "-3", "yesterday"):
        with pytest.raises(errors.InvalidInputError, match="knownAt"):
            parse_times(None, bad)
    with pytest.raises(errors.InvalidInputError, match="asOf"):
        parse_times("2026-13-01", None)


def test_the_cli_times_parse_and_a_time_as_as_of_names_known_at() -> None:
    assert parse_as_of("2013-05-01") == date(2013, 5, 1) and parse_as_of(None) is None
    assert parse_known_at("42") == 42 and parse_known_at(None) is None
    assert parse_known_at("2026-03-01T09:00+01:00") == datetime.fromisoformat("2026-03-01T09:00+01:00")
    with pytest.raises(ValueError, match="--known-at"):
        parse_as_of("2026-03-01T09:00+01:00")
    with pytest.raises(ValueError, match="--known-at"):
        parse_known_at("2026-03-01T09:00")  # no offset
