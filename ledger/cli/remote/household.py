"""``ledger household|audit|report|whoami``: the CLI over the HTTP API, as a user with a token.

These commands talk to a running service through :mod:`ledger.client` (``LEDGER_URL``,
default ``http://127.0.0.1:8000``) as the user of ``LEDGER_TOKEN`` (from ``ledger users
add``), so the access policy and access records apply to the person at the terminal, not to
the local operator. They never open the store themselves.

Each write names the household version it expects (``--version``/``-v``) and prints the new
one. Tables by default, ``--json`` for JSON. Errors are one line on stderr,
``error: <title>: <detail>``: exit 1 when the service refuses or cannot be reached, 2 for a
usage error (typer's own, or a bad value caught here before anything is sent).

``ledger/cli.py`` registers the groups: ``household`` and ``report`` as groups,
``whoami`` at the top, and this module's audit commands (``log``, ``emergencies``,
``review``, ``remote-digest``, ``remote-verify``) inside the existing ``ledger audit``,
next to the local ``digest`` and ``verify``.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from ledger.client import LedgerApiError, LedgerClient, LedgerUnavailable, Member, Written

__all__ = ["audit_remote_app", "household_app", "report_app", "whoami_app"]

DEFAULT_URL = "http://127.0.0.1:8000"

household_app = typer.Typer(
    help="A household's case through the HTTP API, as the user of LEDGER_TOKEN (at LEDGER_URL).",
    no_args_is_help=True,
)
audit_remote_app = typer.Typer()  # merged into `ledger audit` (no name of its own)
report_app = typer.Typer(help="Reports from the service (pseudonymous aggregates).", no_args_is_help=True)
whoami_app = typer.Typer()  # merged into `ledger` itself: `ledger whoami`

HouseholdId = Annotated[str, typer.Argument(help="The household id (a UUID).")]
Version = Annotated[int, typer.Option("--version", "-v", help="The household version you expect (its ETag).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
On = Annotated[str | None, typer.Option("--on", help="The date it happened (YYYY-MM-DD); default today.")]
Key = Annotated[str | None, typer.Option("--idempotency-key", help="Retry-safe key (default: a new one per call).")]

P = ParamSpec("P")
R = TypeVar("R")


# ----------------------------------------------------------------- plumbing
def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    raise typer.Exit(code)


def _handled(command: Callable[P, R]) -> Callable[P, R]:
    """Every refusal or connection failure becomes one line on stderr and exit 1."""
    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except LedgerApiError as e:
            _fail(e.message)
        except LedgerUnavailable as e:
            _fail(f"{e}; is the service running? (LEDGER_URL)")
    return run


@contextmanager
def _client() -> Iterator[LedgerClient]:
    token = os.environ.get("LEDGER_TOKEN", "").strip()
    if not token:
        _fail("LEDGER_TOKEN is not set: export your bearer token (from `ledger users add`)", 2)
    url = os.environ.get("LEDGER_URL", "").strip() or DEFAULT_URL
    if not url.startswith(("http://", "https://")):
        _fail(f"LEDGER_URL must start with http:// or https:// (got {url!r})", 2)
    client = LedgerClient(url, token)
    try:
        yield client
    finally:
        client.close()


def _date(value: str | None, option: str = "--on") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{option} must be a date like 2026-03-01") from None


def _moment(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{option} must be a time like 2026-03-01T09:00+01:00") from None
    if at.tzinfo is None:
        raise typer.BadParameter(f"{option} needs a time zone, e.g. 2026-03-01T09:00+01:00")
    return at


def _console() -> Console:
    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=200)


def _json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value) or "-"
    return str(value)


def _table(title: str | None, columns: Iterable[str], rows: Iterable[Iterable[Any]]) -> Table:
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for c in columns:
        table.add_column(c, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    return table


def _written(w: Written, as_json: bool, item: str | None = None) -> None:
    if as_json:
        _json({"household_id": w.household_id, "version": w.version, "position": w.position, "item_id": w.item_id})
    elif item and w.item_id:
        typer.echo(f"version {w.version}; {item} {w.item_id}")
    else:
        typer.echo(f"version {w.version}")


# ----------------------------------------------------------------- households: reads
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
                             for r in rows]))
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
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Refer a new household; prints its id and version."""
    members = []
    for spec in member:
        parts = spec.split(":")
        if len(parts) not in (2, 3) or not parts[1].strip():
            raise typer.BadParameter("--member takes ROLE:NAME or ROLE:NAME:BSN")
        members.append(Member(parts[0].strip(), parts[1].strip(), bsn=parts[2].strip() if len(parts) == 3 else None))
    with _client() as c:
        w = c.refer_household(source, members, address=address, reason=reason, on=_date(on), idempotency_key=idempotency_key,
                    addressed_to=addressed_to)
    if as_json:
        return _written(w, True)
    typer.echo(f"{w.household_id} version {w.version}")


