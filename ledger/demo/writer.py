"""Execution: the timeline written through the application's commands, the registers filled first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

from ledger.aggregates import Actor
from ledger.aggregates.actions import commands
from ledger.application import CaseLedger
from ledger.privacy.users import UserDirectory, UserError
from .clock import DEFAULT_HISTORY_DAYS, SimClock
from .steps import DemoReport, Ref, Step
from .names import ORGANISATIONS
from .municipality import _moments, build_plan


class Populated(Protocol):
    """What the demo writes through: the application's commands and the user directory (its registers)."""

    @property
    def app(self) -> CaseLedger: ...

    @property
    def users(self) -> UserDirectory: ...


# Which command arguments the application wraps as personal data (ledger/application/).
_PERSONAL_ARGS: dict[str, tuple[str, ...]] = {
    "refer_household": ("address", "reason"),
    "add_referral": ("reason",),
    "record_intake": ("summary",),
    "decide_coordination": ("rationale",),
    "hold_orientation_talk": ("notes",),
    "replace_case_director": ("reason",),
    "set_plan_goal": ("description",),
    "revise_plan_goal": ("description",),
    "add_plan_action": ("description",),
    "cancel_plan_action": ("reason",),
    "start_involvement": ("contact_name",),
    "hold_evaluation": ("notes",),
    "raise_escalation": ("reason",),
    "resolve_escalation": ("resolution",),
    "record_cost": ("description",),
    "hand_over": ("notes",),
    "record_drop_out": ("reason",),
    "reopen_case": ("reason",),
}
# The event each command records.
# The Household event each command records (declared in ledger/aggregates/actions.py).
EVENT_OF: dict[str, str] = {s.action: s.event for s in commands() if s.event is not None}


# =============================================================== execution
def _personal_values(command: str, args: Mapping[str, Any]) -> Iterable[str]:
    for name in _PERSONAL_ARGS.get(command, ()):
        if args.get(name):
            yield args[name]
    if command == "refer_household":
        for m in args["members"]:
            yield from (v for v in (m.name, m.bsn, m.birth_date, m.phone, m.email) if v)
    if command == "record_intake":
        yield from (name for _, name in args["network"] if name)


def _window(tz: ZoneInfo, start: date | None) -> tuple[date, date]:
    yesterday = datetime.now(tz=tz).date() - timedelta(days=1)
    start = start or yesterday + timedelta(days=1) - timedelta(days=DEFAULT_HISTORY_DAYS)
    return start, min(start + timedelta(days=DEFAULT_HISTORY_DAYS - 1), yesterday)


def register_organisations(ledger: Populated, operator: Actor) -> None:
    """Register the demo's organisations that are not registered yet (the ledger's own municipality as such)."""
    for org_id, name in ORGANISATIONS.items():
        if not ledger.users.is_organisation(org_id):
            kind = "municipality" if org_id == ledger.app.municipality else "partner"
            try:
                ledger.users.add_organisation(org_id, name, kind, by=operator)
            except UserError:
                if not ledger.users.is_organisation(org_id):  # not another process registering it meanwhile
                    raise


def staff_of(timeline: Iterable[Step]) -> dict[str, tuple[str, str]]:
    """The case directors and workers a plan names: user id -> (organisation id, role)."""
    staff: dict[str, tuple[str, str]] = {}
    for step in timeline:
        if step.command in ("assign_case_director", "replace_case_director"):
            staff.setdefault(step.args["user_id"], (step.args["organisation"], "consultant"))
        elif step.command == "start_involvement" and step.args.get("worker_id"):
            staff.setdefault(step.args["worker_id"], (step.args["organisation"], "professional"))
    return staff


def register_staff(ledger: Populated, timeline: Iterable[Step]) -> None:
    """Add the plan's staff to the user directory: a director or worker id must be a registered user."""
    for user_id, (organisation, role) in sorted(staff_of(timeline).items()):
        if not ledger.app.is_user(user_id):
            try:
                ledger.users.add(display_name=f"Demo {role} {user_id}", organisation=organisation, role=role,
                                 user_id=user_id)
            except UserError:
                if not ledger.app.is_user(user_id):  # not another process adding the same staff meanwhile
                    raise


def generate(
    ledger: Populated,
    *,
    households: int = 40,
    seed: int = 1,
    operator: Actor,
    clock: SimClock | None = None,
    start: date | None = None,
    progress: Callable[[int, int], Any] | None = None,
) -> DemoReport:
    """Invent ``households`` households through the ledger's commands, as ``operator``.

    ``clock`` is the :class:`SimClock` the ledger was built with (default: the ledger's own
    clock, which must be one); it is advanced to each step's moment, in order across all
    households. History runs from ``start`` (default: 420 days ago) up to yesterday at the
    latest, so the clock never passes the real present. ``progress(done, total)`` hears after
    each step (counts of events only).
    """
    app: CaseLedger = ledger.app
    given: object = clock if clock is not None else app.clock
    if not isinstance(given, SimClock):
        raise TypeError("generate() needs the SimClock the ledger was built with (see demo_wiring()).")
    clock = given
    if app.clock is not clock:
        raise ValueError("The ledger was built with another clock than the one given to generate().")
    first, last = _window(app.tz, start)
    timeline = build_plan(households=households, seed=seed, start=first, end=last)
    moments = _moments(timeline, app.tz)
    if clock() > moments[0]:
        raise ValueError(
            f"The demo clock stands at {clock().isoformat()}, after the first demo event "
            f"({moments[0].isoformat()}); create it with demo_clock() at or before {first.isoformat()}."
        )

    register_organisations(ledger, operator)
    register_staff(ledger, timeline)
    ids: dict[int, UUID] = {}
    versions: dict[int, int] = {}
    refs: dict[tuple[int, str], str] = {}
    closed: set[int] = set()
    erased: set[int] = set()
    counts: Counter[str] = Counter()
    personal: dict[str, None] = {}
    for done, (step, moment) in enumerate(zip(timeline, moments, strict=True)):
        if progress is not None:
            progress(done, len(timeline))
        clock.advance_to(moment)
        h = step.household
        args: dict[str, Any] = {k: refs[(h, v.key)] if isinstance(v, Ref) else v for k, v in step.args.items()}
        if step.command == "refer_household":
            ids[h], versions[h] = app.refer_household(operator, on=step.dated, **args)
        else:
            result = getattr(app, step.command)(operator, ids[h], expected_version=versions[h], on=step.dated, **args)
            if isinstance(result, tuple):
                new_id, versions[h] = result
                if step.produces is not None:
                    refs[(h, step.produces)] = new_id
            else:
                versions[h] = result
        if step.command == "close_case":
            closed.add(h)
        elif step.command == "reopen_case":
            closed.discard(h)
        elif step.command == "erase_household":
            erased.add(h)
        counts[EVENT_OF[step.command]] += 1
        personal.update(dict.fromkeys(_personal_values(step.command, args)))
    if progress is not None:
        progress(len(timeline), len(timeline))

    return DemoReport(
        households=len(ids),
        events=len(timeline),
        closed=len(closed),
        erased=len(erased),
        first_day=timeline[0].on,
        last_day=timeline[-1].on,
        household_ids=[ids[i] for i in sorted(ids)],
        event_counts=dict(sorted(counts.items())),
        personal_values=list(personal),
    )
