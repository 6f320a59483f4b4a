"""The `ledger` command, run as a real process against a real SQLite data directory."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

LEDGER = [sys.executable, "-m", "ledger.cli"]


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LEDGER_DATA_DIR": str(data_dir), "LEDGER_OPERATOR": "op-test"}
    env.pop("LEDGER_DATABASE_URL", None)
    return subprocess.run([*LEDGER, *args], capture_output=True, text=True, env=env, timeout=120)


def fingerprint(data_dir: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data_dir.glob("*.sqlite"))
    }


REFERRAL = {"command": "refer_household", "on": "2026-01-05", "args": {
    "sources": ["wmo_desk"],
    "members": [{"role": "adult", "name": "Joris Proefhuis", "bsn": "999990019"}, {"role": "child", "name": "Mila Proefhuis"}],
}}


def imported(data_dir: Path, *steps: dict[str, Any]) -> str:
    """Put one household in the store as the operator does (`ledger import`); its id."""
    hid = str(uuid.uuid4())
    cases = data_dir.parent / f"{data_dir.name}-{hid[:8]}.jsonl"
    cases.write_text(json.dumps({"household_id": hid, "steps": list(steps)}) + "\n")
    done = run(data_dir, "import", str(cases))
    assert done.returncode == 0, done.stderr
    return hid


@pytest.fixture
def household(tmp_path: Path) -> str:
    return imported(tmp_path, REFERRAL)


def test_views_household_prints_the_history_with_who_acted(tmp_path: Path) -> None:
    """`ledger views household` prints the household's state and each event with its acting user."""
    household = imported(tmp_path, REFERRAL, {"command": "record_intake", "on": "2026-01-09",
                                              "args": {"domains_discussed": ["finances"]}})
    done = run(tmp_path, "views", "household", household)
    assert done.returncode == 0, done.stderr
    assert "phase intake" in done.stdout
    assert "Referred" in done.stdout and "IntakeHeld" in done.stdout
    assert "op-test (gemeente-testdorp, operator)" in done.stdout  # LEDGER_ORGANISATION of the suite (conftest)
    as_json = json.loads(run(tmp_path, "views", "household", household, "--json").stdout)
    assert [e["type"] for e in as_json["events"]] == ["Referred", "IntakeHeld"]
    assert as_json["household"]["referral"]["members"][0]["name"] == "Joris Proefhuis"


def test_views_household_as_of_a_date_replays_only_what_was_recorded_by_then(tmp_path: Path, household: str) -> None:
    """`--as-of` before any event says the household did not exist yet; the day itself shows it."""
    early = run(tmp_path, "views", "household", household, "--as-of", "2000-01-01")
    assert early.returncode == 1 and "did not exist yet" in early.stderr
    assert run(tmp_path, "views", "household", household, "--as-of", "2999-01-01").returncode == 0


@pytest.mark.parametrize(
    "args",
    [
        ["views", "household", "not-a-household"],
        ["views", "household", "00000000-0000-0000-0000-000000000000"],
        ["views", "household", "{hid}", "--as-of", "someday"],
        ["views", "plan", "{hid}", "--as-of", "2026-13-01"],
        ["import", "{cases}"],
        # The operator's case writes are gone (a person does them: `ledger household ...` over HTTP,
        # tests/e2e/test_client_cli.py); the old verbs are a usage error now, and change nothing.
        ["intake", "{hid}", "-v", "1", "--domain", "finances"],
        ["refer", "--source", "wmo_desk", "--member", "adult:Ada Proef:123456789"],
        ["frobnicate"],
        ["views", "household"],
    ],
)
def test_bad_input_prints_one_line_and_changes_nothing(tmp_path: Path, household: str, args: list[str]) -> None:
    """A bad household id or an invalid command gives one error line, a non-zero exit, and no change.

    The one thing a refused command adds is its access record (outcome "refused"), as NEN 7513
    asks for failed attempts too; the case data and the key store stay byte for byte as they were.
    """
    keys_before = fingerprint(tmp_path)["keys.sqlite"]
    case_before, records_before = stored(tmp_path)
    bad_cases = tmp_path.parent / f"{tmp_path.name}-bad.jsonl"  # a referral whose BSN fails the elfproef
    bad_cases.write_text(json.dumps({"household_id": str(uuid.uuid4()), "steps": [{**REFERRAL, "args": {
        "sources": ["wmo_desk"], "members": [{"role": "adult", "name": "Ada Proef", "bsn": "123456789"}]}}]}) + "\n")
    done = run(tmp_path, *[a.replace("{hid}", household).replace("{cases}", str(bad_cases)) for a in args])
    assert done.returncode != 0
    # an import's progress lines (stderr, issue 16 item 6) may come first; the error itself is one line
    lines = [line for line in done.stderr.strip().splitlines() if not line.startswith("import: ")]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    case_after, records_after = stored(tmp_path)
    assert case_after == case_before
    assert fingerprint(tmp_path)["keys.sqlite"] == keys_before
    assert len(records_after) - len(records_before) <= 1
    assert records_after[: len(records_before)] == records_before