@household_app.command("show")
@_handled
def household_show(
    household: HouseholdId,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The state at the end of this date.")] = None,
    emergency_reason: Annotated[str | None, typer.Option(
        "--emergency-reason", help="Break the glass: why you need this without a consent (reviewed later).")] = None,
    as_json: AsJson = False,
) -> None:
    """A household's state (needs a consent covering every data category)."""
    with _client() as c:
        state, version = c.household(household, _date(as_of, "--as-of"), emergency_reason=emergency_reason)
    if as_json:
        return _json(state)
    _print_household(state, version)


def _print_household(s: dict[str, Any], version: int) -> None:
    out = _console()
    out.print(f"Household {s.get('id')}  version {version}  phase {s.get('phase')}"
              + ("  [erased]" if s.get("erased") else ""))
    ref = s.get("referral") or {}
    out.print(f"referred on {ref.get('on')} by {_cell(ref.get('sources'))}; {ref.get('composition')}, "
              f"{ref.get('adults')} adults, {ref.get('children')} children")
    director = (s.get("case_director") or {}).get("director") or {}
    out.print(f"case director: {director.get('user_id', '-')} {director.get('organisation', '')}".rstrip())
    out.print(_table("Members", ["member", "role", "name"],
                     [(m.get("member_id"), m.get("role"), m.get("name") or "[erased]") for m in ref.get("members", [])]))
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
def household_events(household: HouseholdId, as_json: AsJson = False) -> None:
    """A household's history, oldest first, with who acted."""
    with _client() as c:
        rows = list(c.events(household))
    if as_json:
        return _json(rows)
    _console().print(_table(None, ["version", "recorded at", "event", "by"], [
        (e["version"], e["recorded_at"], e["type"],
         "{user_id} ({organisation}, {role})".format_map({"user_id": "-", "organisation": "-", "role": "-",
                                                          **(e.get("actor") or {})}))
        for e in rows]))


@household_app.command("plan")
@_handled
def household_plan(
    household: HouseholdId,
    min_position: Annotated[int, typer.Option("--min-position", min=0,
                                              help="Wait until the views hold this ledger position.")] = 0,
    as_json: AsJson = False,
) -> None:
    """The current plan (view): phase, director, goals, actions (late ones flagged), ZRM change."""
    with _client() as c:
        plan = c.plan(household, min_position)
    if as_json:
        return _json(plan)
    out = _console()
    director = plan.get("director") or {}
    out.print(f"Household {plan.get('household_id')}  version {plan.get('version')}  phase {plan.get('phase')}  "
              f"case director {director.get('user_id', '-')}")
    out.print(_table("Goals", ["goal", "life domain", "target", "set on"],
                     [(g.get("goal_id"), g.get("life_domain"), g.get("target_date"), g.get("set_on"))
                      for g in plan.get("goals", [])]))
    out.print(_table("Actions", ["action", "goal", "performer", "due", "status", "late"],
                     [(a.get("action_id"), a.get("goal_id"),
                       " ".join(filter(None, [a.get("performer_kind"), a.get("performer_organisation")])),
                       a.get("due_on"), a.get("status"), a.get("late")) for a in plan.get("actions", [])]))


