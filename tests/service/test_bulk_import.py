"""Bulk import (ledger/bulk.py) on real SQLite and PostgreSQL.

The import must give exactly what the same steps give through the live commands, seal
personal data like them, leave one access record per household, write nothing at all
when any line is bad, and refuse (or, with resume, skip) a second import of a file.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from pathlib import Path
from uuid import UUID

import pytest

from ledger.aggregates import Actor
from ledger.application import CaseLedger
from ledger.bootstrap import Ledger, build
from ledger.demo import register_organisations, build_plan, register_staff
from ledger.config import Settings
from ledger.bulk import ImportError_, import_lines, plan_lines, staff_named, step_arguments
from ledger.privacy.access import AccessRecorded
from ledger.presenters import household_view

from conftest import FixedClock, Store, MUNICIPALITY

OPERATOR = Actor(user_id="migration-01", organisation="gemeente-testdorp", role="operator")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
START, END = date(2025, 1, 6), date(2026, 2, 27)


def _lines(households: int = 12, seed: int = 5) -> list[str]:
    return list(plan_lines(households=households, seed=seed, start=START, end=END))


_SET_UP: dict[int, int] = {}  # id(app) -> its last position once start-up and the directory were written


def _with_staff(ledger: Ledger, households: int | None = 12, seed: int = 5) -> Ledger:
    """The plan's organisations and (unless ``households`` is None) its case directors and workers in the
    ledger's directory: they must be registered."""
    register_organisations(ledger, OPERATOR)
    if households is not None:
        register_staff(ledger, build_plan(households=households, seed=seed, start=START, end=END))
    _SET_UP[id(ledger.app)] = ledger.app.recorder.max_notification_id() or 0
    return ledger


def _count(app: CaseLedger) -> int:
    """Notifications recorded after the start-up and the directory set-up (a directory change is an event too)."""
    return (app.recorder.max_notification_id() or 0) - _SET_UP[id(app)]


def _live(app: CaseLedger, line: str) -> UUID:
    """The same household through the live commands (each step its own save), item ids derived as the import does."""
    data = json.loads(line)
    hid = UUID(data["household_id"])
    seq = {"n": 0}

    def new_id() -> str:
        seq["n"] += 1
        return hashlib.sha256(f"{hid}:{seq['n']}".encode()).hexdigest()[:12]

    app.new_id, app.new_household_id = new_id, lambda: hid
    refs: dict[str, str] = {}
    version = 0
    for step in data["steps"]:
        cmd = step["command"]
        on = date.fromisoformat(step["on"])
        args = step_arguments(cmd, {k: refs[v["ref"]] if isinstance(v, dict) and "ref" in v else v
                                    for k, v in step["args"].items()}, on)
        if cmd == "refer_household":
            _, version = app.refer_household(OPERATOR, on=on, **args)
            continue
        result = getattr(app, cmd)(OPERATOR, hid, expected_version=version, on=on, **args)
        if isinstance(result, tuple):
            if "produces" in step:
                refs[step["produces"]] = result[0]
            version = result[1]
        else:
            version = result
    return hid


def _comparable(view: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in view.items() if k not in ("created_on", "modified_on")}


