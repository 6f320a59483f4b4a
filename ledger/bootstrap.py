"""The composition root: settings -> keys -> event store -> application.

Nothing is built at import time; the CLI, the API's lifespan and the tests call
:func:`build`. On the embedded default everything lives in ``LEDGER_DATA_DIR``:
``ledger.sqlite`` (events and snapshots), ``keys.sqlite`` (wrapped data keys) and
``master.key`` (0600, created on first run unless ``LEDGER_MASTER_KEY`` is set).
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
import structlog
from sqlalchemy.engine import make_url

from ledger.application import CaseLedger
from ledger.config import Settings
from ledger.logs import configure_logging
from ledger.privacy import KeyStore, MasterKey
from ledger.privacy.keys import KeyStoreError, sqlite_keystore_engine
from ledger.privacy.chain import Chain, SigningKey
from ledger.privacy.users import UserDirectory
from ledger.persistence import FACTORY_TOPIC, PG_FACTORY_TOPIC
from ledger.privacy.retention import load_rules

__all__ = ["Ledger", "build", "generate_master_key"]


@dataclass
class Ledger:
    """What a running ledger is made of; close it when done."""

    settings: Settings
    app: CaseLedger
    keys: KeyStore
    users: UserDirectory
    chain: Chain
    engine: sa.Engine  # SQLAlchemy engine on the main database (users, later read models)

    def close(self) -> None:
        self.app.close()
        self.keys.engine.dispose()
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def generate_master_key() -> str:
    return base64.b64encode(os.urandom(32)).decode("ascii")


def _master_key(settings: Settings) -> MasterKey:
    if settings.master_key is not None:
        raw = settings.master_key.get_secret_value()
        source = "LEDGER_MASTER_KEY"
    else:
        path = settings.data_dir / "master.key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(generate_master_key() + "\n")
        if path.stat().st_mode & 0o077:
            raise KeyStoreError(f"{path} is readable by others; chmod 600 it.")
        raw = path.read_text().strip()
        source = str(path)
    try:
        return MasterKey(base64.b64decode(raw, validate=True))
    except (binascii.Error, KeyStoreError):
        raise KeyStoreError(f"The master key in {source} is not base64 of 32 bytes.") from None


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


def build(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    new_id: Callable[[], str] | None = None,
    new_household_id: Callable[[], UUID] | None = None,
) -> Ledger:
    """Wire a ledger from settings; tests and the demo pass their own clock and ids."""
    settings = settings or Settings()
    if not structlog.is_configured():
        configure_logging(settings.log_level)  # JSON on stderr, redacted; callers may configure first
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
        key_engine = engine
    else:
        db = settings.data_dir / "ledger.sqlite"
        env = {"PERSISTENCE_MODULE": FACTORY_TOPIC, "SQLITE_DBNAME": str(db), "SQLITE_LOCK_TIMEOUT": "10"}
        engine = sa.create_engine(f"sqlite:///{db}")
        key_engine = sqlite_keystore_engine(str(settings.data_dir / "keys.sqlite"))
    env["IS_SNAPSHOTTING_ENABLED"] = "y"
    keys = KeyStore(key_engine, master, cache_seconds=settings.key_cache_seconds)
    extra = {k: v for k, v in {"clock": clock, "new_id": new_id, "new_household_id": new_household_id}.items() if v}
    app = CaseLedger(
        env, keys=keys, timezone=settings.timezone, snapshot_interval=settings.snapshot_interval,
        retention_rules=load_rules(settings.retention_file), **extra,
    )
    signing = SigningKey.load(
        settings.signing_key.get_secret_value() if settings.signing_key else None, settings.data_dir / "signing.key"
    )
    chain = Chain(engine, app.recorder, signing)
    app.after_save.append(chain.after_save)
    return Ledger(settings=settings, app=app, keys=keys, users=UserDirectory(engine), chain=chain, engine=engine)
