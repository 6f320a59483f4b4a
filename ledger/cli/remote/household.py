"""``ledger household list|refer|show|events|plan|involved``: a household through the HTTP API.

``household_app`` is the group; the case steps (:mod:`.case`), the plan (:mod:`.plan`) and the privacy
officer's commands (:mod:`.privacy`) register on it too. Each write names the household version it
expects (``--version``/``-v``) and prints the new one; tables by default, ``--json`` for JSON.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import typer

from ledger.cli.dates import AS_OF_HELP, KNOWN_AT_HELP, parse_as_of, parse_known_at
from ._common import AsJson, HouseholdId, Key, On, _cell, _client, _console, _date, _handled, _json, _table
from .readable import print_history, print_plan

__all__ = ["household_app", "relations_of"]

RELATION_HELP = "MEMBER:RELATION:TO_MEMBER, e.g. m1:mother_of:m2 (partner_of, mother_of, father_of); repeat."
COMPOSITION_HELP = ("single, couple_without_children, couple_with_children, mother_with_children, father_with_children "
                    "or other (default: derived from the members and --relation).")


def relations_of(specs: list[str] | None) -> list[dict[str, str]] | None:
    """``m1:mother_of:m2`` as the API's relation (member ids only)."""
    if specs is None:
        return None
    out = []
    for spec in specs:
        parts = [p.strip() for p in spec.split(":")]
        if len(parts) != 3 or not all(parts):
            raise typer.BadParameter("--relation takes MEMBER:RELATION:TO_MEMBER, e.g. m1:mother_of:m2")
        out.append({"member": parts[0], "relation": parts[1], "to_member": parts[2]})
    return out


AsOfDate = Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)]
KnownAt = Annotated[str | None, typer.Option("--known-at", help=KNOWN_AT_HELP)]


def _times(as_of: str | None, known_at: str | None) -> tuple[date | None, int | datetime | None]:
    try:
        return parse_as_of(as_of), parse_known_at(known_at)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None


def _times_line(data: dict[str, Any]) -> str | None:
    """"as of DATE, as known at position N (TIME)" for an as-of answer; None for a current one."""
    known = data.get("known_at")
    if data.get("as_of") is None and known is None:
        return None
    return f"as of {data.get('as_of')}, as known at position {(known or {}).get('position')} ({(known or {}).get('at')})"


# The reason codes of a withheld data category (docs/api.md, "Disclosure by category"), in words.
WITHHELD_WORDS = {
    "no_consent": "no consent or legal basis for your organisation and purpose",
    "not_in_force": "consent withdrawn, expired or not yet in force",
    "erased": "erased",
}


def withheld_line(withheld: dict[str, str] | None) -> str | None:
    """One line naming each withheld category and why, in words; None when nothing is withheld."""
    if not withheld:
        return None
    by_reason: dict[str, list[str]] = {}
    for category, code in withheld.items():
        by_reason.setdefault(code, []).append(category)
    parts = [f"{', '.join(cats)} ({WITHHELD_WORDS.get(code, code)})" for code, cats in by_reason.items()]
    return f"Withheld: {'; '.join(parts)}."


household_app = typer.Typer(
    help="A household's case through the HTTP API, as the user of LEDGER_TOKEN (at LEDGER_URL).",
    no_args_is_help=True,
)


@household_app.command("list")
@_handled
def household_list(
    phase: Annotated[str | None, typer.Option(help="Only this phase (referred, intake, plan, closed, ...).")] = None,
    as_json: AsJson = False,
) -> None:
    """The households you may see, with phase and version."""
    with _client() as c:
        rows = list(c.caseload(phase))
    if as_json:
        return _json(rows)
    _console().print(_table(None, ["household", "phase", "version", "referred", "case director"],
                            [(r["household_id"], r["phase"], r["version"], r["referred_on"], r["case_director"])
                             for r in rows], nowrap=("household",)))
    typer.echo(f"{len(rows)} households")


