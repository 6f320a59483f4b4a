"""The composition root: settings -> logging -> keys -> event store -> application -> chain,
directory, audit -> views (the projections runner) -> read side.

Nothing is built at import time; only the entry points (the API's lifespan and deps, the
CLI, bench/ and tests/) call :func:`build`, and an import-linter contract in pyproject.toml
keeps it so: every lower layer receives the parts it uses (the application, a runner, an
engine), never the :class:`Ledger`. On the embedded default everything lives in
``LEDGER_DATA_DIR``: ``ledger.sqlite`` (events and snapshots), ``keys.sqlite`` (wrapped data
keys), ``views.sqlite`` (the read models) and ``master.key`` (0600, created on first run
unless ``LEDGER_MASTER_KEY`` is set).

**Logging is configured here and only here** (:func:`configure_logging`, over
:mod:`ledger.logs`): an entry point passes its choice (the CLI's ``main`` warning unless
``LEDGER_LOG_LEVEL`` says otherwise, ``ledger serve`` the service's ``LEDGER_LOG_LEVEL``,
default info); :func:`build` configures it from the settings when no entry point did
(tests, bench).
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import sqlalchemy as sa
import structlog
from sqlalchemy.engine import make_url

from ledger.aggregates import Actor
from ledger.application import CaseLedger
from ledger.audit import Audit
from ledger.config import Settings
from ledger import logs
from ledger.privacy import KeyStore, MasterKey
from ledger.privacy.blind_index import IndexKey
from ledger.privacy.keys import KeyStoreError, sqlite_keystore_engine
from ledger.privacy.chain import Chain, Digest, SigningKey
from ledger.privacy.digests import DigestArchive, TrustedKeys
from ledger.privacy.users import OrganisationKind, UserDirectory, UserError
from ledger.persistence import FACTORY_TOPIC, PG_FACTORY_TOPIC
from ledger.privacy.retention import load_rules
from ledger.privacy.throttle import EmergencyThrottle
from ledger.projections import Runner, open_views, sqlite_views_engine
from ledger.projections.plan_words import Names
from ledger.projections.read_side import ReadSide

__all__ = ["Ledger", "build", "configure_logging", "generate_master_key"]


@dataclass
class Ledger:
    """The whole system, as :func:`build` wires it; close it when done.

    The views' runner and the read side over it open on first use (``views``, ``read_side``):
    a command-line write never creates the views' tables.
    """

    settings: Settings
    app: CaseLedger
    keys: KeyStore
    users: UserDirectory
    chain: Chain
    engine: sa.Engine  # SQLAlchemy engine on the main database (users, idempotency, throttle)
    digests: DigestArchive  # signed digests, kept outside the database
    trusted: TrustedKeys  # the public keys a digest may be signed with
    audit: Audit  # digest and verify, recorded the same way from every interface
    views_engine: sa.Engine  # where the read models live: the main PostgreSQL database, or views.sqlite
    _views: Runner | None = field(default=None, repr=False)
    _read_side: ReadSide | None = field(default=None, repr=False)

    @property
    def views(self) -> Runner:
        """The projections runner over every view of the deployment (one per ledger, opened on first use)."""
        if self._views is None:
            self._views = open_views(self)
        return self._views

    @property
    def read_side(self) -> ReadSide:
        """Policy-checked, recorded reads of the views (over :attr:`views`)."""
        if self._read_side is None:
            self._read_side = ReadSide(self.views, names=directory_names(self.users))
        return self._read_side

    def open_views(self, **kwargs: Any) -> Runner:
        """Another runner over the same views (a follower of its own: ``batch``, ``models``)."""
        return open_views(self, **kwargs)

    def as_of(self, at: datetime) -> ReadSide:
        """The read side over every view as it stood at ``at`` (a private in-memory replay)."""
        return ReadSide.as_of(self, at)

    def take_digest(self) -> Digest:
        """Check the chain since the latest kept digest, then sign a digest of its head and keep it (unrecorded)."""
        return self.audit.take_digest()

    def close(self) -> None:
        self.app.close()
        self.keys.engine.dispose()
        if self.views_engine is not self.engine:
            self.views_engine.dispose()
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def generate_master_key() -> str:
    return base64.b64encode(os.urandom(32)).decode("ascii")


def _decode_master(raw: str, source: str) -> MasterKey:
    try:
        return MasterKey(base64.b64decode(raw.strip(), validate=True))
    except (binascii.Error, KeyStoreError):
        raise KeyStoreError(f"The master key in {source} is not base64 of 32 bytes.") from None


def _old_master_keys(settings: Settings) -> list[MasterKey]:
    """Keys that only unwrap (a rotation in progress): ``LEDGER_OLD_MASTER_KEYS`` and ``master.old.*.key`` files."""
    olds = []
    if settings.old_master_keys is not None:
        for i, raw in enumerate(settings.old_master_keys.get_secret_value().split(",")):
            if raw.strip():
                olds.append(_decode_master(raw, f"LEDGER_OLD_MASTER_KEYS (item {i + 1})"))
    for path in sorted(settings.data_dir.glob("master.old.*.key")):
        if path.stat().st_mode & 0o077:
            raise KeyStoreError(f"{path} is readable by others; chmod 600 it.")
        olds.append(_decode_master(path.read_text(), str(path)))
    return olds


def _master_key(settings: Settings) -> MasterKey:
    raw, source = _key_material(settings.master_key, "LEDGER_MASTER_KEY", settings.data_dir / "master.key")
    return _decode_master(raw, source)


def _index_key(settings: Settings, master: MasterKey) -> IndexKey:
    """The BSN blind index's key: ``LEDGER_INDEX_KEY`` or ``index.key`` beside ``master.key`` (its own key)."""
    raw, source = _key_material(settings.index_key, "LEDGER_INDEX_KEY", settings.data_dir / "index.key")
    try:
        key = IndexKey(base64.b64decode(raw.strip(), validate=True))
    except (binascii.Error, ValueError):
        raise KeyStoreError(f"The index key in {source} is not base64 of 32 bytes.") from None
    if key.material == master.material:
        raise KeyStoreError(f"The index key in {source} is the master key; it must be a key of its own.")
    return key