@household_app.command("involved")
@_handled
def household_involved(household: HouseholdId, as_json: AsJson = False) -> None:
    """Who else works with this household, now and before (view)."""
    with _client() as c:
        data = c.involved_parties(household)
    if as_json:
        return _json(data)
    out = _console()
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


@household_app.command("access-request")
@_handled
def household_access_request(
    household: HouseholdId,
    identity_check: Annotated[str, typer.Option(
        "--identity-check", help="id_document_in_person, digid, known_representative or other_verified.")],
    requester: Annotated[str, typer.Option(help="data_subject or legal_representative.")] = "data_subject",
    received_on: Annotated[str | None, typer.Option("--received-on", help="When it arrived (YYYY-MM-DD).")] = None,
) -> None:
    """Record a data subject's access request (privacy officer); prints the request id the export names."""
    with _client() as c:
        typer.echo(c.record_access_request(household, requester=requester, identity_check=identity_check,
                                           received_on=_date(received_on)))


@household_app.command("export")
@_handled
def household_export(
    household: HouseholdId,
    request: Annotated[str, typer.Option("--request", help="The recorded access request this answers.")],
) -> None:
    """Answer an access request (AVG article 15) as JSON: their data and every access to it."""
    with _client() as c:
        _json(c.export_household(household, request))


