"""Logs are structured facts with ids and codes, never personal data."""

from __future__ import annotations

import json
from datetime import date

import pytest
import structlog
from structlog.testing import capture_logs

from conftest import OPERATOR, FixedClock, Store
from ledger.application import NewMember
from ledger.logs import configure_logging

NAME, BSN, NOTE = "Hendrika Proefveld", "999990019", "Hendrika heeft schulden bij de woningcorporatie"


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_commands_log_facts_without_personal_values(store: Store, clock: FixedClock) -> None:
    """Every command logs a snake_case fact with ids; no name, BSN or free text reaches a log entry."""
    ledger = store.make_ledger(clock=clock)
    with capture_logs() as entries:
        hid, v = ledger.app.refer_household(
            OPERATOR, sources=["police"], members=[NewMember("adult", NAME, bsn=BSN)], address="Proeflaan 1"
        )
        v = ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["finances"], summary=NOTE)
    assert [e["event"] for e in entries] == ["household_referred", "intake_recorded"]
    assert all(e["household_id"] == str(hid) for e in entries)
    dumped = json.dumps(entries, default=str)
    for value in (NAME, BSN, NOTE, "Proeflaan"):
        assert value not in dumped


def test_redaction_masks_personal_fields_and_bsns(capsys: pytest.CaptureFixture[str]) -> None:
    """A careless log call with a name field or a BSN in a message is redacted before it is written."""
    configure_logging("info")
    try:
        structlog.get_logger("t").info("careless", name=NAME, detail=f"bsn {BSN} and 123456789", on=date(2026, 1, 1))
    finally:
        structlog.reset_defaults()
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["name"] == "[redacted]"
    assert line["detail"] == "bsn [bsn] and 123456789"  # only elfproef-valid numbers are BSNs
    assert NAME not in json.dumps(line)
