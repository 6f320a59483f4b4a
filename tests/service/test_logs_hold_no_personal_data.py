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


def test_a_whole_municipality_of_operations_logs_no_personal_value(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every event type, reads, denials, an emergency, an export and an erasure: no planted value reaches the logs."""
    from ledger import demo
    from ledger.aggregates import Actor
    from ledger.bootstrap import build
    from ledger.config import Settings
    from ledger.privacy.access import AccessDeniedError

    configure_logging("debug")  # everything, as rendered JSON on stderr
    try:
        clock, ids, household_ids = demo.demo_wiring(seed=3)
        with build(Settings(data_dir=tmp_path, organisation="gemeente-demodorp"), clock=clock, new_id=ids,
                   new_household_id=household_ids) as ledger:
            operator = Actor("op-log", "gemeente-demodorp", "operator")
            report = demo.generate(ledger, households=30, seed=3, operator=operator, clock=clock)
            for i, hid in enumerate(report.household_ids[:10]):
                stranger = Actor(f"u-stranger-{i % 3}", "Elders", "professional")  # 5 emergencies a day each
                ledger.app.history(operator, hid)
                officer = Actor("u-fg", "gemeente-demodorp", "privacy_officer")
                request = ledger.app.record_access_request(officer, hid, requester="data_subject",
                                                           identity_check="digid")
                ledger.app.export_household(officer, hid, request_id=request)
                with pytest.raises(AccessDeniedError):
                    ledger.app.get_household(stranger, hid)
                ledger.app.get_household(stranger, hid, emergency_reason=f"Acute crisis at home, {NAME} needs help now")
            assert set(report.event_counts) >= {"Referred", "Erased", "ConsentWithdrawn", "EscalationRaised"}
    finally:
        structlog.reset_defaults()
    logged = capsys.readouterr()
    output = logged.err + logged.out
    assert output.count('"event"') > 500  # the run did log, a lot ...
    for fact in ("household_referred", "household_erased", "access_denied", "emergency_access"):
        assert f'"{fact}"' in output  # ... including the facts around the sensitive moments
    planted = [v for v in report.personal_values if len(v) >= 5] + [NAME]
    assert len(planted) > 500
    leaks = [v for v in planted if v in output]
    assert leaks == []
