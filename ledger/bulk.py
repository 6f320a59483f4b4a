"""Bulk import: migrate an existing municipality's cases into the ledger.

Input is JSON Lines, one household per line::

    {"household_id": "<uuid from the source system>",
     "steps": [{"command": "refer_household", "on": "2024-03-01",
                "args": {"sources": ["social_work"], "members": [{"role": "adult", "name": "..."}]}},
               {"command": "record_intake", "on": "2024-03-08", "args": {...}},
               {"command": "set_plan_goal", "on": "2024-04-02", "args": {...}, "produces": "goal1"},
               {"command": "add_plan_action", "on": "2024-04-02", "args": {"goal_id": {"ref": "goal1"}, ...}},
               ...]}

Each step is one of the application's commands (the names and keyword arguments of
:class:`~ledger.application.CaseLedger`'s methods, which the HTTP API and the access
records use too), with its business date ``on`` from the source system. A step that
creates an item (a goal, an action, a consent ...) may name it with ``produces``; later
steps refer to it as ``{"ref": "<name>"}``. Dates are ISO strings, amounts strings.

How it works:

1. **Validation pass over the whole file, before anything is written.** Each household
   is replayed by the application itself, a staging :class:`CaseLedger` over an in-memory
   store with a pass-through guard (:class:`ledger.bulk_staging.Staging`): the live command code, nothing
   written to the ledger. A bad
   line stops the import with one line naming the line number, the step and the rule's
   code (``line 12, step 4 (close_case): case-closed``), never a value from the input.
   Each step's arguments are first validated by the API's own body model for the command
   (``ledger.api.routes.commands.COMMAND_BODIES``), so the import accepts exactly what the API
   accepts; a refusal names the field and the rule (``import-invalid-params (organisation:
   Value error, NUL characters are not accepted)``).
   A household id that is already in the ledger, or twice in the file, is refused the
   same way (``household-exists``, ``duplicate-household``): a second import of the
   same file changes nothing. ``resume=True`` skips households already in the ledger
   instead (to finish an import that was interrupted between batches).
2. **Write pass.** The households are staged again and written in transactions of about
   ``batch_size`` events: the data keys of the batch in one key-store transaction, then
   one ``app.save(*events, *households, *records)``, in which eventsourcing writes every event of
   the batch in one database transaction, their hash-chain links included, and snapshots
   are taken as for live commands. A household is never
   split over two batches. Personal values are sealed by the application's mapper with
   the household's own key, as in a live command.
3. **Access record.** Each household gets one ``AccessRecorded`` (action
   ``import_household``, the operator as actor, every data category its steps wrote),
   saved in the household's batch transaction.

Time: the business dates (``on``) are the source's. The recorded time (event
``timestamp``) is the moment of the import, because that is when the ledger learned
these facts; an as-of view before the import shows none of them. Every event's actor
is the operator who ran the import (the ledger records who wrote it, not who worked
the case in the old system; staff ids in the source's arguments stay data).

Not importable: ``erase_household`` (a household erased in the source is migrated
without its personal data, or not at all; erasing during a migration would write data
only to destroy its key), and reads.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import structlog
from eventsourcing.persistence import IntegrityError
from pydantic import ValidationError

from ledger.aggregates import Actor, Household, errors
from ledger.aggregates.actions import Action, commands
from ledger.aggregates.clock import recording_clock
from ledger.application import CaseLedger, NewMember
from ledger.bulk_bodies import invalid_params, step_arguments
from ledger.bulk_staging import Staging
from ledger.persistence import existing_households
from ledger.privacy.access import COMMAND_CATEGORIES, AccessRecorded, access_record
from ledger.privacy.policy import decide

__all__ = ["BATCH_EVENTS", "COMMANDS", "ImportError_", "ImportReport", "import_file", "import_lines",
           "plan_lines", "staff_named", "step_arguments", "validate_lines"]

log = structlog.get_logger("ledger.bulk")

BATCH_EVENTS = 1000
ACTION = Action.IMPORT_HOUSEHOLD
# Every command the import replays: the declared commands (ledger/aggregates/actions.py), erasure excepted.
COMMANDS: frozenset[str] = frozenset(s.action for s in commands()) - {Action.ERASE_HOUSEHOLD}


class ImportError_(errors.HouseholdError):
    """The file was refused; the message names a line, a step and a code, never a value."""

    code = "import-refused"


@dataclass
class ImportReport:
    lines: int = 0
    households: int = 0  # written (or, dry run: that would be written)
    skipped: int = 0  # already in the ledger (resume)
    events: int = 0  # household events
    access_records: int = 0
    batches: int = 0
    validate_seconds: float = 0.0
    write_seconds: float = 0.0
    dry_run: bool = False
    batch_sizes: list[int] = field(default_factory=list, repr=False)

    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        text = (f"{self.lines} lines: {verb} {self.households} households with {self.events} events "
                f"and {self.access_records} access records")
        if not self.dry_run:
            text += f" in {self.batches} transactions"
        if self.skipped:
            text += f"; skipped {self.skipped} already in the ledger"
        return text + f" (validated in {self.validate_seconds:.1f} s, written in {self.write_seconds:.1f} s)."


@dataclass
class _Entry:
    line: int
    household_id: UUID
    steps: list[Mapping[str, Any]]


def _refuse(line: int, code: str, step: int | None = None, command: str | None = None) -> ImportError_:
    where = f"line {line}" + (f", step {step}" if step is not None else "")
    if command is not None and command in COMMANDS:
        where += f" ({command})"
    return ImportError_(f"{where}: {code}")


def _parse(line_no: int, text: str) -> _Entry:
    try:
        data = json.loads(text)
    except ValueError:
        raise _refuse(line_no, "import-not-json") from None
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list) or not data["steps"]:
        raise _refuse(line_no, "import-bad-shape")
    try:
        hid = UUID(str(data.get("household_id")))
    except ValueError:
        raise _refuse(line_no, "import-bad-household-id") from None
    return _Entry(line_no, hid, data["steps"])


def _stage(staging: Staging, entry: _Entry, actor: Actor) -> tuple[int, frozenset[Any]]:
    """Replay one household's steps on the staging ledger: its version and the data categories its steps wrote."""
    with staging.household(entry.household_id) as ledger:
        return _steps(ledger, entry, actor)


