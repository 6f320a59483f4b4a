from __future__ import annotations

import os
import re
import secrets
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
import pytest

from ledger.aggregates import Actor
from ledger.bootstrap import Ledger, build
from ledger.config import Settings
from ledger.logs import configure_logging
from pg_server import PgServer, create_database, drop_database, start_postgres

# --- real PostgreSQL, started by the test run itself ---
# One server per test session (tests/pg_server.py); each test that asks for
# `pg_url` gets its own empty database on it. No PostgreSQL installed = error.


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgServer]:
    server = start_postgres(tmp_path_factory.mktemp("pg"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """URL of a fresh, empty database for this test only."""
    slug = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:40]
    name = f"t_{slug}_{secrets.token_hex(4)}"
    url = create_database(pg_server, name)
    yield url
    try:
        drop_database(pg_server, name)
    except psycopg.Error as exc:  # best effort: the whole server goes at session end
        warnings.warn(f"could not drop test database {name}: {exc}", stacklevel=1)


# --- a ledger on each real backend ---
# `store` is parametrised: every test that uses it runs on a real SQLite file and
# on a real PostgreSQL database. `make_ledger()` builds (another) ledger over the
# same store, as a second process or a restart would.

@pytest.fixture(autouse=True)
def _logging_as_configured_by_default() -> None:
    """Each test starts from the default log configuration (a CLI run in-process sets `warning`)."""
    configure_logging("info")

MUNICIPALITY = "gemeente-testdorp"  # the municipality that runs the test ledgers (LEDGER_ORGANISATION)
# ... also for every CLI or service process a test starts (they copy this environment): a ledger
# started with another municipality would register it, an event the test did not write.
os.environ["LEDGER_ORGANISATION"] = MUNICIPALITY
# No inherited terminal width (pytest-xdist sets COLUMNS=80 and LINES=24 in its workers, a terminal sets its
# own): a CLI process a test starts prints as it would into a pipe, the same serial or in parallel; the
# terminal tests set COLUMNS themselves.
for _name in ("COLUMNS", "LINES"):
    os.environ.pop(_name, None)
# the local operator: storage tests are not about the policy
OPERATOR = Actor(user_id="op-001", organisation="gemeente-testdorp", role="operator")


PRIVACY_OFFICER = Actor("u-fg", MUNICIPALITY, "privacy_officer")
ADMIN = Actor("u-admin", MUNICIPALITY, "admin")


def erase_four_eyes(app: object, household_id: object, version: int, reason: str = "data_subject_request", *,
                    officer: Actor = PRIVACY_OFFICER, admin: Actor = ADMIN) -> int:
    """Erase as the policy requires: the municipality's privacy officer requests, its administrator executes."""
    _, v = app.request_erasure(officer, household_id, expected_version=version, reason=reason)
    return app.erase_household(admin, household_id, expected_version=v, reason=reason)


def answer_access_request(app: object, household_id: object, officer: Actor = PRIVACY_OFFICER, **kw: object) -> object:
    """Record a data subject's access request and answer it with the export (AVG art. 15)."""
    request = app.record_access_request(officer, household_id, requester="data_subject",
                                        identity_check="id_document_in_person")
    return app.export_household(officer, household_id, request_id=request, **kw)


@dataclass
class Store:
    kind: str
    data_dir: Path
    database_url: str | None
    pg: PgServer | None = None
    built: list[Ledger] = field(default_factory=list)

    def settings(self, **overrides: object) -> Settings:
        overrides.setdefault("organisation", MUNICIPALITY)
        return Settings(data_dir=self.data_dir, database_url=self.database_url, **overrides)

    def make_ledger(self, *, with_staff: bool = True, **kwargs: object) -> Ledger:
        settings_kw = {k: kwargs.pop(k) for k in list(kwargs) if k in Settings.model_fields}
        ledger = build(self.settings(**settings_kw), **kwargs)
        self.built.append(ledger)
        if with_staff:
            register_staff(ledger)
        return ledger


# The staff the tests name as case directors and workers: a worker or director id must be a
# registered user (issue 12 item 10), so every ledger the `store` fixture builds has them.
STAFF = ("cons-001", "d-1", "d-2", "d-9", "u-1", "u-2", "u-100", "u-200", "u-300", "u-anna", "u-bram", "u-c",
         "u-colleague", "u-dir1", "u-dir2", "u-director", "u-ggz", "u-involved", "u-other", "u-school", "u-stranger",
         "u-team", "u-unrelated", "u-x", "w-1", "w-7")


# The organisations the tests name (ids in the register; issue 12 items 9 and 10).
ORGANISATIONS = ("buurtteam", "gemeente", "gemeente-demodorp", "gemeente-testdorp", "gemeente-x", "ggd", "ggz",
                 "ggz-regio", "humanitas", "jeugdteam", "leerplicht-testdorp", "onderzoeksbureau", "schuldhulp",
                 "schuldhulp-testdorp", "schuldhulp-zuid", "veilig-thuis", "wijkteam", "wijkteam-noord",
                 "wijkteam-oost", "wijkteam-testdorp", "wmo-loket-testdorp")


def register_staff(ledger: Ledger, staff: tuple[str, ...] = STAFF) -> None:
    """Add the suite's organisations and staff to the ledger's directory (once per store)."""
    from ledger.privacy.users import UserError

    if ledger.app.is_user(staff[-1]):  # registered as a whole, in order
        return
    register_organisations(ledger, *ORGANISATIONS)
    for user_id in staff:
        try:
            ledger.users.add(display_name=f"Staff {user_id}", organisation="gemeente-testdorp", role="professional",
                             user_id=user_id)
        except UserError:
            pass  # registered already


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "postgres":
        s = Store("postgres", tmp_path, request.getfixturevalue("pg_url"), request.getfixturevalue("pg_server"))
    else:
        s = Store("sqlite", tmp_path, None)
    yield s
    for ledger in s.built:
        ledger.close()


class FixedClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, day: date, hour: int = 10) -> None:
        self.now = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