# ----------------------------------------------------------------- households: commands
@household_app.command("intake")
@_handled
def household_intake(
    household: HouseholdId, version: Version,
    domain: Annotated[list[str], typer.Option("--domain", help="Life domain discussed; repeat.")],
    agency: Annotated[list[str] | None, typer.Option(
        "--agency", help="An organisation id already involved; repeat.")] = None,
    summary: Annotated[str | None, typer.Option(help="Summary of the intake.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Record the integral intake."""
    with _client() as c:
        w = c.record_intake(household, version, domain, agencies_involved=agency or [], summary=summary,
                            on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("coordination")
@_handled
def household_coordination(
    household: HouseholdId, version: Version,
    outcome: Annotated[str, typer.Option(help="stays_with_partners, volunteers_deployed, not_needed, ...")],
    rationale: Annotated[str | None, typer.Option(help="Why.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Decide on coordination."""
    with _client() as c:
        w = c.decide_coordination(household, version, outcome, rationale=rationale, on=_date(on),
                                  idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("director")
@_handled
def household_director(
    household: HouseholdId, version: Version,
    user: Annotated[str, typer.Option("--user", help="The case director's user id.")],
    organisation: Annotated[str, typer.Option(help="The case director's organisation id, e.g. gemeente-testdorp.")],
    reason: Annotated[str | None, typer.Option(help="Why, when replacing a director.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Assign the case director, or replace the current one."""
    with _client() as c:
        w = c.set_case_director(household, version, user, organisation, reason=reason, on=_date(on),
                                idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("consent")
@_handled
def household_consent(
    household: HouseholdId, version: Version,
    organisation: Annotated[list[str], typer.Option("--organisation", help="Organisation it covers; repeat.")],
    category: Annotated[list[str], typer.Option("--category", help="Data category it covers; repeat.")],
    member: Annotated[str | None, typer.Option("--member", help="The consenting member's id (basis consent).")] = None,
    basis: Annotated[str, typer.Option(help="consent, legal_obligation, public_task or vital_interest.")] = "consent",
    purpose: Annotated[str, typer.Option(help="coordination, service_delivery, evaluation, accountability.")] = (
        "coordination"),
    valid_from: Annotated[str | None, typer.Option("--from", help="In force from (YYYY-MM-DD).")] = None,
    valid_until: Annotated[str | None, typer.Option("--until", help="In force until (YYYY-MM-DD).")] = None,
    legal_reference: Annotated[str | None, typer.Option(
        help="The law and article, for a basis other than consent, e.g. wmo_2015_5_1_1.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Grant a member's consent or record a legal basis; prints the consent id."""
    with _client() as c:
        w = c.grant_consent(household, version, organisations=organisation, data_categories=category,
                            purpose=purpose, basis=basis, member_id=member, valid_from=_date(valid_from, "--from"),
                            valid_until=_date(valid_until, "--until"), legal_reference=legal_reference,
                            on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json, "consent")


@household_app.command("withdraw")
@_handled
def household_withdraw(
    household: HouseholdId, consent: Annotated[str, typer.Argument(help="The consent id.")], version: Version,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Withdraw a consent."""
    with _client() as c:
        w = c.withdraw_consent(household, version, consent, on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("zrm")
@_handled
def household_zrm(
    household: HouseholdId, version: Version,
    score: Annotated[list[str], typer.Option("--score", help="DOMAIN=1..5; repeat.")],
    instrument: Annotated[str, typer.Option(help="ZRM version: 2013 or 2017.")] = "2017",
    moment: Annotated[str, typer.Option(help="intake, interim or final.")] = "intake",
    member: Annotated[str | None, typer.Option("--member", help="Member id; default the household.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Record a ZRM measurement."""
    scores: dict[str, int] = {}
    for s in score:
        domain, _, value = s.partition("=")
        if not domain.strip() or not value.strip().lstrip("-").isdigit():
            raise typer.BadParameter("--score takes DOMAIN=NUMBER, e.g. finances=2")
        scores[domain.strip()] = int(value)
    with _client() as c:
        w = c.record_zrm_measurement(household, version, scores, instrument=instrument, moment=moment, member_id=member,
                         on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json, "measurement")


@household_app.command("goal")
@_handled
def household_goal(
    household: HouseholdId, version: Version,
    domain: Annotated[str, typer.Option("--domain", help="Life domain (a data category, e.g. finances).")],
    description: Annotated[str, typer.Option(help="The goal, in the household's words.")],
    target_date: Annotated[str | None, typer.Option("--target", help="Target date (YYYY-MM-DD).")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Set a plan goal; prints the goal id."""
    with _client() as c:
        w = c.set_plan_goal(household, version, domain, description, target_date=_date(target_date, "--target"),
                       on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json, "goal")


@household_app.command("action")
@_handled
def household_action(
    household: HouseholdId, version: Version,
    goal: Annotated[str, typer.Option("--goal", help="The goal id.")],
    description: Annotated[str, typer.Option(help="What is to be done.")],
    performer: Annotated[str, typer.Option(help="self, network, volunteer or professional.")],
    organisation: Annotated[str | None, typer.Option(help="The performing organisation's id (professional).")] = None,
    due: Annotated[str | None, typer.Option("--due", help="Due date (YYYY-MM-DD).")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Add a plan action; prints the action id."""
    with _client() as c:
        w = c.add_plan_action(household, version, goal, description, performer, organisation=organisation,
                         due_on=_date(due, "--due"), on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json, "action")


@household_app.command("complete")
@_handled
def household_complete(
    household: HouseholdId, action: Annotated[str, typer.Argument(help="The action id.")], version: Version,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Complete a plan action."""
    with _client() as c:
        w = c.complete_plan_action(household, version, action, on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("cancel")
@_handled
def household_cancel(
    household: HouseholdId, action: Annotated[str, typer.Argument(help="The action id.")], version: Version,
    reason: Annotated[str | None, typer.Option(help="Why.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Cancel a plan action."""
    with _client() as c:
        w = c.cancel_plan_action(household, version, action, reason=reason, on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("involve")
@_handled
def household_involve(
    household: HouseholdId, version: Version,
    organisation: Annotated[str, typer.Option(help="The organisation id, e.g. ggz-regio.")],
    discipline: Annotated[str, typer.Option(
        help="Their discipline code, e.g. mental_health_care or debt_counselling.")],
    kind: Annotated[str, typer.Option(help="professional or volunteer.")] = "professional",
    worker: Annotated[str | None, typer.Option("--worker", help="The worker's user id.")] = None,
    contact_name: Annotated[str | None, typer.Option(help="Contact name (a volunteer without an account).")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Start an involvement; prints the involvement id."""
    with _client() as c:
        w = c.start_involvement(household, version, organisation, discipline, kind=kind, worker_id=worker,
                                contact_name=contact_name, on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json, "involvement")


@household_app.command("end-involvement")
@_handled
def household_end_involvement(
    household: HouseholdId, involvement: Annotated[str, typer.Argument(help="The involvement id.")],
    version: Version,
    reason: Annotated[str, typer.Option(help="goal_reached, handed_over, household_stopped, no_contact, ...")],
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """End an involvement."""
    with _client() as c:
        w = c.end_involvement(household, version, involvement, reason, on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("evaluate")
@_handled
def household_evaluate(
    household: HouseholdId, version: Version,
    conclusion: Annotated[str, typer.Option(help="continue, coordination_no_longer_needed, hand_over or close.")],
    final: Annotated[bool, typer.Option("--final", help="The final evaluation.")] = False,
    notes: Annotated[str | None, typer.Option(help="Notes.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Record an evaluation."""
    with _client() as c:
        w = c.hold_evaluation(household, version, conclusion, final=final, notes=notes, on=_date(on),
                              idempotency_key=idempotency_key)
    _written(w, as_json, "evaluation")


@household_app.command("hand-over")
@_handled
def household_hand_over(
    household: HouseholdId, version: Version,
    to: Annotated[str, typer.Option("--to", help="The receiving organisation's id.")],
    cold: Annotated[bool, typer.Option("--cold", help="Not a warm handover.")] = False,
    notes: Annotated[str | None, typer.Option(help="Notes.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Hand the household over to another organisation."""
    with _client() as c:
        w = c.hand_over(household, version, to, warm=not cold, notes=notes, on=_date(on),
                        idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("close")
@_handled
def household_close(
    household: HouseholdId, version: Version,
    reason: Annotated[str, typer.Option(help="Closure reason code, e.g. goals_achieved.")],
    aftercare_until: Annotated[str | None, typer.Option(help="Aftercare follow-up date (waakvlam).")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Close the case."""
    with _client() as c:
        w = c.close_case(household, version, reason, aftercare_until=_date(aftercare_until, "--aftercare-until"),
                         on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("reopen")
@_handled
def household_reopen(
    household: HouseholdId, version: Version,
    reason: Annotated[str | None, typer.Option(help="Why.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Reopen a closed case."""
    with _client() as c:
        w = c.reopen_case(household, version, reason=reason, on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("request-erasure")
@_handled
def household_request_erasure(
    household: HouseholdId, version: Version,
    reason: Annotated[str, typer.Option(help="data_subject_request or retention_expired.")],
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Request a household's erasure (the municipality's privacy officer); its admin then erases."""
    with _client() as c:
        w = c.request_erasure(household, version, reason, on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("erase")
@_handled
def household_erase(
    household: HouseholdId, version: Version,
    reason: Annotated[str, typer.Option(help="data_subject_request or retention_expired.")],
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Erase a closed household (the municipality's admin, on the privacy officer's recorded request)."""
    with _client() as c:
        w = c.erase_household(household, version, reason, on=_date(on), idempotency_key=idempotency_key)
    if as_json:
        return _written(w, True)
    typer.echo(f"version {w.version}; personal data destroyed")


# ----------------------------------------------------------------- audit (privacy officer)
def _categories(values: list[str] | None) -> str:
    values = values or []
    return ", ".join(values) if len(values) <= 3 else f"{', '.join(values[:2])} +{len(values) - 2} more"


def _print_records(rows: list[dict[str, Any]], *, with_household: bool = True) -> None:
    columns = ["at", *(["household"] if with_household else []), "user", "role", "action", "outcome",
               "authorisation", "categories", "emergency"]
    _console().print(_table(None, columns, [
        (r.get("at"), *([r.get("household_id")] if with_household else []), r.get("user_id"), r.get("role"),
         r.get("action"), r.get("outcome"), r.get("authorisation"), _categories(r.get("data_categories")),
         r.get("emergency")) for r in rows]))
    typer.echo(f"{len(rows)} access records")


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
    _print_records(rows, with_household=household is None)


@audit_remote_app.command("emergencies")
@_handled
def audit_emergencies(as_json: AsJson = False) -> None:
    """Emergency (break-the-glass) accesses awaiting the privacy officer's review."""
    with _client() as c:
        rows = c.emergencies()
    if as_json:
        return _json(rows)
    _console().print(_table(None, ["record", "at", "household", "user", "organisation", "action", "reason"],
                            [(r.get("record_id"), r.get("at"), r.get("household_id"), r.get("user_id"),
                              r.get("organisation"), r.get("action"), r.get("reason")) for r in rows]))
    typer.echo(f"{len(rows)} awaiting review")


@audit_remote_app.command("review")
@_handled
def audit_review(
    record: Annotated[str, typer.Argument(help="The emergency access record's id.")],
    verdict: Annotated[str, typer.Option(help="justified or unjustified.")],
) -> None:
    """Record the privacy officer's verdict on an emergency access."""
    if verdict not in ("justified", "unjustified"):
        raise typer.BadParameter("--verdict must be justified or unjustified")
    with _client() as c:
        c.review_emergency(record, verdict)  # type: ignore[arg-type]
    typer.echo(f"{record} reviewed: {verdict}")


@audit_remote_app.command("remote-digest")
@_handled
def audit_remote_digest(
    out: Annotated[Path | None, typer.Option("--out", help="Write the digest to this file (default: stdout).")] = None,
) -> None:
    """A signed digest of the service's hash chain (JSON), to keep outside it."""
    with _client() as c:
        digest = c.digest()
    text = json.dumps(digest, indent=2)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n")
        typer.echo(f"digest at position {digest.get('position')} written to {out}")


@audit_remote_app.command("remote-verify")
@_handled
def audit_remote_verify(as_json: AsJson = False) -> None:
    """Let the service recompute its hash chain and check its snapshots; exit 1 when anything is off."""
    with _client() as c:
        result = c.verify()
    if as_json:
        _json(result)
    if not result.get("ok"):
        where = result.get("first_bad_position")
        _fail(f"verification failed{f' at position {where}' if where else ''}: "
              f"{result.get('problem') or ''} {result.get('bad_snapshots', 0)} bad snapshots")
    if not as_json:
        typer.echo(f"ok: {result.get('checked')} records verified up to position {result.get('head_position')}")


# ----------------------------------------------------------------- reports, who am I
@report_app.command("evaluation")
@_handled
def report_evaluation(
    from_: Annotated[str | None, typer.Option(
        "--from", help="First referral date counted (YYYY-MM-DD; default: all).")] = None,
    to: Annotated[str | None, typer.Option(
        "--to", help="Last referral date counted (default: the as-of date).")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The report as of the end of this day (default today).")] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="html, json or csv. Default: a summary on screen; with --out, from its suffix.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="nl (default) or en: the labels in html and csv.")] = "nl",
    min_cell: Annotated[int | None, typer.Option("--min-cell", min=1, max=1000,
                                                 help="Raise the minimum cell size to N (never below "
                                                      "the service's, default 5).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the report to this file.")] = None,
    as_json: AsJson = False,
) -> None:
    """The evaluation report, replayed from the ledger as of any date (pseudonymous aggregates).

    Without --format or --out: a summary on screen. --format html gives one self-contained
    page with charts (--lang en for English labels), csv one row per figure, json every figure.
    """
    period = {"from_": _date(from_, "--from"), "to": _date(to, "--to"), "as_of": _date(as_of, "--as-of")}
    if as_json:
        fmt = "json"
    if fmt is None and out is not None:
        fmt = {".json": "json", ".csv": "csv"}.get(out.suffix.lower(), "html")
    if fmt is not None and fmt not in ("html", "json", "csv"):
        raise typer.BadParameter("--format must be html, json or csv")
    if lang not in ("nl", "en"):
        raise typer.BadParameter("--lang must be nl or en")
    with _client() as c:
        if fmt is None:
            report = c.evaluation_report(**period, min_cell=min_cell)
        else:
            text = c.evaluation_report_document(fmt, **period, lang=lang, min_cell=min_cell)  # type: ignore[arg-type]
    if fmt is None:
        return _print_evaluation(report)
    if fmt == "json":
        text = json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        _fail(f"cannot write {out}: {e.strerror}")
    typer.echo(f"evaluation report ({fmt}) written to {out}")


def _print_evaluation(r: dict[str, Any]) -> None:
    """A summary of the report on screen; the full report is --format html|json|csv."""
    period, basis, ledger = r.get("period") or {}, r.get("basis") or {}, r.get("ledger") or {}
    typer.echo(f"Evaluation report as of {r.get('as_of')}: referrals from {period.get('from') or 'the start'} "
               f"to {period.get('to')}")
    if (r.get("min_cell") or 1) > 1:
        typer.echo(f"disclosure control: minimum cell {r.get('min_cell')} ('<{r.get('min_cell')}' small, 'x' "
                   "withheld to protect one); the as-of date is a month end, the period whole blocks of months")
    typer.echo(f"rests on {basis.get('households')} households and {basis.get('events')} events; "
               f"ledger position {ledger.get('position')}, chain head {ledger.get('head')}")
    console = _console()
    console.print(_table("Phase reached", ["phase", "households"], (r.get("phases") or {}).items()))
    console.print(_table("Referrals by source", ["source", "households"],
                         ((k, v) for k, v in ((r.get("referrals") or {}).get("by_source") or {}).items() if v)))
    console.print(_table("Coordination decisions", ["outcome", "households"],
                         ((r.get("coordination") or {}).get("by_outcome") or {}).items()))
    actions = r.get("plan_actions") or {}
    rows = [*((actions.get("by_performer") or {}).items()), ("total", actions.get("total") or {})]
    console.print(_table("Plan actions by performer", ["performer", "added", "done", "open", "late", "cancelled"],
                         ((k, *(v.get(m) for m in ("added", "done", "open", "late", "cancelled"))) for k, v in rows)))
    console.print(_table("Lead times (days)", ["stage", "n", "q1", "median", "q3"],
                         ((k, *(v.get(m) for m in ("n", "q1", "median", "q3")))
                          for k, v in (r.get("lead_times") or {}).items())))
    caseloads = r.get("caseloads") or {}
    console.print(_table(f"Caseload per case director on {caseloads.get('on')}",
                         ["director", "organisation", "households", "norm 8-30"],
                         ((d.get("director"), d.get("organisation"), d.get("households"), d.get("norm"))
                          for d in caseloads.get("per_director") or [])))
    costs = r.get("costs") or {}
    total = costs.get("total_per_year") or {}
    typer.echo(f"costs: {costs.get('households_with_both')} households with a baseline and costs during the "
               f"approach; per year {total.get('baseline_per_year')} before, {total.get('approach_per_year')} "
               f"during ({total.get('change_pct')}%)")


@report_app.command("caseloads")
@_handled
def report_caseloads(
    by: Annotated[str, typer.Option(help="director or organisation.")] = "director",
    on: Annotated[str | None, typer.Option("--on", help="The day to count (default today).")] = None,
    as_json: AsJson = False,
) -> None:
    """Active households by phase, per case director or per organisation."""
    if by not in ("director", "organisation"):
        raise typer.BadParameter("--by must be director or organisation")
    with _client() as c:
        rows = c.caseloads(_date(on), by)  # type: ignore[arg-type]
    if as_json:
        return _json(rows)
    _print_caseloads(rows)


def _print_caseloads(rows: list[dict[str, Any]]) -> None:
    if not rows:
        typer.echo("no active households")
        return
    columns = list(dict.fromkeys(k for r in rows for k in r))
    _console().print(_table(None, columns, ([r.get(k) for k in columns] for r in rows)))


@whoami_app.command("whoami")
@_handled
def whoami(as_json: AsJson = False) -> None:
    """Who LEDGER_TOKEN belongs to (user id, organisation, role) at LEDGER_URL."""
    with _client() as c:
        me = c.me()
    if as_json:
        return _json(me)
    typer.echo(f"{me['user_id']} ({me['role']}, {me['organisation']}) at {c.base_url}")


# More household commands live in their own module (registered on household_app as it loads).
from ledger import client_cli_case  # noqa: E402, F401