def _steps(ledger: CaseLedger, entry: _Entry, actor: Actor) -> tuple[int, frozenset[Any]]:
    version = 0
    refs: dict[str, str] = {}
    categories: set[Any] = set()
    for i, step in enumerate(entry.steps, start=1):
        command = step.get("command") if isinstance(step, dict) else None
        if not isinstance(command, str) or command not in COMMANDS:
            raise _refuse(entry.line, "import-unknown-command", i)
        if (i == 1) != (command == Action.REFER_HOUSEHOLD):
            raise _refuse(entry.line, "import-referral-first", i, command)
        args = step.get("args", {})
        if not isinstance(args, dict) or "on" in args or "expected_version" in args:
            raise _refuse(entry.line, "import-bad-arguments", i, command)
        try:
            on = date.fromisoformat(str(step.get("on")))
        except (ValueError, TypeError):
            raise _refuse(entry.line, "import-bad-value", i, command) from None
        resolved = {}
        for name, value in args.items():
            if isinstance(value, dict) and set(value) == {"ref"}:
                if not isinstance(value["ref"], str) or value["ref"] not in refs:
                    raise _refuse(entry.line, "import-unknown-ref", i, command)
                value = refs[value["ref"]]
            resolved[name] = value
        try:
            kwargs = step_arguments(command, resolved, on)
        except KeyError:
            raise _refuse(entry.line, "import-unknown-command", i) from None
        except ValidationError as exc:
            raise ImportError_(f"{_refuse(entry.line, 'import-invalid-params', i, command)} ({invalid_params(exc)})") from None
        method = getattr(ledger, command)
        try:
            if command == Action.REFER_HOUSEHOLD:
                result = method(actor, on=on, **kwargs)
            else:
                result = method(actor, entry.household_id, expected_version=version, on=on, **kwargs)
        except errors.HouseholdError as exc:
            raise _refuse(entry.line, exc.code, i, command) from None
        except TypeError:  # a missing or unknown keyword argument
            raise _refuse(entry.line, "import-bad-arguments", i, command) from None
        except (ValueError, KeyError):  # a value the domain's types refuse (an unknown code ...)
            raise _refuse(entry.line, "import-bad-value", i, command) from None
        except Exception as exc:  # noqa: BLE001 - never an internal error without the line: say where, not what
            log.warning("import_step_failed", line=entry.line, step=i, command=command, error_type=type(exc).__name__)
            raise _refuse(entry.line, "import-bad-value", i, command) from None
        version = result[1] if isinstance(result, tuple) else result
        produces = step.get("produces")
        if produces is not None:
            if not isinstance(result, tuple) or not isinstance(produces, str):
                raise _refuse(entry.line, "import-bad-produces", i, command)
            refs[produces] = result[0]
        categories |= COMMAND_CATEGORIES[command]
    return version, frozenset(categories)


