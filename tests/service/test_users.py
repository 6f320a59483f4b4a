"""Users and roles: tokens shown once, stored as hashes, refused once disabled."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import OPERATOR, Store, register_organisations
from ledger.privacy.users import UserError, users


def _ledger(store: Store):
    ledger = store.make_ledger(with_staff=False)  # no suite staff: these tests count users
    register_organisations(ledger, "gemeente-testdorp", "ggz-regio")
    return ledger


def test_a_token_authenticates_its_user_until_disabled(store: Store) -> None:
    """The token from `add` authenticates that user; after disabling, it no longer does."""
    directory = _ledger(store).users
    user, token = directory.add(display_name="Fleur Testkamp", organisation="gemeente-testdorp", role="consultant")
    other, other_token = directory.add(display_name="Ravi Proef", organisation="ggz-regio", role="professional")
    assert directory.authenticate(token) == user
    assert directory.authenticate(other_token).actor.role == "professional"
    assert directory.authenticate(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert directory.authenticate("not-a-token") is None
    directory.disable(user.user_id)
    assert directory.authenticate(token) is None
    assert directory.authenticate(other_token) == other  # disabling one user leaves the others alone
    assert [u.disabled for u in store.make_ledger(with_staff=False).users.list()] == [True, False]


def test_only_a_hash_of_the_token_is_stored(store: Store) -> None:
    """No stored column holds the token itself."""
    ledger = _ledger(store)
    _, token = ledger.users.add(display_name="Fleur Testkamp", organisation="gemeente-testdorp", role="admin")
    with ledger.engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(sa.select(users)).all() for v in row)
    assert token not in stored and token[4:] not in stored


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "wizard"}, "Unknown role"),
        ({"role": "operator"}, "local command line"),
        ({"display_name": "  "}, "display name"),
        ({"user_id": "dup"}, "exists already"),
        ({"organisation": "Gemeente Testdorp"}, "not registered"),
        ({"organisation": "ggz-noord"}, "not registered"),
    ],
)
def test_invalid_users_are_refused(store: Store, kwargs: dict, message: str) -> None:
    """Unknown roles, the operator role, blank names, duplicate ids and unregistered organisations are refused."""
    directory = _ledger(store).users
    directory.add(display_name="Eerste", organisation="gemeente-testdorp", role="consultant", user_id="dup")
    args = {"display_name": "Tweede", "organisation": "gemeente-testdorp", "role": "consultant", **kwargs}
    with pytest.raises(UserError, match=message):
        directory.add(**args)
    assert len(directory.list()) == 1


def test_users_add_prints_the_token_alone_on_the_last_line(tmp_path: Path) -> None:
    """`ledger users add` ends with the token on a line of its own, and that token works."""
    env = {**os.environ, "LEDGER_DATA_DIR": str(tmp_path), "LEDGER_ORGANISATION": "gemeente-testdorp"}
    env.pop("LEDGER_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "ledger.cli", "users", "add", "--name", "Fleur Testkamp", "--role", "evaluator",
         "--organisation", "gemeente-testdorp"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    token = done.stdout.splitlines()[-1]
    assert token.startswith("ldg_") and " " not in token
    from ledger.bootstrap import build
    from ledger.config import Settings

    with build(Settings(data_dir=tmp_path, organisation="gemeente-testdorp")) as ledger:
        assert ledger.users.authenticate(token).role.value == "evaluator"


def test_user_management_is_audited_and_reserved_to_admins(store: Store) -> None:
    """Adding or disabling a user leaves an access record naming that user; a consultant is refused."""
    from ledger.aggregates import Actor
    from ledger.privacy.access import AccessDeniedError

    ledger = _ledger(store)
    admin = Actor("u-admin", "gemeente-testdorp", "admin")
    ledger.users.add(display_name="Nieuw", organisation="gemeente-testdorp", role="consultant", user_id="u-new",
                     by=admin)
    with pytest.raises(AccessDeniedError):
        ledger.users.disable("u-new", by=Actor("u-c", "gemeente-testdorp", "consultant"))
    assert not ledger.users.get("u-new").disabled
    log = ledger.app.access_log(Actor("u-fg", "gemeente-testdorp", "privacy_officer"))
    assert [(r.user_id, r.action, r.subject_user_id, r.outcome) for r in log if r.subject_user_id == "u-new"] == [
        ("u-admin", "add_user", "u-new", "allowed"), ("u-c", "disable_user", "u-new", "denied")]


def test_users_of_an_earlier_release_sign_in_only_after_the_operator_adopts_them(store: Store) -> None:
    """Rows without directory events are refused until `adopt` records them, organisation as its code."""
    import hashlib

    ledger = store.make_ledger(with_staff=False)
    token = "ldg_" + "o" * 43
    with ledger.engine.begin() as conn:  # as the release before the directory events wrote it
        conn.execute(users.insert().values(
            user_id="u-old", display_name="Oude Gebruiker", organisation="Gemeente Testdorp", role="consultant",
            token_sha256=hashlib.sha256(token.encode()).hexdigest(), created_at=datetime(2026, 1, 5, tzinfo=UTC)))
    assert ledger.users.authenticate(token) is None
    assert ledger.users.adopt(by=OPERATOR) == ["u-old"]
    assert ledger.users.authenticate(token).actor.organisation == "gemeente-testdorp"
    assert ledger.users.is_organisation("gemeente-testdorp")  # the test municipality, registered at first start
    assert ledger.users.differences() == [] and ledger.users.adopt(by=OPERATOR) == []


def test_a_user_recorded_by_another_process_is_a_user_before_its_row_is_written(store: Store) -> None:
    """The ledger's event decides who is a user: between another process's event and its directory row
    (two demo writers registering the same staff; CI found it), adding the same staff again is no error."""
    from ledger.demo import Step, register_staff

    ledger = _ledger(store)
    ledger.users.add(display_name="Demo consultant cons-003", organisation="gemeente-testdorp",
                     role="consultant", user_id="cons-003")
    with ledger.engine.begin() as conn:  # the other process has recorded the event, not yet the row
        conn.execute(users.delete().where(users.c.user_id == "cons-003"))
    assert ledger.app.is_user("cons-003")
    register_staff(ledger, [Step(0, 0, date(2026, 1, 5), "assign_case_director",
                                 {"user_id": "cons-003", "organisation": "gemeente-testdorp"})])
    assert ledger.app.is_user("cons-003")
