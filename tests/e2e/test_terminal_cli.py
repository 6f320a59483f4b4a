"""Issue 16 item 6 over real HTTP: what a person's commands print at 80 columns, in their own time zone.

Against the served API (the `api` fixture, SQLite and PostgreSQL), as real processes with
``COLUMNS=80`` and ``TZ=Europe/Amsterdam``: no line is wider than the terminal; an access record is
one table row however long its cells (they wrap inside their column, so the rows starting with a
moment are as many as the records); moments read in local time to the second (no microseconds, no
``+00:00``); ``--json`` gives the same records for a script.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from typing import Any

from test_client_cli import ALL_CATEGORIES, LEDGER
from test_plan_in_words_http import _planned

WIDTH = 80
MOMENT = re.compile(r"\b(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?([+-]\d{2}:\d{2}|Z)?")


def at_80(api: Any, who: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env.update(LEDGER_URL=api.url, LEDGER_TOKEN=api.tokens[who], COLUMNS=str(WIDTH), TZ="Europe/Amsterdam")
    done = subprocess.run([*LEDGER, *args], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def fits(text: str) -> None:
    wide = [line for line in text.splitlines() if len(line) > WIDTH]
    assert not wide, f"{len(wide)} lines over {WIDTH} columns, e.g. {wide[0]!r}"


def local_to_the_second(text: str) -> list[str]:
    """Every moment printed: to the second, without a fraction or an offset (the terminal's own zone)."""
    found = MOMENT.findall(text)
    assert all(not fraction and not zone for _, _, fraction, zone in found), [m for m in found if m[2] or m[3]]
    return [f"{d} {t}" for d, t, _, _ in found]


def test_a_persons_commands_fit_80_columns_in_local_time(api: Any) -> None:
    director, hid, ids, w = _planned(api, ALL_CATEGORIES)
    for args in (("whoami",), ("household", "show", hid), ("household", "events", hid),
                 ("household", "plan", hid, "--min-position", str(w.position))):
        text = at_80(api, "director", *args)
        fits(text)
        local_to_the_second(text)
    events = at_80(api, "director", "household", "events", hid)
    raw = json.loads(at_80(api, "director", "household", "events", hid, "--json"))
    assert events.rstrip().endswith(f"{len(raw)} events")


def test_an_access_record_is_one_row_at_80_columns_and_its_moment_local(api: Any) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    _, hid, _, _ = _planned(api, ALL_CATEGORIES)
    table = at_80(api, "privacy", "audit", "log", "--household", hid)
    records = json.loads(at_80(api, "privacy", "audit", "log", "--household", hid, "--json"))
    items = records["items"] if isinstance(records, dict) else records
    assert len(items) >= 8
    fits(table)
    rows = [line for line in table.splitlines() if MOMENT.match(line)]
    assert len(rows) == len(items), table  # one row per record: long cells wrap inside their column
    printed = local_to_the_second(table)
    first = datetime.fromisoformat(items[0]["at"]).astimezone(ZoneInfo("Europe/Amsterdam"))
    assert first.strftime("%Y-%m-%d %H:%M:%S") in printed  # the record's moment, in Amsterdam time