def stored(data_dir: Path) -> tuple[list[tuple], list[tuple]]:
    """The stored household events, and the stored access records, in order."""
    import sqlite3

    with sqlite3.connect(data_dir / "ledger.sqlite") as db:
        rows = db.execute("SELECT originator_id, originator_version, topic, state FROM stored_events"
                          " ORDER BY rowid").fetchall()
    records = [r for r in rows if r[2].endswith("AccessRecorded")]
    return [r for r in rows if r not in records], records


def test_error_lines_never_echo_personal_data(tmp_path: Path, household: str) -> None:
    """A refused import does not repeat the name or the BSN it was given."""
    cases = tmp_path.parent / f"{tmp_path.name}-secret.jsonl"
    cases.write_text(json.dumps({"household_id": str(uuid.uuid4()), "steps": [{**REFERRAL, "args": {
        "sources": ["wmo_desk"], "members": [{"role": "adult", "name": "Ada Geheimhouder", "bsn": "123456789"}]}}]}) + "\n")
    done = run(tmp_path, "import", str(cases))
    assert done.returncode == 1
    assert "Geheimhouder" not in done.stderr and "123456789" not in done.stderr


def test_views_households_lists_what_was_referred(tmp_path: Path, household: str) -> None:
    """`ledger views households --json` lists each household with its phase and version."""
    rows = json.loads(run(tmp_path, "views", "households", "--json").stdout)
    assert rows == [{"id": household, "version": 1, "phase": "referred", "referred_on": "2026-01-05",
                     "case_director": None, "erased": False}]


def test_audit_verify_exits_non_zero_at_the_first_altered_record(tmp_path: Path, household: str) -> None:
    """`ledger audit verify` passes on an untouched ledger and names the position of a direct edit."""
    import sqlite3

    digest = tmp_path / "digest.json"
    assert run(tmp_path, "audit", "digest", "--out", str(digest)).returncode == 0
    clean = run(tmp_path, "audit", "verify", "--digest", str(digest))
    assert clean.returncode == 0 and clean.stdout.startswith("ok:")
    with sqlite3.connect(tmp_path / "ledger.sqlite") as conn:
        (rowid,) = conn.execute("SELECT rowid FROM stored_events WHERE CAST(state AS TEXT) LIKE '%wmo_desk%' "
                                "ORDER BY rowid LIMIT 1").fetchone()
        conn.execute("UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), 'wmo_desk', 'wmo_dsk!') AS BLOB) "
                     "WHERE rowid = ?", (rowid,))
    broken = run(tmp_path, "audit", "verify")
    assert broken.returncode == 1
    assert broken.stderr.strip().splitlines()[-1] == (
        f"error: verification failed: Stored data no longer matches the chain at position {rowid}.")


def test_audit_digest_and_verify_leave_an_access_record_as_over_http(tmp_path: Path, household: str) -> None:
    """`ledger audit digest` and `audit verify` record the read as their API routes do (read_access_log, allowed)."""
    from ledger.aggregates import Actor
    from ledger.bootstrap import build
    from ledger.config import Settings

    _, before = stored(tmp_path)
    assert run(tmp_path, "audit", "digest").returncode == 0
    _, after_digest = stored(tmp_path)
    assert len(after_digest) == len(before) + 1
    done = run(tmp_path, "audit", "verify", "--no-views")
    assert done.returncode == 0 and done.stdout.startswith("ok:"), done.stderr
    _, after_verify = stored(tmp_path)
    assert len(after_verify) == len(after_digest) + 1
    with build(Settings(data_dir=tmp_path)) as ledger:
        records = ledger.app.access_log(Actor("op-reader", ledger.settings.organisation, "operator"))
    assert [(r.user_id, r.action, r.outcome) for r in records if r.user_id == "op-test"][-2:] == [
        ("op-test", "read_access_log", "allowed"), ("op-test", "read_access_log", "allowed")]


