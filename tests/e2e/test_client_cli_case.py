"""Issue 13 item 1: the commands the HTTP CLI lacked, each as a real process against the served API.

`ledger household revise-goal | escalate | resolve-escalation | cost | drop-out | retention-hold`
(LEDGER_URL, LEDGER_TOKEN), on SQLite and PostgreSQL (the `api` fixture, tests/conftest.py).
Each records its event, and the caller's access record names the declared action.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from test_client_cli import ALL_CATEGORIES, TESTDORP, client, ledger, ok, one_error_line, referral


def _directed(api: Any) -> tuple[str, int]:
    """A household whose case director is u-director, with a consent to read it (set up through the client)."""
    director = client(api, "director")
    w = referral(director)
    w = director.record_intake(w.household_id, w.version, ["finances"])
    w = director.set_case_director(w.household_id, w.version, api.user_ids["director"], TESTDORP)
    w = director.grant_consent(w.household_id, w.version, member_id="m1", organisations=[TESTDORP],
                               data_categories=ALL_CATEGORIES, purpose="coordination")
    return w.household_id, w.version


def _run(api: Any, who: str, *args: str) -> dict[str, Any]:
    return json.loads(ok(ledger(api, who, "household", *args, "--json")))


def _last_event(api: Any, household_id: str) -> dict[str, Any]:
    return list(client(api, "director").events(household_id))[-1]


def _actions_on_record(api: Any, household_id: str) -> set[str]:
    return {r["action"] for r in client(api, "privacy").household_access_log(household_id)}


def test_cli_revises_a_plan_goal(api: Any) -> None:
    """`household revise-goal` moves a goal's target date; the event and its access record say so."""
    hid, version = _directed(api)
    w = client(api, "director").set_plan_goal(hid, version, "finances", "Schulden op een rij")
    done = _run(api, "director", "revise-goal", hid, w.item_id, "-v", str(w.version), "--target", "2026-12-31")
    assert done["version"] == w.version + 1
    event = _last_event(api, hid)
    assert event["type"] == "PlanGoalRevised"
    assert event["data"]["goal"]["goal_id"] == w.item_id and event["data"]["goal"]["target_date"] == "2026-12-31"
    assert "revise_plan_goal" in _actions_on_record(api, hid)


def test_cli_revise_goal_without_a_change_is_one_line_and_changes_nothing(api: Any) -> None:
    """A revision that changes neither wording nor date is refused in one line; the version stays."""
    hid, version = _directed(api)
    w = client(api, "director").set_plan_goal(hid, version, "finances", "Schulden op een rij")
    line = one_error_line(ledger(api, "director", "household", "revise-goal", hid, w.item_id, "-v", str(w.version)))
    assert "description or the target date" in line
    assert client(api, "director").household(hid)[1] == w.version


def test_cli_raises_and_resolves_an_escalation(api: Any) -> None:
    """`household escalate` prints the escalation id; `household resolve-escalation` resolves it."""
    hid, version = _directed(api)
    raised = _run(api, "director", "escalate", hid, "-v", str(version), "--level", "work_table",
                  "--reason", "Geen voortgang bij de schuldhulp")
    assert raised["item_id"] and _last_event(api, hid)["type"] == "EscalationRaised"
    resolved = _run(api, "director", "resolve-escalation", hid, raised["item_id"], "-v", str(raised["version"]),
                    "--resolution", "Afspraak gemaakt")
    assert resolved["version"] == raised["version"] + 1
    assert _last_event(api, hid)["type"] == "EscalationResolved"
    assert {"raise_escalation", "resolve_escalation"} <= _actions_on_record(api, hid)