def _key_material(configured: Any, variable: str, path: Path) -> tuple[str, str]:
    """A key from its variable, else from its file in the data directory (mode 0600, made on first run)."""
    if configured is not None:
        raw = configured.get_secret_value()
        source = variable
    else:
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(generate_master_key() + "\n")
        if path.stat().st_mode & 0o077:
            raise KeyStoreError(f"{path} is readable by others; chmod 600 it.")
        raw = path.read_text().strip()
        source = str(path)
    return raw, source


def _postgres_env(url: str) -> dict[str, str]:
    u = make_url(url)
    return {
        "PERSISTENCE_MODULE": PG_FACTORY_TOPIC,
        "POSTGRES_DBNAME": u.database or "ledger",
        "POSTGRES_HOST": u.host or "localhost",
        "POSTGRES_PORT": str(u.port or 5432),
        "POSTGRES_USER": u.username or "ledger",
        "POSTGRES_PASSWORD": u.password or "",
        "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
        # Give up on an unreachable server after 5 s (a clear 503) instead of holding the
        # request for 30 s. No pre-ping: it costs a round trip on every checkout (a quarter of
        # a command's time in the bench profile), and after a database restart the library's
        # recorder methods retry on a broken connection (up to 10 times, 0.2 s apart) with a
        # fresh one from the pool; tests/e2e/test_reliability.py restarts PostgreSQL under load.
        "POSTGRES_PRE_PING": "n",
        "POSTGRES_CONNECT_TIMEOUT": "5",
    }


def sqlalchemy_url(url: str) -> sa.URL:
    return make_url(url).set(drivername="postgresql+psycopg")


def configure_logging(level: str | None = None, *, default: str = "info") -> None:
    """The one place logging is set up: JSON lines on stderr through the redaction of :mod:`ledger.logs`.

    At ``level`` (a ``Settings.log_level``) if given, else ``LEDGER_LOG_LEVEL``, else ``default``:
    the service logs at info, the CLI passes ``default="warning"`` (its interactive commands
    show warnings only).
    """
    logs.configure_logging(level or os.environ.get("LEDGER_LOG_LEVEL") or default)


def build(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    new_id: Callable[[], str] | None = None,
    new_household_id: Callable[[], UUID] | None = None,
) -> Ledger:
    """Wire the whole system from settings; tests and the demo pass their own clock and ids.

    Logging is configured at the settings' level unless an entry point configured it first.
    """
    settings = settings or Settings()
    if not structlog.is_configured():
        configure_logging(settings.log_level)
    if not settings.data_dir.exists():
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # only the service's user reads the store
    with _one_setup_at_a_time(settings):
        return _build(settings, clock=clock, new_id=new_id, new_household_id=new_household_id)


