"""Issue 16 item 6 over real HTTP: the person's commands at 80 columns, in local time, and as JSON.

One service (SQLite, uvicorn on a free port) for the module, a few households. Each command runs as a real
process with ``COLUMNS=80`` and ``TZ``/``LEDGER_TIMEZONE=Europe/Amsterdam``: no line is longer than 80
characters, a record is one table row (long cells wrap inside their column), moments are local time to the
second (no microseconds, no UTC offset), and ``--json`` gives the same records as parseable JSON.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from types import SimpleNamespace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import API_USERS, ORGANISATIONS, register_organisations
from test_emergency_review_http import REASON, broken_glass
from test_plan_in_words_http import _planned

from ledger.bootstrap import build
from ledger.config import Settings

MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}\.\d+")
UTC_OFFSET = re.compile(r"\d{2}:\d{2}(:\d{2})?(\+00:00|Z)\b")
LOCAL_SECOND = re.compile(r"\b20\d\d-\d\d-\d\d \d\d:\d\d:\d\d\b")


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from api_server import serving

    settings = Settings(data_dir=tmp_path_factory.mktemp("terminal"))
    tokens, ids = {}, {}
    with build(settings) as ledger:
        register_organisations(ledger, *ORGANISATIONS, *(org for org, _ in API_USERS.values()))
        for name, (org, role) in API_USERS.items():
            user, token = ledger.users.add(display_name=f"Test {name}", organisation=org, role=role,
                                           user_id=f"u-{name}")
            tokens[name], ids[name] = token, user.user_id
    with serving(settings) as url:
        yield SimpleNamespace(url=url, tokens=tokens, user_ids=ids)


@pytest.fixture(scope="module")
def household(api: Any) -> str:
    """A planned household (long goal and action texts) on which an outsider also broke the glass."""
    _, hid, _, _ = _planned(api)
    broken_glass(api)
    return hid


def cli(api: Any, who: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env.update(LEDGER_URL=api.url, LEDGER_TOKEN=api.tokens[who], COLUMNS="80", TZ="Europe/Amsterdam",
               LEDGER_TIMEZONE="Europe/Amsterdam")
    done = subprocess.run([sys.executable, "-m", "ledger.cli", *args], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout


def fits(text: str) -> str:
    too_long = [line for line in text.splitlines() if len(line) > 80]
    assert not too_long, too_long
    assert not MICROSECONDS.search(text) and not UTC_OFFSET.search(text), text
    return text


def rows(text: str, first: re.Pattern[str]) -> list[str]:
    """The table rows: the lines whose first cell matches ``first`` (a wrapped cell's next lines do not)."""
    return [line for line in text.splitlines() if first.match(line)]


def local(moment: str) -> str:
    """An ISO moment from --json (UTC) as the table should show it: Amsterdam time to the second."""
    return datetime.fromisoformat(moment).astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%Y-%m-%d %H:%M:%S")


def test_the_access_log_is_one_row_per_record_in_local_time_to_the_second(api: Any, household: str) -> None:
    cli(api, "director", "household", "show", household)  # a read, so the log holds reads too
    text = fits(cli(api, "privacy", "audit", "log", "--household", household))
    records = json.loads(cli(api, "privacy", "audit", "log", "--household", household, "--json"))
    table = rows(text, LOCAL_SECOND)
    assert len(table) == len(records) >= 9
    assert [line[:19] for line in table] == [local(r["at"]) for r in records]
    assert [line.split()[2] for line in table] == [r["user_id"] for r in records]
    assert any(r["at"].endswith(("Z", "+00:00")) or "." in r["at"] for r in records)  # JSON keeps the UTC form
    assert "times in Europe/Amsterdam" in text


def test_the_review_list_wraps_the_stated_reason_inside_its_column(api: Any, household: str) -> None:
    text = fits(cli(api, "privacy", "audit", "emergencies"))
    records = json.loads(cli(api, "privacy", "audit", "emergencies", "--json"))
    assert records and all(r["stated_reason"]["text"] == REASON for r in records)
    ids = [r["record_id"][:8] for r in records]
    table = [line for line in text.splitlines() if line[:8] in ids]
    assert len(table) == len(records)  # one row each; the reason's other words are on the lines below, in its column
    words = " ".join(text.split())
    assert all(w in words for w in REASON.replace(",", "").split()[:3])
    assert LOCAL_SECOND.search(table[0])


def test_the_history_is_one_row_per_event_and_fits(api: Any, household: str) -> None:
    text = fits(cli(api, "director", "household", "events", household))
    events = json.loads(cli(api, "director", "household", "events", household, "--json"))
    assert len(rows(text, re.compile(r"^20\d\d-\d\d-\d\d  "))) == len(events) == 8
    assert text.rstrip().endswith(f"{len(events)} events")


def test_the_household_and_its_plan_fit_80_columns(api: Any, household: str) -> None:
    shown = fits(cli(api, "director", "household", "show", household))
    state = json.loads(cli(api, "director", "household", "show", household, "--json"))
    assert f"Household {household}" in shown and f"version {state['version']}" in shown
    member = state["members"][0] if "members" in state else None
    assert member is None or member["member_id"] in shown
    plan = fits(cli(api, "director", "household", "plan", household))
    machine = json.loads(cli(api, "director", "household", "plan", household, "--json"))
    for action in machine["actions"]:
        assert len([line for line in plan.splitlines() if line.startswith(action["description"][:10])]) == 1
    assert fits(cli(api, "director", "whoami")).startswith("u-director (consultant, gemeente-testdorp)")
    assert json.loads(cli(api, "director", "whoami", "--json"))["user_id"] == "u-director"
