"""``ledger audit log|emergencies|record|review|remote-digest|remote-verify``: the privacy officer over the HTTP API.

Merged into the operator's ``ledger audit`` group (:mod:`ledger.cli.audit`), next to the local
``digest``, ``verify`` and ``chain-tail``; ``remote-`` names the service's own chain.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ..terminal import print_access_records
from ._common import AsJson, Timeout, _client, _console, _date, _fail, _handled, _json, _moment, _table

__all__ = ["audit_remote_app"]

audit_remote_app = typer.Typer()  # merged into `ledger audit` (no name of its own)


@audit_remote_app.command("log")
@_handled
def audit_log(
    household: Annotated[str | None, typer.Option(help="Only this household.")] = None,
    user: Annotated[str | None, typer.Option(help="Only this user id.")] = None,
    day: Annotated[str | None, typer.Option(help="Only this day (YYYY-MM-DD).")] = None,
    category: Annotated[str | None, typer.Option(help="Only records touching this data category.")] = None,
    since: Annotated[str | None, typer.Option(help="From this moment (ISO time with zone).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this moment (ISO time with zone).")] = None,
    emergencies: Annotated[bool, typer.Option("--emergencies", help="Only emergency accesses awaiting review.")] = False,
    as_json: AsJson = False,
) -> None:
    """Access records from the service (NEN 7513 views), as the privacy officer."""
    day_, since_, until_ = _date(day, "--day"), _moment(since, "--since"), _moment(until, "--until")
    with _client() as c:
        if emergencies:
            rows = c.emergencies()
        else:
            rows = list(c.access_log(household_id=household, user_id=user, day=day_, category=category,
                                     since=since_, until=until_))
    if as_json:
        return _json(rows)
    print_access_records(rows, with_household=household is None)


@audit_remote_app.command("emergencies")
@_handled
def audit_emergencies(as_json: AsJson = False) -> None:
    """Emergency (break-the-glass) accesses awaiting the privacy officer's review."""
    with _client() as c:
        rows = c.emergencies()
    if as_json:
        return _json(rows)
    _console().print(_table(None, ["record", "time", "user", "action", "stated reason"],
                            [(r.get("record_id"), r.get("at"), r.get("user_id"), r.get("action"), _stated(r))
                             for r in rows], nowrap=("record", "time")))
    typer.echo(f"{len(rows)} awaiting review")


def _stated(r: dict[str, Any]) -> str:
    """The reason the user typed, as the privacy officer reviews it; or why there is none to show."""
    stated = r.get("stated_reason")
    if stated is None:
        return f"(none stated: {r.get('needs_review') or 'no emergency'})"
    return "(erased with the household)" if stated.get("erased") else str(stated.get("text"))


def _relations_lines(rel: dict[str, Any] | None) -> list[str]:
    if rel is None:
        return ["relations then: (no household)"]
    director = rel.get("case_director")
    named = (f"{_named(director.get('name'), director['user_id'])}, "
             f"{_named(director.get('organisation_name'), director['organisation'])}") if director else "none"
    lines = [f"relations then (as known at position {rel['known_at']['position']}):",
             f"  case director: {named}",
             f"  responsible organisation: "
             f"{_named(rel.get('responsible_organisation_name'), rel.get('responsible_organisation'))}",
             f"  the reader was: {rel.get('reader_relationship')}"]
    involvements = rel.get("involvements") or []
    lines.append(f"  involved: {'none' if not involvements else ''}".rstrip())
    lines += [f"    {_named(i.get('organisation_name'), i['organisation'])} / "
              f"{_named(i.get('worker_name'), i['worker_id']) if i.get('worker_id') else '(the organisation)'}, "
              f"{i['kind']}, since {i['started_on']}"
              for i in involvements]
    return lines


def _named(name: str | None, key: str | None) -> str:
    """``Name (id)`` where the directory or register knows a name, else the id alone."""
    return f"{name} ({key})" if name and name != key else str(key)


@audit_remote_app.command("record")
@_handled
def audit_record(
    record: Annotated[str, typer.Argument(help="The access record's id (from `ledger audit emergencies`).")],
    as_json: AsJson = False,
) -> None:
    """One access record for review: the stated reason, the reader, the categories and the relations then.

    Showing the reason is itself recorded (read_access_review), like every read of case data.
    """
    with _client() as c:
        r = c.access_record(record)
    if as_json:
        return _json(r)
    withheld = r.get("withheld_categories") or {}
    behalf = f" on behalf of {r['on_behalf_of']}" if r.get("on_behalf_of") else ""
    reviewed = f" by {r['reviewed_by']} at {r.get('reviewed_at')}" if r.get("reviewed_by") else ""
    lines = [
        f"record {r.get('record_id')}  at {r.get('at')}  {r.get('action')}  {r.get('outcome')}",
        f"reader: {_named(r.get('user_name'), r.get('user_id'))}, "
        f"{_named(r.get('organisation_name'), r.get('organisation'))}, {r.get('role')}"
        f"{behalf}, purpose {r.get('purpose')}",
        f"household: {r.get('household_id') or '-'}",
        f"authorisation: {r.get('authorisation') or '-'}{'  (emergency)' if r.get('emergency') else ''}",
        f"stated reason: {_stated(r)}",
        f"categories disclosed: {', '.join(r.get('data_categories') or []) or 'none'}",
        *([f"categories withheld: {', '.join(f'{k} ({v})' for k, v in sorted(withheld.items()))}"] if withheld else []),
        *_relations_lines(r.get("relations")),
        f"review: {r.get('review_verdict') or 'awaiting'}"
        f"{reviewed}",
    ]
    for line in lines:
        typer.echo(line)


@audit_remote_app.command("review")
@_handled
def audit_review(
    record: Annotated[str, typer.Argument(help="The emergency access record's id.")],
    verdict: Annotated[str, typer.Option(help="justified or unjustified.")],
    as_json: AsJson = False,
) -> None:
    """Record the privacy officer's verdict on an emergency access."""
    if verdict not in ("justified", "unjustified"):
        raise typer.BadParameter("--verdict must be justified or unjustified")
    with _client() as c:
        answer = c.review_emergency(record, "justified" if verdict == "justified" else "unjustified")
    if as_json:
        return _json(answer)
    typer.echo(f"{record} reviewed: {verdict}")


@audit_remote_app.command("remote-digest")
@_handled
def audit_remote_digest(
    out: Annotated[Path | None, typer.Option("--out", help="Write the digest to this file (default: stdout).")] = None,
    timeout: Timeout = None,
) -> None:
    """A signed digest of the service's hash chain (JSON), to keep outside it."""
    with _client(timeout) as c:
        digest = c.digest()
    text = json.dumps(digest, indent=2)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n")
        typer.echo(f"digest at position {digest.get('position')} written to {out}")


@audit_remote_app.command("remote-verify")
@_handled
def audit_remote_verify(as_json: AsJson = False, timeout: Timeout = None) -> None:
    """Let the service recompute its hash chain and check its snapshots; exit 1 when anything is off."""
    with _client(timeout) as c:
        result = c.verify()
    if as_json:
        _json(result)
    if not result.get("ok"):
        where = result.get("first_bad_position")
        _fail(f"verification failed{f' at position {where}' if where else ''}: "
              f"{result.get('problem') or ''} {result.get('bad_snapshots', 0)} bad snapshots")
    if not as_json:
        typer.echo(f"ok: {result.get('checked')} records verified up to position {result.get('head_position')}")