def test_import_equals_live_commands_sealed_recorded_and_chained(store: Store) -> None:
    lines = _lines()
    steps = [s for line in lines for s in json.loads(line)["steps"]]
    # issue 15: the file holds other instruments than the ZRM and goals in the life domains that are no category
    assert {s["args"]["instrument"] for s in steps if s["command"] == "record_measurement"} >= {"ladder", "life_score"}
    assert {"adl", "daytime_activities", "social_participation"} & {s["args"]["life_domain"] for s in steps
                                                                  if s["command"] == "set_plan_goal"}
    clock = FixedClock(NOW)
    ledger = _with_staff(store.make_ledger(clock=clock, snapshot_interval=10))  # snapshots inside the import too
    report = import_lines(ledger.app, lambda: lines, OPERATOR, batch_size=100)
    ids = [UUID(json.loads(line)["household_id"]) for line in lines]
    commands = {step["command"] for line in lines for step in json.loads(line)["steps"]}
    assert {"hold_orientation_talk", "schedule_plan_meeting", "record_measurement"} <= commands  # issue 15's too
    rarer = {step["command"] for line in _lines(40) for step in json.loads(line)["steps"]}  # a file, not imported
    assert {"add_referral", "revise_composition", "record_network"} <= rarer
    assert report.households == 12 and report.access_records == 12
    assert report.batches >= 3 and report.batches == len(report.batch_sizes)
    assert sum(report.batch_sizes) == report.events + report.access_records == _count(ledger.app)

    # a batch closes before it would pass 100 events; only a household bigger than that stands alone
    alone = {ledger.app.repository.get(hid).version + 1 for hid in ids}
    assert all(size <= 100 or size in alone for size in report.batch_sizes)

    live = _with_staff(build(Settings(data_dir=store.data_dir / "live", organisation=MUNICIPALITY),  # SQLite: any store
                             clock=FixedClock(NOW)))
    store.built.append(live)
    for line in lines:
        _live(live.app, line)
    for hid in ids:
        imported = ledger.app.get_household(OPERATOR, hid)
        assert _comparable(household_view(imported)) == _comparable(household_view(live.app.get_household(OPERATOR, hid)))
        events = list(ledger.app.events.get(hid))
        assert {e.timestamp for e in events} == {NOW}  # recorded when the ledger learned them
        assert events[0].referral.on < NOW.date() - timedelta(days=2)  # business dates from the source
        assert {e.actor.user_id for e in events} == {"migration-01"}

    # one access record per household: the import, by the operator, in the household's batch
    records = [r for r in ledger.app.access_log(OPERATOR) if r.action == "import_household"]
    assert sorted(r.household_id for r in records) == sorted(str(h) for h in ids)
    assert {(r.user_id, r.role, r.outcome) for r in records} == {("migration-01", "operator", "allowed")}

    # sealed like a live command: no personal value from the file in any stored state
    personal = [m["name"] for line in lines for m in json.loads(line)["steps"][0]["args"]["members"]]
    personal += [m["bsn"] for line in lines for m in json.loads(line)["steps"][0]["args"]["members"] if "bsn" in m]
    stored = b"".join(bytes(n.state) for n in ledger.app.recorder.select_notifications(start=1, limit=100_000))
    assert b"finances" in stored or b"housing" in stored  # clear codes are there: the scan sees event data
    assert not [p for p in personal if p.encode() in stored]

    verified = ledger.chain.verify()
    assert verified.ok and verified.head_position == ledger.app.recorder.max_notification_id()
    assert ledger.app.verify_snapshots() == []
    snapshotted = [hid for hid in ids if list(ledger.app.snapshots.get(hid))]
    assert snapshotted and all(ledger.app.repository.get(hid).version >= 10 for hid in snapshotted)


def test_a_bad_line_anywhere_writes_nothing_and_names_line_and_code_only(store: Store) -> None:
    lines = _lines(6)
    bad = json.loads(lines[-1])
    bad["steps"][0]["args"]["members"][0]["bsn"] = "123456789"  # fails the elfproef
    secret = bad["steps"][0]["args"]["members"][0]["name"]
    ledger = _with_staff(store.make_ledger(clock=FixedClock(NOW)), 6)
    before = _count(ledger.app)
    with pytest.raises(ImportError_) as refused:
        import_lines(ledger.app, lambda: [*lines[:-1], json.dumps(bad)], OPERATOR, batch_size=50)
    assert str(refused.value) == "line 6, step 1 (refer_household): invalid-bsn"
    assert secret not in str(refused.value) and "123456789" not in str(refused.value)
    assert _count(ledger.app) == before and ledger.keys.wrapped_keys() == {}  # the five good lines neither

    # a rule of the case (a step before its referral date), an unknown command, a bad ref, a non-JSON line
    late = json.loads(lines[0])
    late["steps"][1]["on"] = "2000-01-01"
    with pytest.raises(ImportError_, match=r"^line 1, step 2 \(\w+\): date-before-referral$"):
        import_lines(ledger.app, lambda: [json.dumps(late)], OPERATOR)
    unknown = json.loads(lines[0])
    unknown["steps"][1]["command"] = "drop_table"
    with pytest.raises(ImportError_, match=r"^line 1, step 2: import-unknown-command$"):
        import_lines(ledger.app, lambda: [json.dumps(unknown)], OPERATOR)
    with pytest.raises(ImportError_, match=r"^line 2: import-not-json$"):
        import_lines(ledger.app, lambda: [lines[0], "{not json"], OPERATOR)
    with pytest.raises(ImportError_, match=r"^line 2: duplicate-household$"):
        import_lines(ledger.app, lambda: [lines[0], lines[0]], OPERATOR)
    assert _count(ledger.app) == before


def test_second_import_is_refused_resume_skips_dry_run_writes_nothing(store: Store) -> None:
    lines = _lines(5)
    ledger = _with_staff(store.make_ledger(clock=FixedClock(NOW)), 5)
    dry = import_lines(ledger.app, lambda: lines, OPERATOR, dry_run=True)
    assert dry.households == 5 and dry.events > 5 and _count(ledger.app) == 0
    done = import_lines(ledger.app, lambda: lines[:3], OPERATOR)
    after = _count(ledger.app)
    assert done.households == 3 and after == done.events + 3
    with pytest.raises(ImportError_, match=r"^line 1: household-exists$"):
        import_lines(ledger.app, lambda: lines, OPERATOR)
    assert _count(ledger.app) == after
    resumed = import_lines(ledger.app, lambda: lines, OPERATOR, resume=True)
    assert (resumed.skipped, resumed.households) == (3, 2)
    assert resumed.events == dry.events - done.events
    assert len(ledger.app.list_households(OPERATOR)) == 5


