"""Issue 12 item 10: no clear field takes a note, so erasure leaves no client name in the store.

Every test runs on a real SQLite file and on a real PostgreSQL database. The
organisation and user registers are the application's (``is_organisation``,
``is_user``); bootstrap wires ``is_user`` to the user directory.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from conftest import OPERATOR, FixedClock, Store
from ledger.aggregates import errors
from ledger.application import CaseLedger, NewMember
from test_encrypted_storage import stored_bytes

CLIENT = "Bep Zuiderhoek-Onvindbaar"
NOTE = f"buurvrouw van {CLIENT}"  # what a caseworker typed where a code belongs


def clear_field_commands(app: CaseLedger, hid: Any, goal: list[str]) -> dict[str, Callable[[int, Any], Any]]:
    """Every command argument stored in clear that once took text, as (version, value) -> command.

    In the order of the method, so that each refusal is for the field, not the case's state.
    """
    return {
        "network relation": lambda v, x: app.record_intake(
            OPERATOR, hid, expected_version=v, domains_discussed=["finances"], network=[(x, CLIENT)]),
        "agency involved": lambda v, x: app.record_intake(
            OPERATOR, hid, expected_version=v, domains_discussed=["finances"], agencies_involved=[x],
            network=[("neighbour", CLIENT)]),
        "director user": lambda v, x: app.assign_case_director(
            OPERATOR, hid, expected_version=v, user_id=x, organisation="gemeente-testdorp"),
        "director organisation": lambda v, x: app.assign_case_director(
            OPERATOR, hid, expected_version=v, user_id="u-anna", organisation=x),
        "consent organisation": lambda v, x: app.grant_consent(
            OPERATOR, hid, expected_version=v, basis="consent", member_id="m1", organisations=[x],
            data_categories=["finances"], purpose="coordination"),
        "legal reference": lambda v, x: app.grant_consent(
            OPERATOR, hid, expected_version=v, basis="public_task", member_id=None, organisations=["ggd"],
            data_categories=["finances"], purpose="coordination", legal_reference=x),
        "involvement organisation": lambda v, x: app.start_involvement(
            OPERATOR, hid, expected_version=v, kind="professional", organisation=x, discipline="social_work"),
        "discipline": lambda v, x: app.start_involvement(
            OPERATOR, hid, expected_version=v, kind="professional", organisation="ggd", discipline=x),
        "worker": lambda v, x: app.start_involvement(
            OPERATOR, hid, expected_version=v, kind="professional", organisation="ggd", discipline="social_work",
            worker_id=x),
        "performing organisation": lambda v, x: app.add_plan_action(
            OPERATOR, hid, expected_version=v, goal_id=goal[0], description=f"{CLIENT} belt",
            performer_kind="professional", organisation=x),
        "retention law": lambda v, x: app.place_retention_hold(
            OPERATOR, hid, expected_version=v, law=x, until=date(2046, 3, 2)),
        "handover target": lambda v, x: app.hand_over(OPERATOR, hid, expected_version=v, to_organisation=x),
    }


# The accepted value per field (None: only the refusal is tried; a retention hold would block erasure).
GOOD = {"agency involved": "ggd", "network relation": None, "director organisation": "gemeente-testdorp",
        "director user": None, "consent organisation": "ggd", "legal reference": "wmo_2015_5_1_1",
        "involvement organisation": "ggz-regio", "discipline": "mental_health_care", "worker": "u-ggz",
        "performing organisation": "schuldhulp-testdorp", "retention law": None, "handover target": "veilig-thuis"}


def _version(result: Any) -> int:
    return result[1] if isinstance(result, tuple) else result


def test_a_note_naming_the_client_fits_no_clear_field_and_erasure_leaves_the_name_nowhere(
        store: Store, clock: FixedClock) -> None:
    """A note in any clear field is refused; the client's name (sealed only) is gone from every byte after erasure."""
    ledger = store.make_ledger(clock=clock)
    app = ledger.app
    clock.set(date(2026, 3, 2))
    hid, v = app.refer_household(OPERATOR, sources=["wmo_desk"], members=[NewMember("adult", CLIENT)],
                                 reason=f"{CLIENT} meldt zich")
    goal: list[str] = []
    commands = clear_field_commands(app, hid, goal)
    assert set(commands) == set(GOOD)
    for what, command in commands.items():
        with pytest.raises(errors.InvalidInputError):
            command(v, NOTE)
        if GOOD[what] is not None:
            v = _version(command(v, GOOD[what]))
        if what == "agency involved":
            goal_id, v = app.set_plan_goal(OPERATOR, hid, expected_version=v, life_domain="finances",
                                           description=f"{CLIENT} krijgt overzicht")
            goal.append(goal_id)
    assert app.get_household(OPERATOR, hid).version == v  # nothing refused changed anything
    v = app.close_case(OPERATOR, hid, expected_version=v, reason="handed_over")
    app.erase_household(OPERATOR, hid, expected_version=v, reason="data_subject_request")
    raw = stored_bytes(store)
    assert len(raw) > 10_000  # the scan did read the store
    for text in (CLIENT, "Zuiderhoek", "Onvindbaar"):
        assert text.encode() not in raw, f"{text!r} survived erasure in the store's bytes"


