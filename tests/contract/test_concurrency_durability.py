"""Optimistic concurrency across processes, and durability of acknowledged events."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date

import pytest

from conftest import OPERATOR, FixedClock, Store
from ledger.aggregates import errors
from ledger.application import NewMember


def _refer(ledger) -> tuple[object, int]:
    return ledger.app.refer_household(OPERATOR, sources=["social_work"], members=[NewMember("adult", "Gijs Proefmans")])


def test_second_writer_on_the_same_version_is_refused(store: Store, clock: FixedClock) -> None:
    """Two ledgers that read the same version cannot both write: the second gets a stale-version error."""
    a, b = store.make_ledger(clock=clock), store.make_ledger(clock=clock)
    hid, v = _refer(a)
    first = a.app._load(hid)  # both have read version v ...
    second = b.app._load(hid)
    first.hold_intake(actor=OPERATOR, on=date(2026, 3, 2), domains_discussed=["finances"])
    second.hold_intake(actor=OPERATOR, on=date(2026, 3, 2), domains_discussed=["housing"])
    a.app._save(first)
    with pytest.raises(errors.StaleVersionError):
        b.app._save(second)
    stored = store.make_ledger(clock=clock).app.get_household(OPERATOR, hid)
    assert stored.version == v + 1
    assert [d.value for d in stored.intake.domains_discussed] == ["finances"]


def test_stale_expected_version_changes_nothing(store: Store, clock: FixedClock) -> None:
    """A command naming an old version is refused and records no event."""
    ledger = store.make_ledger(clock=clock)
    hid, v = _refer(ledger)
    v2 = ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["finances"])
    with pytest.raises(errors.StaleVersionError):
        ledger.app.decide_coordination(OPERATOR, hid, expected_version=v, outcome="broker_coordinates")
    assert len(ledger.app.history(OPERATOR, hid)) == v2


def test_refused_command_changes_nothing_but_leaves_its_access_record(store: Store, clock: FixedClock) -> None:
    """A command that breaks a rule leaves the case data exactly as it was; the attempt is on record."""
    ledger = store.make_ledger(clock=clock)
    hid, v = _refer(ledger)
    before = ledger.app.recorder.max_notification_id()
    with pytest.raises(errors.IntakeRequiredError):
        ledger.app.set_plan_goal(OPERATOR, hid, expected_version=v, life_domain="finances", description="x")
    with pytest.raises(errors.InvalidBsnError):
        ledger.app.refer_household(OPERATOR, sources=["wmo_desk"], members=[NewMember("adult", "X", bsn="123456789")])
    with pytest.raises(errors.StaleVersionError):
        ledger.app.record_intake(OPERATOR, hid, expected_version=v + 1, domains_discussed=["finances"])
    new = ledger.app.recorder.select_notifications(start=before + 1, limit=10)
    assert [n.topic.rsplit(":", 1)[-1] for n in new] == ["AccessRecorded"] * 3
    records = [ledger.app.mapper.to_domain_event(n) for n in new]
    assert [(r.action, r.household_id, r.outcome, r.reason) for r in records] == [
        ("set_plan_goal", str(hid), "refused", "Refused by a rule of the case: intake-required."),
        ("refer_household", None, "refused", "Refused by a rule of the case: invalid-bsn."),
        ("record_intake", str(hid), "refused", "Refused by a rule of the case: stale-version."),
    ]
    assert ledger.app.repository.get(hid).version == v
    assert len(ledger.keys.wrapped_keys()) == 1  # the refused referral left no data key behind


def test_acknowledged_event_survives_a_killed_process(store: Store) -> None:
    """An event acknowledged to the caller is there after the writing process dies without closing."""
    script = textwrap.dedent(
        f"""
        import os, sys
        from pathlib import Path
        from ledger.aggregates import Actor
        from ledger.application import NewMember
        from ledger.bootstrap import build
        from ledger.config import Settings
        ledger = build(Settings(data_dir=Path({str(store.data_dir)!r}), database_url={store.database_url!r}))
        hid, v = ledger.app.refer_household(Actor("cons-001", "gemeente-testdorp", "consultant"),
            sources=["police"], members=[NewMember("adult", "Ria Voorproef")])
        print(hid, flush=True)
        os._exit(9)  # no close, no flush, no atexit: like a crash right after the acknowledgement
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 9, done.stderr[-2000:]
    hid = done.stdout.strip()
    h = store.make_ledger().app.get_household(OPERATOR, hid)
    assert h.version == 1 and h.members["m1"].name.value == "Ria Voorproef"
