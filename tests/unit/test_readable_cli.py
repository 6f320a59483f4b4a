"""Issue 16 item 2: the plan and history renderers of `ledger household plan|events` (no service needed).

The renderers take what the API answers; here they print to an 80-column console so the layout rules show:
long cells wrap inside their column, a household's words are never read as markup, a withheld event
reads as withheld with its reason.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console

from ledger.cli.remote.readable import history_row, print_history, print_plan, who_acts

LONG = "Samen met de budgetcoach alle openstaande rekeningen ordenen en een betalingsregeling treffen [x]"


def _render(draw: Any, data: Any) -> str:
    out = io.StringIO()
    draw(Console(file=out, width=80, highlight=False, color_system=None), data)
    return out.getvalue()


def _plan(**overrides: Any) -> dict[str, Any]:
    plan = {
        "household_id": "4f1c", "version": 9, "phase": "plan", "erased": False,
        "director": {"user_id": "u-anna", "organisation": "gemeente-testdorp", "since": "2026-01-06",
                     "name": "Anna de Vries", "organisation_name": "Gemeente Testdorp"},
        "goals": [{"goal_id": "g1", "life_domain": "finances", "description": "Schulden op een rij",
                   "target_date": "2026-12-31", "set_on": "2026-01-07"}],
        "actions": [
            {"action_id": "a1", "goal_id": "g1", "description": LONG, "performer_kind": "professional",
             "performer_organisation": "ggz-regio", "performer_organisation_name": "GGZ Regio",
             "worker_id": "u-piet", "worker_name": "Piet Jansen", "due_on": "2026-02-01", "status": "open", "late": True},
            {"action_id": "a2", "goal_id": "g1", "description": "Post openen", "performer_kind": "self",
             "due_on": None, "status": "done", "late": False},
        ],
        "zrm": [],
    }
    return {**plan, **overrides}


def test_the_plan_fits_80_columns_and_wraps_long_texts_inside_their_cell() -> None:
    """Every line fits 80 columns; the long action text is all there, wrapped, with its brackets shown."""
    text = _render(print_plan, _plan())
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "Goal (finances): Schulden op een rij  (set 2026-01-07; target 2026-12-31)" in text
    assert "case director: Anna de Vries (u-anna), Gemeente Testdorp" in text
    flat = " ".join(text.split())
    for word in LONG.split():
        assert word in flat
    assert "[x]" in text and "LATE" in text and "the household itself" in text


def test_who_acts_names_the_organisation_and_its_worker_else_the_kind() -> None:
    """A professional's action: the organisation's name and the worker's; the others: the performer in words."""
    assert who_acts(_plan()["actions"][0]) == "GGZ Regio (Piet Jansen)"
    assert who_acts({"performer_kind": "professional", "performer_organisation": "ggz-regio"}) == "ggz-regio"
    assert who_acts({"performer_kind": "network"}) == "own network"


def test_an_erased_plan_reads_erased_where_the_text_was() -> None:
    """Null texts of an erased household print as [erased] (not as markup that vanishes)."""
    plan = _plan(erased=True, goals=[{**_plan()["goals"][0], "description": None}],
                 actions=[{**a, "description": None} for a in _plan()["actions"]])
    text = _render(print_plan, plan)
    assert "Goal (finances): [erased]" in text and text.count("[erased]") >= 3
    assert "Schulden" not in text and "Post openen" not in text


def test_history_rows_say_what_happened_in_words_and_withheld_events_as_withheld() -> None:
    """Date, words, who, summary; a completion reads with its action's text; a withheld event with its reason."""
    actor = {"user_id": "u-anna", "organisation": "gemeente-testdorp", "role": "consultant"}
    events = [
        {"version": 1, "type": "PlanActionAdded", "recorded_at": "2026-01-07T09:00:00+00:00", "actor": actor,
         "data": {"action": {"action_id": "a2", "goal_id": "g1", "description": "Post openen", "added_on": "2026-01-07",
                             "performer": {"kind": "self", "organisation": None}, "due_on": None}}},
        {"version": 2, "type": "PlanActionCompleted", "recorded_at": "2026-01-09T09:00:00+00:00", "actor": actor,
         "data": {"action_id": "a2", "on": "2026-01-08"}},
        {"version": 3, "type": "CostRecorded", "recorded_at": "2026-01-10T09:00:00+00:00", "actor": actor,
         "data": None, "withheld": "no_consent"},
    ]
    text = _render(print_history, events)
    assert max(len(line) for line in text.splitlines()) <= 80
    lines = text.splitlines()
    assert any("2026-01-08" in line and "action done" in line and "Post openen" in line for line in lines)
    assert any("cost recorded" in line and "withheld (no consent)" in line for line in lines)
    assert text.rstrip().endswith("3 events")
    assert history_row({"type": "SomethingNew", "recorded_at": "2026-01-10T09:00:00+00:00", "data": {}})[1] == \
        "something new"