def bsns_of(household: Household) -> list[str | None]:
    """The members' BSNs (as staged: unsealed in memory), for the blind index."""
    return [m.bsn.value for m in household.members.values() if m.bsn is not None]


def _import_record(app: CaseLedger, actor: Actor, household: Household, categories: frozenset[Any],
                   at: datetime) -> AccessRecorded:
    decision = decide(actor, ACTION, household, categories, actor.purpose, on=app.today(),
                      municipality=app.municipality)
    if not decision.allowed:
        raise ImportError_("The import is reserved to the local operator (role operator).")
    return access_record(actor=actor, action=ACTION, household_id=household.id, categories=categories,
                         decision=decision, at=at)


# ------------------------------------------------------------------ passes
def _entries(lines: Iterable[str]) -> Iterator[_Entry]:
    for n, text in enumerate(lines, start=1):
        if text.strip():
            yield _parse(n, text)


def _with_presence(app: CaseLedger, entries: Iterable[_Entry], size: int = 500) -> Iterator[tuple[_Entry, bool]]:
    """Each entry, and whether the ledger holds its household already (asked 500 at a time)."""
    chunk: list[_Entry] = []

    def flush() -> Iterator[tuple[_Entry, bool]]:
        present = existing_households(app.recorder, [e.household_id for e in chunk])
        yield from ((e, e.household_id in present) for e in chunk)

    for entry in entries:
        chunk.append(entry)
        if len(chunk) == size:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()


# ``progress(stage, done, total)``: "validating" (households' lines read of the file's, blank lines left out)
# then "writing" (households written); counts only, never a value from the file.
ImportProgress = Callable[[str, int, int | None], Any]


def validate_lines(app: CaseLedger, lines: Iterable[str], actor: Actor, *, resume: bool = False,
                   report: ImportReport | None = None, progress: ImportProgress | None = None,
                   total: int | None = None) -> ImportReport:
    """The validation pass: every line replayed in memory; raises :class:`ImportError_` at the first bad one."""
    report = report or ImportReport()
    began = time.perf_counter()
    if actor.role != "operator":
        raise ImportError_("The import is reserved to the local operator (role operator).")
    staging = Staging(app, app.clock)
    seen: set[UUID] = set()
    read = 0  # households' lines read (blank lines are none)
    try:
        for entry, present in _with_presence(app, _entries(lines)):
            report.lines = entry.line
            if progress is not None:
                progress("validating", read, total)
            read += 1
            if entry.household_id in seen:
                raise _refuse(entry.line, "duplicate-household")
            seen.add(entry.household_id)
            if present:
                if not resume:
                    raise _refuse(entry.line, "household-exists")
                report.skipped += 1
                continue
            version, _ = _stage(staging, entry, actor)
            report.households += 1
            report.events += version
            report.access_records += 1
    finally:
        staging.close()
    if progress is not None:
        progress("validating", read, total)
    report.validate_seconds = time.perf_counter() - began
    return report


def _drop_keys(app: CaseLedger, household_ids: Sequence[UUID]) -> None:
    """A batch that failed to save: its keys go (nothing was sealed with them in the store)."""
    for hid in household_ids:
        app.keys.destroy(hid)


@dataclass
class _Staged:
    household: Household  # as staged, at its final version
    events: list[Any]  # its events, as the live commands made them
    record: AccessRecorded  # the import's access record


def _write(app: CaseLedger, batch: list[_Staged], first_line: int) -> None:
    """One batch: its keys, then its events and access records in one transaction, then its snapshots.

    The events are sealed again, by the ledger's mapper with each household's own new key.
    Snapshots are the application's own: ``CaseLedger.save`` snapshots each household whose
    new events reach a multiple of the interval, from the household in memory (passed with its
    events), at its final version (a cache, written after the events' transaction and checked
    by ``audit verify``).
    """
    ids = [s.household.id for s in batch]
    app.keys.create_many(ids, {s.household.id: bsns_of(s.household) for s in batch})  # BSN index, same transaction
    try:
        app.save(*(e for s in batch for e in s.events), *(s.household for s in batch), *(s.record for s in batch))
    except IntegrityError:
        _drop_keys(app, ids)
        raise _refuse(first_line, "household-exists") from None
    except BaseException:
        _drop_keys(app, ids)
        raise


