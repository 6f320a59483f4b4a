"""The directory: organisations, users and roles, kept in the ledger's own chained log.

Every change (an organisation registered, a user added, a user disabled) is an event
in the ledger's event store, saved in one transaction with its access record, so it
is in the notification log and the hash chain like any household event. Each
organisation and each user is its own short stream (a name-based UUID), so the event
store's unique key refuses a second registration of the same id.

The tables ``ledger_users`` and ``ledger_organisations`` are a cache (lookup by token,
listing, and the staff member's display name, which is personal data and so never in
an event). No security decision trusts them alone: :meth:`UserDirectory.authenticate`
replays the user's stream and refuses a row that differs from it (a role or an
organisation edited in the table), and :meth:`UserDirectory.differences` names every
such row for ``audit verify``.

A user's bearer token is shown once when the user is added; only its SHA-256 is
stored (tokens are 256-bit random, so a slow password hash adds nothing).
"""

from __future__ import annotations

import builtins  # UserDirectory.list hides the builtin in the class body
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol
from uuid import NAMESPACE_URL, UUID, uuid5

import sqlalchemy as sa
import structlog
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import IntegrityError

from ledger.aggregates import Actor
from ledger.aggregates.actions import Action

from .policy import Role

__all__ = [
    "ORG_ID", "AlreadyRegisteredError", "DirectoryLog", "Organisation", "OrganisationKind", "OrganisationRegistered", "User",
    "UserAdded", "UserDirectory", "UserDisabled", "UserError",
]

log = structlog.get_logger("ledger.users")

