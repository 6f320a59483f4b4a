"""Issue 16 item 2: `ledger household plan` and `ledger household events` read as words, as real processes.

Over the served API (the `api` fixture) on SQLite and PostgreSQL: the plan per goal with its actions (text, who
acts, due, status, late), the history one row per event with what happened in words; `--json` keeps the machine
form of both; an erased household's plan shows no text.
"""

from __future__ import annotations

import json
from typing import Any

from test_client_cli import ALL_CATEGORIES, client, ledger, ok
from test_plan_in_words_http import ACTION, GOAL, OWN, _planned


def test_cli_plan_shows_each_goal_with_its_actions_in_words(api: Any) -> None:
    """Goal text, action texts, the organisation and worker who act, the due date, status and the late flag."""
    _, hid, ids, w = _planned(api)
    text = ok(ledger(api, "director", "household", "plan", hid, "--min-position", str(w.position)))
    assert f"Goal (finances): {GOAL}" in text and "target 2026-12-31" in text
    assert "case director: Test director (u-director), gemeente-testdorp" in text
    assert ACTION in text and OWN in text
    assert "Ggz Regio (Test ggz)" in text and "the household itself" in text
    assert "2026-02-01" in text and "LATE" in text and "open" in text
    assert ids["goal"] not in text  # the ids are for --json
    machine = json.loads(ok(ledger(api, "director", "household", "plan", hid, "--json")))
    assert {a["action_id"]: a["worker_id"] for a in machine["actions"]} == {ids["professional"]: "u-ggz", ids["self"]: None}


def test_cli_events_print_one_row_per_event_in_words(api: Any) -> None:
    """What happened in words, who, and the text where the event has one; --json keeps the raw events."""
    director, hid, ids, w = _planned(api, ALL_CATEGORIES)  # the whole history needs every category (until item 1)
    director.complete_plan_action(hid, w.version, ids["self"])
    text = ok(ledger(api, "director", "household", "events", hid))
    for words in ("referred", "integral intake held", "case director assigned", "consent granted", "goal set",
                  "action added", "involvement started", "action done"):
        assert words in text, words
    assert GOAL in text and ACTION in text and "u-director" in text
    assert "2026-01-07" in text  # the business date the goal carries
    assert text.rstrip().endswith("9 events")
    done = next(line for line in text.splitlines() if "action done" in line)
    assert OWN in done  # a completion carries the action's id only: it reads with the action's text
    raw = json.loads(ok(ledger(api, "director", "household", "events", hid, "--json")))
    assert [e["type"] for e in raw][:2] == ["Referred", "IntakeHeld"] and raw[4]["data"]["goal"]["description"] == GOAL


def test_cli_plan_of_an_erased_household_shows_no_text(api: Any) -> None:
    """After erasure the goal and its actions are still listed, their texts read [erased]."""
    director, hid, _, w = _planned(api, ALL_CATEGORIES)
    w = director.close_case(hid, w.version, "goals_achieved", on="2026-01-30")
    w = client(api, "privacy").request_erasure(hid, w.version, "data_subject_request")
    w = client(api, "admin").erase(hid, w.version, "data_subject_request")
    text = ok(ledger(api, "director", "household", "plan", hid, "--min-position", str(w.position)))
    assert "Goal (finances): [erased]" in text and "Ggz Regio (Test ggz)" in text
    assert not [t for t in (GOAL, ACTION, OWN) if t in text]
    history = ok(ledger(api, "director", "household", "events", hid))
    assert "erased" in history and GOAL not in history