def test_only_the_local_operator_imports(store: Store) -> None:
    ledger = _with_staff(store.make_ledger(clock=FixedClock(NOW)), None)
    consultant = Actor(user_id="cons-001", organisation="gemeente-testdorp", role="consultant")
    with pytest.raises(ImportError_, match="reserved to the local operator"):
        import_lines(ledger.app, lambda: _lines(1), consultant)
    assert _count(ledger.app) == 0
    assert not [r for r in ledger.app._access_records() if isinstance(r, AccessRecorded)
                and r.action not in ("add_organisation", "add_user")]  # the directory set-up only


def test_cli_import_prints_counts_and_refuses_a_second_run(store: Store, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from ledger.cli import main

    path = tmp_path / "cases.jsonl"
    path.write_text("".join(_lines(3)))
    _with_staff(store.make_ledger(), 3)
    monkeypatch.setenv("LEDGER_DATA_DIR", str(store.data_dir))
    if store.database_url:
        monkeypatch.setenv("LEDGER_DATABASE_URL", store.database_url)
    assert main(["import", str(path), "--dry-run"]) == 0
    assert "3 lines: would import 3 households" in capsys.readouterr().out
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "3 lines: imported 3 households" in out and "3 access records in 1 transactions" in out
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()  # progress lines (stderr, issue 16) come before the error
    assert err[-1] == "error: line 1: household-exists" and sum(line.startswith("error:") for line in err) == 1
    assert main(["import", str(path), "--resume"]) == 0
    assert "imported 0 households" in capsys.readouterr().out


def test_an_import_naming_unregistered_staff_writes_nothing(store: Store) -> None:
    """A director or worker id in the file that is not a registered user stops the import: nothing is written.

    ``staff_named`` lists the users the file needs; once they are added, the same file imports.
    """
    ledger = _with_staff(store.make_ledger(clock=FixedClock(NOW)), None)  # the organisations only
    with pytest.raises(ImportError_, match=r"^line \d+, step \d+ \((assign_case_director|start_involvement)\): "
                                           r"unregistered-user$"):
        import_lines(ledger.app, lambda: _lines(5), OPERATOR)
    assert _count(ledger.app) == 0 and ledger.keys.wrapped_keys() == {}
    needed = staff_named(_lines(5))
    assert needed and {role for _org, role in needed.values()} <= {"consultant", "professional"}
    for user_id, (organisation, role) in needed.items():
        if not ledger.app.is_user(user_id):
            ledger.users.add(display_name=f"Staff {user_id}", organisation=organisation, role=role, user_id=user_id)
    assert import_lines(ledger.app, lambda: _lines(5), OPERATOR).households == 5


def test_staging_is_the_live_application_in_memory_and_records_nothing(store: Store) -> None:
    """Bulk staging runs the real CaseLedger on eventsourcing's in-memory store with the pass-through guard:
    the live command code seals and saves each step there, no access record is made, the ledger is untouched."""
    from eventsourcing.utils import get_topic

    from ledger.application import PassThroughGuard
    from ledger.bulk import _parse, _stage
    from ledger.bulk_staging import Staging

    lines = _lines(2)
    ledger = _with_staff(store.make_ledger(clock=FixedClock(NOW)), 2)
    before = _count(ledger.app)
    staging = Staging(ledger.app, ledger.app.clock)
    try:
        assert isinstance(staging.ledger, CaseLedger) and type(staging.ledger) is CaseLedger
        assert type(staging.ledger.guard) is PassThroughGuard
        assert type(staging.ledger.recorder).__module__ == "eventsourcing.popo"
        entry = _parse(1, lines[0])
        version, categories = _stage(staging, entry, OPERATOR)
        household, events = staging.staged(entry.household_id)
        assert household.version == version == len(events) and categories
        stored = staging.ledger.recorder.select_notifications(start=1, limit=10_000)
        assert [(n.originator_id, n.originator_version) for n in stored] == [
            (e.originator_id, e.originator_version) for e in events]  # one save per step, nothing else
        assert not staging.ledger.recorder.select_notifications(start=1, limit=10, topics=[get_topic(AccessRecorded)])
        name = json.loads(lines[0])["steps"][0]["args"]["members"][0]["name"]
        assert name.encode() not in b"".join(bytes(n.state) for n in stored)  # sealed by the live mapper
    finally:
        staging.close()
    assert _count(ledger.app) == before and ledger.keys.wrapped_keys() == {}