# The access-policy table the issue asks for: role x relationship x consent state.
POLICY_MATRIX = [
    (role, rel, state)
    for role in ("consultant", "professional")
    for rel in ("director", "involved", "unrelated")
    for state in ("none", "in_force", "withdrawn", "expired", "wrong_category", "wrong_purpose")
]


# --- the HTTP service on each real backend ---
@dataclass
class Api:
    url: str
    store: Store
    tokens: dict[str, str]  # role name -> bearer token of a user with that role
    user_ids: dict[str, str]


API_USERS = {  # name -> (organisation, role)
    "director": ("gemeente-testdorp", "consultant"),
    "colleague": ("gemeente-testdorp", "consultant"),
    "ggz": ("ggz-regio", "professional"),
    "stranger": ("schuldhulp-testdorp", "professional"),
    "privacy": ("gemeente-testdorp", "privacy_officer"),
    "evaluator": ("gemeente-testdorp", "evaluator"),  # the municipality's own evaluator (issue 12, item 7)
    "admin": ("gemeente-testdorp", "admin"),
    "outsider": ("schuldhulp-testdorp", "consultant"),  # a consultant elsewhere, with no relation to any case
    "partner_privacy": ("ggz-regio", "privacy_officer"),  # a partner organisation's privacy officer
    "partner_admin": ("ggz-regio", "admin"),
}


def register_organisations(ledger: Ledger, *org_ids: str) -> None:
    """Register these organisation ids (``gemeente-*`` as municipalities, the rest as partners) if missing."""
    for org in sorted(set(org_ids)):
        if not ledger.users.is_organisation(org):
            kind = "municipality" if org.startswith("gemeente-") else "partner"
            ledger.users.add_organisation(org, org.replace("-", " ").title(), kind, by=ledger.users.operator)


@pytest.fixture
def api(store: Store) -> Iterator[Api]:
    """The service over real HTTP (uvicorn on a free port) on this store, with one user per role."""
    from api_server import serving

    tokens, ids = {}, {}
    with build(store.settings()) as ledger:
        register_organisations(ledger, *ORGANISATIONS, *(org for org, _ in API_USERS.values()))
        for name, (org, role) in API_USERS.items():
            user, token = ledger.users.add(display_name=f"Test {name}", organisation=org, role=role,
                                           user_id=f"u-{name}")
            tokens[name], ids[name] = token, user.user_id
    with serving(store.settings()) as url:
        yield Api(url, store, tokens, ids)


def raw_sql(store: Store, statement: str, params: tuple = (), *, database: str = "ledger") -> list[tuple]:
    """Run SQL on the database directly, as someone with database access would.

    ``EVENTS`` and ``NID`` stand for the event table and its position column on either backend.
    ``database="views"``: the views' own file on SQLite (on PostgreSQL they share the one database).
    """
    import sqlite3

    import psycopg

    if store.kind == "postgres":
        statement = statement.replace("EVENTS", "ledger_events").replace("NID", "notification_id").replace("?", "%s")
        with psycopg.connect(store.database_url, autocommit=True) as conn:
            cur = conn.execute(statement, params)
            return cur.fetchall() if cur.description else []
    statement = statement.replace("EVENTS", "stored_events").replace("NID", "rowid")
    with sqlite3.connect(store.data_dir / f"{database}.sqlite") as conn:
        return conn.execute(statement, params).fetchall()