def test_retention_lists_the_rules_in_force_and_a_bad_file_is_one_line(
    tmp_path: Path, household: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ledger retention` shows the defaults; a broken LEDGER_RETENTION_FILE stops every command with one line."""
    done = run(tmp_path, "retention")
    assert done.returncode == 0 and "youth_care: 20 years after closure, Jeugdwet art. 7.3.8" in done.stdout
    bad = tmp_path / "retention.toml"
    bad.write_text('[[rule]]\nkind = "x"\ncategories = ["finances"]\nyears = "many"\nlaw = "L"\n')
    monkeypatch.setenv("LEDGER_RETENTION_FILE", str(bad))
    before = fingerprint(tmp_path)
    refused = run(tmp_path, "views", "household", household)
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "rule.0.years" in refused.stderr
    assert fingerprint(tmp_path) == before


def test_views_at_two_times_business_date_and_knowledge_time(tmp_path: Path) -> None:
    """`views household|plan|involved --as-of DATE --known-at POS|TIME`: the business date leaves out what happened
    later; --known-at before the intake's recording leaves it out though dated earlier; a time as --as-of is refused
    with a line that names --known-at."""
    household = imported(tmp_path, REFERRAL, {"command": "record_intake", "on": "2026-01-09",
                                              "args": {"domains_discussed": ["finances"]}})
    events = json.loads(run(tmp_path, "views", "household", household, "--json").stdout)["events"]
    assert [e["type"] for e in events] == ["Referred", "IntakeHeld"]
    before = json.loads(run(tmp_path, "views", "household", household, "--as-of", "2026-01-06", "--json").stdout)
    assert before["household"]["phase"] == "referred" and before["as_of"] == "2026-01-06"
    assert [e["type"] for e in before["events"]] == ["Referred"]
    head = before["known_at"]["position"]
    after = json.loads(run(tmp_path, "views", "household", household, "--as-of", "2026-01-09", "--json").stdout)
    assert after["household"]["phase"] == "intake"
    plan = json.loads(run(tmp_path, "views", "plan", household, "--as-of", "2026-01-06", "--known-at", str(head),
                          "--json").stdout)
    assert (plan["phase"], plan["as_of"], plan["known_at"]["position"]) == ("referred", "2026-01-06", head)
    involved = run(tmp_path, "views", "involved", household, "--as-of", "2026-01-09", "--known-at", str(head), "--json")
    assert involved.returncode == 0, involved.stderr
    assert json.loads(involved.stdout)["known_at"]["position"] == head
    # Known at a position before the intake's recording: the intake does not count, though dated before --as-of.
    phases = {}
    for position in range(head, 0, -1):
        then = run(tmp_path, "views", "household", household, "--as-of", "2026-01-09", "--known-at", str(position),
                   "--json")
        if then.returncode != 0:
            assert "did not exist yet" in then.stderr and "knownAt" in then.stderr
            break
        phases[position] = json.loads(then.stdout)["household"]["phase"]
    assert list(dict.fromkeys(phases.values())) == ["intake", "referred"]
    old = run(tmp_path, "views", "plan", household, "--as-of", "2026-01-09T12:00:00+01:00")
    assert old.returncode != 0 and "--known-at" in old.stderr and len(old.stderr.strip().splitlines()) == 1
    early = run(tmp_path, "views", "plan", household, "--known-at", "2000-01-01T00:00:00+00:00")
    assert early.returncode == 1 and "knownAt" in early.stderr


def test_views_caseloads_at_a_business_date_as_known_at_a_position(tmp_path: Path) -> None:
    """`views caseloads --as-of DATE` counts by the events' own dates (a director assigned on the 12th is not there
    on the 10th, whenever it was recorded); `--known-at` before the assignment's recording leaves it out; a time as
    --as-of is refused with one line that names --known-at."""
    added = run(tmp_path, "users", "add", "--name", "Regisseur", "--role", "consultant",
                "--organisation", "gemeente-testdorp", "--id", "u-regie1")
    assert added.returncode == 0, added.stderr
    household = imported(tmp_path, REFERRAL,
                         {"command": "record_intake", "on": "2026-01-09", "args": {"domains_discussed": ["finances"]}},
                         {"command": "assign_case_director", "on": "2026-01-12",
                          "args": {"user_id": "u-regie1", "organisation": "gemeente-testdorp"}})
    head = json.loads(run(tmp_path, "views", "household", household, "--as-of", "2026-01-12", "--json").stdout)[
        "known_at"]["position"]

    def caseloads(*args: str) -> list[dict[str, Any]]:
        done = run(tmp_path, "views", "caseloads", *args, "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    assert caseloads("--as-of", "2026-01-10") == []
    assert caseloads("--as-of", "2026-01-12") == [
        {"user_id": "u-regie1", "organisation": "gemeente-testdorp", "phase": "intake", "households": 1}]
    assert caseloads("--as-of", "2026-01-12", "--known-at", str(head)) == caseloads("--as-of", "2026-01-12")
    before = head  # the last position at which the assignment was not recorded yet
    while json.loads(run(tmp_path, "views", "household", household, "--as-of", "2026-01-12", "--known-at", str(before),
                         "--json").stdout)["household"]["case_director"] is not None:
        before -= 1
    assert before < head
    assert caseloads("--as-of", "2026-01-12", "--known-at", str(before)) == []  # before the assignment's recording
    moment = run(tmp_path, "views", "caseloads", "--as-of", "2026-01-12T12:00:00+01:00")
    assert moment.returncode != 0 and moment.stderr.count("\n") == 1 and "--known-at" in moment.stderr