def import_lines(
    app: CaseLedger, lines: Callable[[], Iterable[str]], actor: Actor, *, dry_run: bool = False,
    resume: bool = False, batch_size: int = BATCH_EVENTS, progress: ImportProgress | None = None,
    total: int | None = None,
) -> ImportReport:
    """Validate every line, then (unless ``dry_run``) write them in batches of about ``batch_size`` events.

    ``lines`` is called once per pass (the file is read twice, never held whole); ``total`` is how many
    lines it has, if known (for ``progress``).
    """
    report = validate_lines(app, lines(), actor, resume=resume, progress=progress, total=total)
    report.dry_run = dry_run
    if dry_run:
        return report
    began = time.perf_counter()
    staging = Staging(app, app.clock)
    batch: list[_Staged] = []
    size, first_line, written = 0, 0, 0
    try:
        with recording_clock(app.clock):
            for entry, present in _with_presence(app, _entries(lines())):
                if resume and present:
                    continue
                version, categories = _stage(staging, entry, actor)
                household, events = staging.staged(entry.household_id)
                n = version + 1
                if batch and size + n > batch_size:
                    _write(app, batch, first_line)
                    report.batches += 1
                    report.batch_sizes.append(size)
                    batch, size = [], 0
                if not batch:
                    first_line = entry.line
                batch.append(_Staged(household, events, _import_record(app, actor, household, categories, app.clock())))
                size += n
                if progress is not None:
                    progress("writing", written, report.households)
                    written += 1
            if batch:
                _write(app, batch, first_line)
                report.batches += 1
                report.batch_sizes.append(size)
            if progress is not None:
                progress("writing", written, report.households)
    finally:
        staging.close()
    report.write_seconds = time.perf_counter() - began
    log.info("import_written", households=report.households, events=report.events, batches=report.batches)
    return report


def import_file(app: CaseLedger, path: Path, actor: Actor, *, dry_run: bool = False, resume: bool = False,
                batch_size: int = BATCH_EVENTS, progress: ImportProgress | None = None) -> ImportReport:
    """``ledger import FILE``: the JSON Lines file at ``path``."""

    def lines() -> Iterator[str]:
        with path.open(encoding="utf-8") as f:
            yield from f

    total = sum(1 for text in lines() if text.strip()) if progress is not None else None  # households, not lines
    return import_lines(app, lines, actor, dry_run=dry_run, resume=resume, batch_size=batch_size,
                        progress=progress, total=total)


# ------------------------------------------------------------------ synthetic input
def _jsonable(value: Any) -> Any:
    from ledger.demo import Ref

    if isinstance(value, Ref):
        return {"ref": value.key}
    if isinstance(value, NewMember):
        return {k: v for k, v in vars(value).items() if v is not None}
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def staff_named(lines: Iterable[str]) -> dict[str, tuple[str, str]]:
    """The case directors and workers an import file names: user id -> (organisation id, role).

    Each must be a user of the directory before the import (a worker or director id is a
    registered user id); this lists them, e.g. to add them with ``ledger users add --id``.
    """
    staff: dict[str, tuple[str, str]] = {}
    for text in lines:
        if not text.strip():
            continue
        for step in json.loads(text).get("steps", []):
            args = step.get("args", {})
            if step.get("command") in (Action.ASSIGN_CASE_DIRECTOR, Action.REPLACE_CASE_DIRECTOR):
                staff.setdefault(args["user_id"], (args["organisation"], "consultant"))
            elif step.get("command") == Action.START_INVOLVEMENT and args.get("worker_id"):
                staff.setdefault(args["worker_id"], (args["organisation"], "professional"))
    return staff


def plan_lines(*, households: int, seed: int, start: date, end: date) -> Iterator[str]:
    """Import input for an invented municipality: the demo's plan (``ledger.demo``), one JSON line per household.

    Synthetic data only. Household ids are seeded; erasure steps are left out (not importable).
    """
    import random

    from ledger.demo import build_plan, seeded_household_ids

    per: dict[int, list[dict[str, Any]]] = {}
    for s in build_plan(households=households, seed=seed, start=start, end=end):
        if s.command == Action.ERASE_HOUSEHOLD:
            continue
        step: dict[str, Any] = {"command": s.command, "on": s.dated.isoformat(), "args": _jsonable(dict(s.args))}
        if s.produces is not None:
            step["produces"] = s.produces
        per.setdefault(s.household, []).append(step)
    new_id = seeded_household_ids(random.Random(f"import-ids-{seed}"))
    for h in sorted(per):
        yield json.dumps({"household_id": str(new_id()), "steps": per[h]}, ensure_ascii=False) + "\n"