@contextmanager
def _one_setup_at_a_time(settings: Settings) -> Iterator[None]:
    """Two services starting at once on a fresh store: one creates the files and tables, the other waits.

    ``CREATE TABLE IF NOT EXISTS`` is not safe against a concurrent twin (PostgreSQL answers
    a duplicate ``pg_type`` key, SQLite "already exists"), nor is creating ``master.key``. A file
    lock in the data directory serialises builds on one machine; on PostgreSQL a session
    advisory lock also serialises machines that share the database.
    """
    with open(settings.data_dir / ".setup.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if not settings.uses_postgres:
                yield
                return
            assert settings.database_url is not None
            engine = sa.create_engine(sqlalchemy_url(settings.database_url), poolclass=sa.pool.NullPool,
                                      connect_args={"connect_timeout": 5})
            try:
                with engine.connect() as conn:
                    conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": SETUP_LOCK})
                    try:
                        yield
                    finally:
                        conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": SETUP_LOCK})
            finally:
                engine.dispose()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


SETUP_LOCK = 0x6C65646765720001  # "ledger" + 1: the advisory lock key of a build's table creation


def _build(
    settings: Settings,
    *,
    clock: Callable[[], datetime] | None,
    new_id: Callable[[], str] | None,
    new_household_id: Callable[[], UUID] | None,
) -> Ledger:
    master = _master_key(settings)
    if settings.uses_postgres:
        assert settings.database_url is not None
        env = _postgres_env(settings.database_url)
        engine = sa.create_engine(sqlalchemy_url(settings.database_url), pool_pre_ping=True,
                                 connect_args={"connect_timeout": 5})
        # Its own small pool: key-store writes set lock_timeout per transaction, and a key
        # read never queues behind another session's lock for longer than that either.
        key_engine = sa.create_engine(
            sqlalchemy_url(settings.database_url), pool_size=5, max_overflow=10,
            connect_args={"connect_timeout": 5,
                          "options": f"-c lock_timeout={int(settings.key_lock_timeout * 1000)}"})
    else:
        db = settings.data_dir / "ledger.sqlite"
        env = {"PERSISTENCE_MODULE": FACTORY_TOPIC, "SQLITE_DBNAME": str(db), "SQLITE_LOCK_TIMEOUT": "10"}
        engine = sa.create_engine(f"sqlite:///{db}")
        key_engine = sqlite_keystore_engine(str(settings.data_dir / "keys.sqlite"),
                                            busy_timeout=settings.key_lock_timeout)
    env["IS_SNAPSHOTTING_ENABLED"] = "y"
    keys = KeyStore(key_engine, master, old_masters=_old_master_keys(settings),
                    cache_seconds=settings.key_cache_seconds, lock_timeout=settings.key_lock_timeout,
                    index_key=_index_key(settings, master))
    extra: dict[str, Any] = {k: v for k, v in {"clock": clock, "new_id": new_id, "new_household_id": new_household_id}.items()
                             if v}
    app = CaseLedger(
        env, keys=keys, timezone=settings.timezone, snapshot_interval=settings.snapshot_interval,
        retention_rules=load_rules(settings.retention_file), municipality=settings.organisation,
        throttle=EmergencyThrottle(engine), **extra,
    )
    signing = SigningKey.load(
        settings.signing_key.get_secret_value() if settings.signing_key else None, settings.data_dir / "signing.key"
    )
    try:
        app.finish_erasures()  # erasures a crash or a lock left between Erased and the shredding
    except (sa.exc.OperationalError, KeyStoreError) as e:  # their keys stay unserved; audit verify finishes them
        structlog.get_logger("ledger.bootstrap").warning("erasures_not_finished_at_start_up",
                                                         error_type=type(e).__name__)
    trusted = TrustedKeys.load(signing, settings.trusted_digest_keys, settings.data_dir / "trusted-keys")
    chain = Chain(engine, app.recorder, signing, trusts=trusted.trusts)  # chains nothing: verify comes first
    app.after_save.append(chain.after_save)
    operator = Actor(user_id=settings.operator, organisation=settings.organisation, role="operator")
    users = UserDirectory(engine, app, operator=operator, clock=app.clock)
    # The registers commands are held to: organisation ids and worker/director ids (issue 12 item 10).
    app.is_organisation, app.is_user = users.is_organisation, functools.partial(_is_user, users)
    # First start: the controller's own register entry (not behind an unchained tail, which refuses
    # writes until `ledger audit chain-tail`: the next start registers it then).
    if chain.unchained() is None and not users.is_organisation(settings.organisation):
        try:
            users.add_organisation(settings.organisation, settings.organisation, OrganisationKind.MUNICIPALITY,
                                   by=operator)
        except UserError:
            if not users.is_organisation(settings.organisation):  # not another process registering it
                raise
    digests = DigestArchive(settings.digest_directory)
    audit = Audit(app=app, chain=chain, users=users, digests=digests, trusted=trusted)
    views_engine = engine if settings.uses_postgres else sqlite_views_engine(str(settings.data_dir / "views.sqlite"))
    return Ledger(settings=settings, app=app, keys=keys, users=users, chain=chain, engine=engine,
                  digests=digests, trusted=trusted, audit=audit, views_engine=views_engine)


def directory_names(users: UserDirectory) -> Names:
    """Organisation names from the register and staff display names from the directory (the plan in words)."""
    def organisation(org_id: str) -> str | None:
        found = users.organisation(org_id)
        return None if found is None else found.name

    def user(user_id: str) -> str | None:
        try:
            return users.get(user_id).display_name
        except UserError:  # not (or no longer) in the directory: the id alone is shown
            return None

    return Names(organisation, user)


def _is_user(users: UserDirectory, user_id: str) -> bool:
    """A registered user, by the ledger's events (the directory row may not be written yet by another process)."""
    return users.is_user(user_id)