def test_an_unregistered_organisation_is_refused_and_changes_nothing(store: Store, clock: FixedClock) -> None:
    """A well-formed organisation id that the register does not hold is refused (unregistered-organisation)."""
    ledger = store.make_ledger(clock=clock)
    registered = {"gemeente-testdorp", "ggd"}
    ledger.app.is_organisation = registered.__contains__  # the register's answer, as bootstrap wires it
    clock.set(date(2026, 3, 2))
    hid, v = ledger.app.refer_household(OPERATOR, sources=["wmo_desk"], members=[NewMember("adult", CLIENT)])
    with pytest.raises(errors.UnregisteredOrganisationError, match="'ggz-regio' is not in the organisation register"):
        ledger.app.start_involvement(OPERATOR, hid, expected_version=v, kind="professional",
                                     organisation="ggz-regio", discipline="mental_health_care")
    with pytest.raises(errors.UnregisteredOrganisationError):
        ledger.app.record_intake(OPERATOR, hid, expected_version=v, domains_discussed=["finances"],
                                 agencies_involved=["ggd", "ggz-regio"])
    assert ledger.app.get_household(OPERATOR, hid).version == v
    _, v2 = ledger.app.start_involvement(OPERATOR, hid, expected_version=v, kind="professional",
                                         organisation="ggd", discipline="mental_health_care")
    assert v2 == v + 1


def test_a_worker_or_director_must_be_a_user_in_the_directory(store: Store, clock: FixedClock) -> None:
    """Bootstrap wires is_user to the user directory: an id it does not hold is refused until the user is added."""
    ledger = store.make_ledger(clock=clock)
    clock.set(date(2026, 3, 2))
    hid, v = ledger.app.refer_household(OPERATOR, sources=["wmo_desk"], members=[NewMember("adult", CLIENT)])
    with pytest.raises(errors.UnregisteredUserError):
        ledger.app.assign_case_director(OPERATOR, hid, expected_version=v, user_id="u-newcomer",
                                        organisation="gemeente-testdorp")
    with pytest.raises(errors.UnregisteredUserError):
        ledger.app.start_involvement(OPERATOR, hid, expected_version=v, kind="professional", organisation="ggd",
                                     discipline="social_work", worker_id="u-newcomer")
    ledger.users.add(display_name="Nieuwe Collega", organisation="gemeente-testdorp", role="consultant",
                     user_id="u-newcomer")
    v = ledger.app.assign_case_director(OPERATOR, hid, expected_version=v, user_id="u-newcomer",
                                        organisation="gemeente-testdorp")
    assert ledger.app.get_household(OPERATOR, hid).version == v