@household_app.command("refer")
@_handled
def household_refer(
    source: Annotated[list[str], typer.Option("--source", help="Referral source code; repeat for several.")],
    member: Annotated[list[str], typer.Option("--member", help="ROLE:NAME[:BSN], ROLE adult or child; repeat.")],
    address: Annotated[str | None, typer.Option(help="Household address.")] = None,
    reason: Annotated[str | None, typer.Option(help="Why the household is referred.")] = None,
    addressed_to: Annotated[str | None, typer.Option(
        "--to", help="The organisation whose intake team takes it (default: the municipality's).")] = None,
    relation: Annotated[list[str] | None, typer.Option(
        "--relation", help=f"Between members m1, m2, ... in --member order: {RELATION_HELP}")] = None,
    composition: Annotated[str | None, typer.Option(help=COMPOSITION_HELP)] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Refer a new household; prints its id and version."""
    from ledger.client import Member

    members = []
    for spec in member:
        parts = spec.split(":")
        if len(parts) not in (2, 3) or not parts[1].strip():
            raise typer.BadParameter("--member takes ROLE:NAME or ROLE:NAME:BSN")
        members.append(Member(parts[0].strip(), parts[1].strip(), bsn=parts[2].strip() if len(parts) == 3 else None))
    with _client() as c:
        w = c.refer_household(source, members, address=address, reason=reason, on=_date(on), idempotency_key=idempotency_key,
                    addressed_to=addressed_to, relations=relations_of(relation), composition=composition)
    if as_json:
        return _json({"household_id": w.household_id, "version": w.version, "position": w.position,
                      "already_known": w.already_known})
    typer.echo(f"{w.household_id} version {w.version}" + (" (already known: referral added)" if w.already_known else ""))


@household_app.command("show")
@_handled
def household_show(
    household: HouseholdId,
    as_of: AsOfDate = None,
    known_at: KnownAt = None,
    emergency_reason: Annotated[str | None, typer.Option(
        "--emergency-reason", help="Break the glass for what is withheld: why you need it (reviewed later).")] = None,
    as_json: AsJson = False,
) -> None:
    """A household's state: every data category you may see; the others are named as withheld, with why."""
    with _client() as c:
        day, known = _times(as_of, known_at)
        state, version = c.household(household, day, known_at=known, emergency_reason=emergency_reason)
    if as_json:
        return _json(state)
    _print_household(state, version)
    if line := _times_line(state):
        _console().print(line)


def _print_household(s: dict[str, Any], version: int) -> None:
    out = _console()
    out.print(f"Household {s.get('id')}  version {version}  phase {s.get('phase')}"
              + ("  [erased]" if s.get("erased") else ""))
    if line := withheld_line(s.get("withheld")):
        out.print(line)
    ref = s.get("referral") or {}
    if ref:
        out.print(f"referred on {ref.get('on')} by {_cell(ref.get('sources'))}; {ref.get('composition')}, "
                  f"{ref.get('adults')} adults, {ref.get('children')} children")
    if s.get("composition_revision"):
        revised = s["composition_revision"]
        out.print(f"composition revised on {revised.get('on')}: {revised.get('composition')}")
    director = (s.get("case_director") or {}).get("director") or {}
    out.print(f"case director: {director.get('user_id', '-')} {director.get('organisation', '')}".rstrip())
    members = s.get("members") or ref.get("members", [])  # `members` (issue 16): with the relations as recorded
    out.print(_table("Members", ["member", "role", "name", "relations"],
                     [(m.get("member_id"), m.get("role"), m.get("name") or "[erased]",
                       [f"{r.get('relation')} {r.get('to_member_id')}" for r in m.get("relations") or []])
                      for m in members]))
    consents = (s.get("consents") or {}).values()
    if consents:
        out.print(_table("Consents and legal bases", ["consent", "basis", "organisations", "categories", "purpose",
                                                      "from", "until", "withdrawn"],
                         [(x.get("consent_id"), x.get("basis"), x.get("organisations"), x.get("data_categories"),
                           x.get("purpose"), x.get("valid_from"), x.get("valid_until"), x.get("withdrawn_on"))
                          for x in consents]))
    goals, actions = s.get("goals") or {}, s.get("actions") or {}
    if goals:
        out.print(_table("Goals", ["goal", "life domain", "description", "target"],
                         [(g.get("goal_id"), g.get("life_domain"), g.get("description"), g.get("target_date"))
                          for g in goals.values()]))
    if actions:
        out.print(_table("Actions", ["action", "goal", "description", "performer", "due", "completed", "cancelled"],
                         [(a.get("action_id"), a.get("goal_id"), a.get("description"),
                           " ".join(filter(None, [(a.get("performer") or {}).get("kind"),
                                                  (a.get("performer") or {}).get("organisation")])),
                           a.get("due_on"), a.get("completed_on"), a.get("cancelled_on")) for a in actions.values()]))
    involvements = (s.get("involvements") or {}).values()
    if involvements:
        out.print(_table("Involvements", ["involvement", "kind", "organisation", "discipline", "worker", "started",
                                          "ended"],
                         [(i.get("involvement_id"), i.get("kind"), i.get("organisation"), i.get("discipline"),
                           i.get("worker_id"), i.get("started_on"), i.get("ended_on")) for i in involvements]))
    closure = s.get("closure")
    if closure:
        out.print(f"closed on {closure.get('on')}: {closure.get('reason')}")


@household_app.command("events")
@_handled
def household_events(
    household: HouseholdId,
    emergency_reason: Annotated[str | None, typer.Option(
        "--emergency-reason", help="Break the glass for what is withheld: why you need it (reviewed later).")] = None,
    as_json: AsJson = False,
) -> None:
    """A household's history, oldest first, with who acted; events of a withheld category without their data."""
    with _client() as c:
        rows = list(c.events(household, emergency_reason=emergency_reason))
    if as_json:
        return _json(rows)
    print_history(_console(), rows)
    withheld: dict[str, str] = {}
    for e in rows:
        withheld.update(e.get("withheld") or {})
    if line := withheld_line(withheld):
        _console().print(f"{sum(1 for e in rows if e.get('withheld'))} events shown without their data. {line}")


@household_app.command("plan")
@_handled
def household_plan(
    household: HouseholdId,
    min_position: Annotated[int, typer.Option("--min-position", min=0,
                                              help="Wait until the views hold this ledger position.")] = 0,
    as_of: AsOfDate = None,
    known_at: KnownAt = None,
    as_json: AsJson = False,
) -> None:
    """The plan: per goal its text and actions (who acts, due, status, late), ZRM change; now, or --as-of/--known-at."""
    day, known = _times(as_of, known_at)
    with _client() as c:
        plan = c.plan(household, min_position, as_of=day, known_at=known)
    if as_json:
        return _json(plan)
    out = _console()
    if line := _times_line(plan):
        out.print(line)
    print_plan(out, plan)


@household_app.command("involved")
@_handled
def household_involved(household: HouseholdId, as_of: AsOfDate = None, known_at: KnownAt = None,
                       as_json: AsJson = False) -> None:
    """Who else works with this household, now and before (view); or on --as-of as known at --known-at."""
    day, known = _times(as_of, known_at)
    with _client() as c:
        data = c.involved_parties(household, as_of=day, known_at=known)
    if as_json:
        return _json(data)
    out = _console()
    if line := _times_line(data):
        out.print(line)
    for key in ("current", "previous"):
        rows = data.get(key) or []
        if not rows:
            out.print(f"{key.capitalize()}: none")
            continue
        out.print(_table(key.capitalize(), ["involvement", "kind", "organisation", "discipline", "worker", "started",
                                            "ended", "reason"],
                         [(r.get("involvement_id"), r.get("kind"), r.get("organisation"), r.get("discipline"),
                           r.get("worker_id"), r.get("started_on"), r.get("ended_on"), r.get("end_reason"))
                          for r in rows]))
