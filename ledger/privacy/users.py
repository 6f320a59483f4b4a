"""Users and roles: who may sign in, for which organisation, in which role.

Kept outside the household events (it is not case data). A user's bearer token is
shown once when the user is added; only its SHA-256 is stored (tokens are 256-bit
random, so a slow password hash adds nothing). Disabled users cannot authenticate.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from ledger.aggregates import Actor

from .policy import Role

__all__ = ["User", "UserDirectory", "UserError"]

TOKEN_PREFIX = "ldg_"

metadata = sa.MetaData()
users = sa.Table(
    "ledger_users",
    metadata,
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("organisation", sa.String(200), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
)


class UserError(ValueError):
    """A user-management request is invalid (message without personal data)."""


@dataclass(frozen=True)
class User:
    user_id: str
    display_name: str
    organisation: str
    role: Role
    disabled: bool

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.organisation, self.role.value)

    def __repr__(self) -> str:  # the display name is a staff member's personal data
        return f"User({self.user_id}, {self.organisation}, {self.role.value}{', disabled' if self.disabled else ''})"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserDirectory:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)

    def add(self, *, display_name: str, organisation: str, role: str, user_id: str | None = None) -> tuple[User, str]:
        """A new user and their bearer token (the only time the token is available)."""
        try:
            role_ = Role(role)
        except ValueError:
            allowed = ", ".join(r.value for r in Role if r != Role.OPERATOR)
            raise UserError(f"Unknown role; expected one of: {allowed}.") from None
        if role_ == Role.OPERATOR:
            raise UserError("The operator role is for the local command line only.")
        if not display_name.strip() or not organisation.strip():
            raise UserError("A user needs a display name and an organisation.")
        user_id = user_id or f"u-{secrets.token_hex(5)}"
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        try:
            with self.engine.begin() as conn:
                conn.execute(users.insert().values(
                    user_id=user_id, display_name=display_name.strip(), organisation=organisation.strip(),
                    role=role_.value, token_sha256=_digest(token), created_at=datetime.now(tz=UTC),
                ))
        except sa.exc.IntegrityError:
            raise UserError(f"A user with id {user_id!r} exists already.") from None
        return User(user_id, display_name.strip(), organisation.strip(), role_, False), token

    def list(self) -> list[User]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(users).order_by(users.c.created_at, users.c.user_id)).all()
        return [self._user(r) for r in rows]

    def get(self, user_id: str) -> User:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.user_id == user_id)).first()
        if row is None:
            raise UserError("No user with that id.")
        return self._user(row)

    def disable(self, user_id: str) -> User:
        with self.engine.begin() as conn:
            done = conn.execute(
                users.update().where(users.c.user_id == user_id, users.c.disabled_at.is_(None))
                .values(disabled_at=datetime.now(tz=UTC))
            ).rowcount
        user = self.get(user_id)
        if not done and not user.disabled:
            raise UserError("No user with that id.")
        return user

    def authenticate(self, token: str) -> User | None:
        """The enabled user this token belongs to, or ``None``."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        digest = _digest(token)
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.token_sha256 == digest)).first()
        if row is None or not hmac.compare_digest(row.token_sha256, digest) or row.disabled_at is not None:
            return None
        return self._user(row)

    @staticmethod
    def _user(row: sa.Row) -> User:
        return User(row.user_id, row.display_name, row.organisation, Role(row.role), row.disabled_at is not None)