TOKEN_PREFIX = "ldg_"
ORG_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")

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
organisations = sa.Table(
    "ledger_organisations",
    metadata,
    sa.Column("org_id", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
)


class UserError(ValueError):
    """A directory request is invalid (message without personal data)."""


class AlreadyRegisteredError(UserError):
    """That organisation or user id is taken already."""


class OrganisationKind(StrEnum):
    MUNICIPALITY = "municipality"
    PARTNER = "partner"


@dataclass(frozen=True)
class Organisation:
    org_id: str
    name: str
    kind: OrganisationKind


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


# --- the directory's events (each organisation and user its own stream) ---
class OrganisationRegistered(DomainEvent):
    """An organisation got its id (a code) in this ledger's register."""

    org_id: str
    name: str
    kind: str
    by_user_id: str


class UserAdded(DomainEvent):
    """A user may sign in with the token whose SHA-256 this is (no display name: personal data)."""

    user_id: str
    organisation: str
    role: str
    token_sha256: str
    by_user_id: str


class UserDisabled(DomainEvent):
    """A user's token stops working."""

    user_id: str
    by_user_id: str


def organisation_stream(org_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"ledger:organisation:{org_id}")


def user_stream(user_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"ledger:user:{user_id}")


class DirectoryLog(Protocol):
    """What the directory needs of the ledger (the application provides it)."""

    def record_directory_change(self, by: Actor, action: str, subject: str, events: Sequence[DomainEvent],
                                subject_organisation: str | None = None) -> None:
        """Authorise ``by`` for ``action``; save ``events`` with the access record in one transaction.

        ``subject_organisation``: the organisation of the user added or disabled (the policy lets
        an administrator manage their own organisation's users).

        Raises the policy's refusal (recorded) or ``IntegrityError`` when a stream already has that version.
        """

    def directory_stream(self, originator_id: UUID) -> list[Any]:
        """The stored events of one directory stream, in order."""


@dataclass(frozen=True)
class _UserState:
    user_id: str
    organisation: str
    role: str
    token_sha256: str
    disabled: bool
    version: int


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(tz=UTC)


class UserDirectory:
    """Organisations and users: events in the ledger, the tables a verified cache."""

    def __init__(self, engine: sa.Engine, log_: DirectoryLog, *, operator: Actor,
                 clock: Callable[[], datetime] = _now) -> None:
        self.engine = engine
        self.clock = clock  # the ledger's clock: event timestamps agree with their access records
        self.log = log_
        self.operator = operator  # who acts when a caller names nobody (the local command line)
        self._organisations: dict[str, Organisation] = {}  # registrations are permanent: cache them
        metadata.create_all(engine)

    # ------------------------------------------------------------ organisations
    def add_organisation(self, org_id: str, name: str, kind: OrganisationKind | str, *, by: Actor) -> Organisation:
        """Register an organisation under its id (a code such as ``gemeente-testdorp``)."""
        if not isinstance(org_id, str) or not ORG_ID.match(org_id):
            raise UserError("An organisation id is a code of lower-case letters, digits and hyphens "
                            "(at most 40, e.g. gemeente-testdorp).")
        name = (name or "").strip()
        if not name or len(name) > 200:
            raise UserError("An organisation needs a name of at most 200 characters.")
        try:
            kind_ = OrganisationKind(kind)
        except ValueError:
            raise UserError("Unknown organisation kind; expected municipality or partner.") from None
        if self.is_organisation(org_id):
            raise AlreadyRegisteredError(f"The organisation {org_id} is registered already.")
        event = OrganisationRegistered(  # type: ignore[call-arg]  # eventsourcing makes the event's fields, unseen by mypy
            originator_id=organisation_stream(org_id), originator_version=1, timestamp=self.clock(),
            org_id=org_id, name=name, kind=kind_.value, by_user_id=by.user_id)
        try:
            self.log.record_directory_change(by, Action.ADD_ORGANISATION, org_id, [event])
        except IntegrityError:
            raise AlreadyRegisteredError(f"The organisation {org_id} is registered already.") from None
        self._cache_organisation(org_id, name, kind_.value)
        return Organisation(org_id, name, kind_)

    def organisation(self, org_id: str) -> Organisation | None:
        """The registered organisation with this id, from the ledger's events (never from the table alone)."""
        if not isinstance(org_id, str) or not ORG_ID.match(org_id):
            return None
        found = self._organisations.get(org_id)
        if found is None:
            first = next(iter(self.log.directory_stream(organisation_stream(org_id))), None)
            if not isinstance(first, OrganisationRegistered) or first.org_id != org_id:
                return None
            found = self._organisations[org_id] = Organisation(first.org_id, first.name, OrganisationKind(first.kind))
        return found

    def organisations(self, *, after: str | None = None, limit: int | None = None) -> list[Organisation]:
        """The registered organisations by id (rows that differ from the ledger are left out).

        ``after``/``limit``: a keyset page, the ``limit`` ids after ``after`` (the register's primary key).
        """
        query = sa.select(organisations.c.org_id).order_by(organisations.c.org_id)
        if after is not None:
            query = query.where(organisations.c.org_id > after)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            ids = conn.execute(query).scalars().all()
        found = [self.organisation(i) for i in ids]
        return [o for o in found if o is not None]

    def is_organisation(self, org_id: str) -> bool:
        return self.organisation(org_id) is not None

    def _cache_organisation(self, org_id: str, name: str, kind: str) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(organisations.insert().values(org_id=org_id, name=name, kind=kind,
                                                           registered_at=self.clock()))
        except sa.exc.IntegrityError:
            pass  # cached already (another process)

    # -------------------------------------------------------------------- users
    def add(self, *, display_name: str, organisation: str, role: str, user_id: str | None = None,
            by: Actor | None = None) -> tuple[User, str]:
        """A new user and their bearer token (the only time the token is available)."""
        try:
            role_ = Role(role)
        except ValueError:
            allowed = ", ".join(r.value for r in Role if r != Role.OPERATOR)
            raise UserError(f"Unknown role; expected one of: {allowed}.") from None
        if role_ == Role.OPERATOR:
            raise UserError("The operator role is for the local command line only.")
        display_name, organisation = (display_name or "").strip(), (organisation or "").strip()
        if not display_name or not organisation:
            raise UserError("A user needs a display name and an organisation.")
        if not self.is_organisation(organisation):
            raise UserError("That organisation is not registered; register it first (`ledger organisations add`).")
        user_id = user_id or f"u-{secrets.token_hex(5)}"
        if len(user_id) > 64:
            raise UserError("A user id has at most 64 characters.")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        event = UserAdded(  # type: ignore[call-arg]  # eventsourcing makes the event's fields, unseen by mypy
            originator_id=user_stream(user_id), originator_version=1, timestamp=self.clock(), user_id=user_id,
            organisation=organisation, role=role_.value, token_sha256=_digest(token),
            by_user_id=(by or self.operator).user_id)
        try:
            self.log.record_directory_change(by or self.operator, Action.ADD_USER, user_id, [event], organisation)
        except IntegrityError:
            raise AlreadyRegisteredError(f"A user with id {user_id!r} exists already.") from None
        try:
            with self.engine.begin() as conn:
                conn.execute(users.insert().values(
                    user_id=user_id, display_name=display_name, organisation=organisation,
                    role=role_.value, token_sha256=event.token_sha256, created_at=event.timestamp,
                ))
        except sa.exc.IntegrityError:  # a row left behind the ledger's back: the event decides, replace it
            with self.engine.begin() as conn:
                conn.execute(users.delete().where(users.c.user_id == user_id))
                conn.execute(users.insert().values(
                    user_id=user_id, display_name=display_name, organisation=organisation,
                    role=role_.value, token_sha256=event.token_sha256, created_at=event.timestamp,
                ))
        return User(user_id, display_name, organisation, role_, False), token

    def list(self) -> list[User]:
        """Every user as the ledger's events say (the display name from the table)."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(users).order_by(users.c.created_at, users.c.user_id)).all()
        out = []
        for row in rows:
            state = self._state(row.user_id)
            if state is not None:
                out.append(User(state.user_id, row.display_name, state.organisation, Role(state.role), state.disabled))
        return out

    def is_user(self, user_id: str) -> bool:
        """Whether ``user_id`` is registered: its event decides, not the directory row (written just after it)."""
        return isinstance(user_id, str) and self._state(user_id) is not None

    def get(self, user_id: str) -> User:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.user_id == user_id)).first()
        state = self._state(user_id) if row is not None else None
        if row is None or state is None:
            raise UserError("No user with that id.")
        return User(state.user_id, row.display_name, state.organisation, Role(state.role), state.disabled)

    def disable(self, user_id: str, *, by: Actor | None = None) -> User:
        """Disable a user (recorded in the ledger); disabling a disabled user changes nothing."""
        state = self._state(user_id)
        if state is None:
            raise UserError("No user with that id.")
        if not state.disabled:
            event = UserDisabled(  # type: ignore[call-arg]  # eventsourcing makes the event's fields, unseen by mypy
                originator_id=user_stream(user_id), originator_version=state.version + 1, timestamp=self.clock(),
                user_id=user_id, by_user_id=(by or self.operator).user_id)
            try:
                self.log.record_directory_change(by or self.operator, Action.DISABLE_USER, user_id, [event],
                                                 state.organisation)
            except IntegrityError:
                pass  # disabled by someone else at the same moment: the state below says so
        with self.engine.begin() as conn:
            conn.execute(users.update().where(users.c.user_id == user_id, users.c.disabled_at.is_(None))
                         .values(disabled_at=self.clock()))
        return self.get(user_id)

    def authenticate(self, token: str) -> User | None:
        """The enabled user this token belongs to, or ``None``; a row that differs from the ledger is refused."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        digest = _digest(token)
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.token_sha256 == digest)).first()
        if row is None or not hmac.compare_digest(row.token_sha256, digest):
            return None
        state = self._state(row.user_id)
        if state is None or not hmac.compare_digest(state.token_sha256, digest) or _row_differs(row, state):
            log.warning("user_row_differs_from_ledger", user_id=row.user_id)
            return None
        if state.disabled:
            return None
        return User(state.user_id, row.display_name, state.organisation, Role(state.role), False)

    def adopt(self, *, by: Actor) -> builtins.list[str]:
        """Record in the ledger the users of an earlier release (rows without events); returns their ids.

        An upgrade step for the operator (``ledger users adopt``), never done implicitly: the
        rows are trusted once, on record. A free-text organisation becomes its code (lower
        case, hyphens for spaces), registered as a partner under its old name if missing.
        """
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(users).order_by(users.c.created_at, users.c.user_id)).all()
        adopted = []
        for row in rows:
            if self._state(row.user_id) is not None:
                continue
            org = row.organisation if ORG_ID.match(row.organisation) else "-".join(row.organisation.lower().split())
            if not ORG_ID.match(org):
                raise UserError(f"User {row.user_id}'s organisation has no usable id; register it and edit the row.")
            if not self.is_organisation(org):
                self.add_organisation(org, row.organisation, OrganisationKind.PARTNER, by=by)
            events: builtins.list[DomainEvent] = [UserAdded(  # type: ignore[call-arg]  # eventsourcing makes the event's fields, unseen by mypy
                originator_id=user_stream(row.user_id), originator_version=1, timestamp=self.clock(),
                user_id=row.user_id, organisation=org, role=Role(row.role).value, token_sha256=row.token_sha256,
                by_user_id=by.user_id)]
            if row.disabled_at is not None:
                events.append(UserDisabled(  # type: ignore[call-arg]  # eventsourcing makes the event's fields, unseen by mypy
                    originator_id=user_stream(row.user_id), originator_version=2, timestamp=self.clock(),
                    user_id=row.user_id, by_user_id=by.user_id))
            self.log.record_directory_change(by, Action.ADD_USER, row.user_id, events, org)
            with self.engine.begin() as conn:
                conn.execute(users.update().where(users.c.user_id == row.user_id).values(organisation=org))
            adopted.append(row.user_id)
        return adopted

    # ------------------------------------------------------------ verification
    def differences(self) -> builtins.list[str]:
        """Every cached row that the ledger's events do not bear out (``audit verify`` reports them)."""
        problems = []
        with self.engine.connect() as conn:
            user_rows = conn.execute(sa.select(users).order_by(users.c.user_id)).all()
            org_rows = conn.execute(sa.select(organisations).order_by(organisations.c.org_id)).all()
        for row in user_rows:
            state = self._state(row.user_id)
            if state is None:
                problems.append(f"user {row.user_id} is in ledger_users but was never added in the ledger "
                                "(after an upgrade: `ledger users adopt`)")
            elif state.token_sha256 != row.token_sha256 or _row_differs(row, state):
                problems.append(f"user {row.user_id} in ledger_users differs from the ledger")
        for row in org_rows:
            self._organisations.pop(row.org_id, None)  # re-read from the events
            found = self.organisation(row.org_id)
            if found is None:
                problems.append(f"organisation {row.org_id} is in ledger_organisations but was never registered")
            elif (found.name, found.kind.value) != (row.name, row.kind):
                problems.append(f"organisation {row.org_id} in ledger_organisations differs from the ledger")
        return problems

    def _state(self, user_id: str) -> _UserState | None:
        state: _UserState | None = None
        for e in self.log.directory_stream(user_stream(user_id)):
            if isinstance(e, UserAdded) and state is None and e.user_id == user_id:
                state = _UserState(e.user_id, e.organisation, e.role, e.token_sha256, False, e.originator_version)
            elif isinstance(e, UserDisabled) and state is not None:
                state = _UserState(**{**state.__dict__, "disabled": True, "version": e.originator_version})
        return state


def _row_differs(row: sa.Row, state: _UserState) -> bool:
    return (row.organisation, row.role, row.disabled_at is not None) != (state.organisation, state.role, state.disabled)