def test_cli_records_a_cost(api: Any) -> None:
    """`household cost` records euros for a period; a malformed amount is a usage error that sends nothing."""
    hid, version = _directed(api)
    start, end = (str(date.today() - timedelta(days=d)) for d in (300, 210))  # a baseline: before the referral
    bad = ledger(api, "director", "household", "cost", hid, "-v", str(version), "--kind", "baseline",
                 "--stream", "care", "--amount", "veel", "--from", start, "--to", end)
    assert bad.returncode == 2 and "--amount" in bad.stderr
    done = _run(api, "director", "cost", hid, "-v", str(version), "--kind", "baseline", "--stream", "care",
                "--amount", "1250.00", "--from", start, "--to", end)
    assert done["version"] == version + 1 and done["item_id"]
    event = _last_event(api, hid)
    assert event["type"] == "CostRecorded"
    assert "record_cost" in _actions_on_record(api, hid)


def test_cli_records_a_drop_out(api: Any) -> None:
    """`household drop-out` records that the household refused coordination."""
    hid, version = _directed(api)
    done = _run(api, "director", "drop-out", hid, "-v", str(version), "--kind", "refusal")
    assert done["version"] == version + 1
    assert _last_event(api, hid)["type"] == "DroppedOut"
    assert "record_drop_out" in _actions_on_record(api, hid)


def test_cli_places_a_retention_hold_as_the_privacy_officer_only(api: Any) -> None:
    """`household retention-hold` works for the municipality's privacy officer; the case director is refused."""
    hid, version = _directed(api)
    args = ("retention-hold", hid, "-v", str(version), "--law", "jeugdwet_7_3_8", "--until", "2040-01-01")
    refused = one_error_line(ledger(api, "director", "household", *args))
    assert "privacy officer" in refused
    done = _run(api, "privacy", *args)
    assert done["version"] == version + 1
    assert _last_event(api, hid)["type"] == "RetentionHoldPlaced"
    assert "place_retention_hold" in _actions_on_record(api, hid)


def test_cli_refers_with_relations_and_revises_the_composition(api: Any) -> None:
    """Issue 15: `household refer --relation` derives the composition; `household composition` revises it."""
    made = _run(api, "director", "refer", "--source", "social_work", "--member", "adult:Ria Lijn",
                "--member", "child:Kim Lijn", "--relation", "m1:mother_of:m2")
    hid = made["household_id"]
    director = client(api, "director")
    w = director.grant_consent(hid, made["version"], member_id="m1", organisations=[TESTDORP],
                               data_categories=ALL_CATEGORIES, purpose="coordination")
    assert director.household(hid)[0]["composition"] == "mother_with_children"
    done = _run(api, "director", "composition", hid, "-v", str(w.version), "--relation", "m1:father_of:m2")
    assert done["version"] == w.version + 1
    event = _last_event(api, hid)
    assert event["type"] == "CompositionRevised" and event["data"]["composition"] == "father_with_children"
    assert "revise_composition" in _actions_on_record(api, hid)
    line = one_error_line(ledger(api, "director", "household", "composition", hid, "-v", str(done["version"]),
                                 "--relation", "m1:mother_of:m9"))
    assert "m9" in line and "Ria" not in line


def test_cli_records_an_orientation_talk_and_schedules_a_plan_meeting(api: Any) -> None:
    """Issue 15: `household orientation-talk --with` and `household plan-meeting --for`, each its event and action;
    the client's methods of the same names carry them."""
    hid, version = _directed(api)
    talk = _run(api, "director", "orientation-talk", hid, "-v", str(version), "--with", "professionals",
                "--notes", "Overleg met de school")
    assert talk["version"] == version + 1 and talk["item_id"]
    event = _last_event(api, hid)
    assert event["type"] == "OrientationTalkHeld" and event["data"]["talk"]["held_with"] == "professionals"
    day = (date.today() + timedelta(days=14)).isoformat()
    meeting = _run(api, "director", "plan-meeting", hid, "-v", str(talk["version"]), "--for", day)
    assert meeting["version"] == version + 2
    event = _last_event(api, hid)
    assert event["type"] == "PlanMeetingScheduled" and event["data"]["meeting"]["scheduled_for"] == day
    assert {"hold_orientation_talk", "schedule_plan_meeting"} <= _actions_on_record(api, hid)
    w = client(api, "director").hold_orientation_talk(hid, meeting["version"], "household")
    assert w.version == version + 3 and w.item_id
