"""The application's rooms compose one eventsourcing Application under its pinned name."""

from __future__ import annotations

from ledger.application import AccessGuard, CaseLedger
from ledger.application.core import LedgerCore


def test_case_ledger_keeps_the_pinned_name_that_names_its_tables() -> None:
    """CaseLedger is named "Ledger" (its PostgreSQL tables are ledger_events ...), not after its class."""
    assert CaseLedger.name == "Ledger" == LedgerCore.name


def test_no_room_overrides_another_rooms_use_case() -> None:
    """Each public method of CaseLedger is defined by exactly one room, so the rooms' order does not matter."""
    rooms = [c for c in CaseLedger.__mro__[1:] if issubclass(c, LedgerCore) and c is not LedgerCore]
    seen: dict[str, str] = {}
    for room in rooms:
        for name, value in vars(room).items():
            if callable(value) and not name.startswith("__"):
                assert name not in seen, f"{name} is defined in {seen[name]} and {room.__name__}"
                seen[name] = room.__name__
    assert {"refer_household", "set_plan_goal", "erase_household", "get_household", "export_household",
            "verify_snapshots"} <= set(seen)


def test_the_guard_is_a_collaborator_not_a_base() -> None:
    """The access guard is composed into the application, not inherited."""
    assert not issubclass(CaseLedger, AccessGuard)
    assert "authorised" not in dir(CaseLedger)
