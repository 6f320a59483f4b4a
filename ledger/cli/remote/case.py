"""``ledger household intake|coordination|director|consent|...|reopen``: the case's course over the HTTP API.

Registered on :data:`ledger.cli.remote.household.household_app`, with the same options, output and
one-line errors. Each is the CLI command that ``ledger/aggregates/actions.py`` declares for its action.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ledger.cli.remote.vocabulary import CONSENT_PRESETS, DATA_CATEGORIES

from ._common import AsJson, HouseholdId, Key, On, Version, _client, _date, _handled, _json, _written
from ._words import consent_in_words
from .household import COMPOSITION_HELP, RELATION_HELP, household_app, relations_of

__all__: list[str] = []


@household_app.command("add-referral")
@_handled
def household_add_referral(
    household: HouseholdId, version: Version,
    source: Annotated[list[str], typer.Option("--source", help="Referral source code; repeat for several.")],
    reason: Annotated[str | None, typer.Option(help="Why the household is referred again.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """A later referral of a known household (a double referral): its sources are added."""
    with _client() as c:
        w = c.add_referral(household, version, source, reason=reason, on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json)


Contact = Annotated[list[str] | None, typer.Option(
    "--contact", help="A supportive person in the household's network: RELATION or RELATION=NAME; repeat.")]
Unsupportive = Annotated[list[str] | None, typer.Option(
    "--unsupportive", help="A person in the network who does not support the household: RELATION[=NAME]; repeat.")]


def _contacts(supportive: list[str] | None, unsupportive: list[str] | None) -> list[dict[str, Any]]:
    """``RELATION[=NAME]`` options as the API's network contacts."""
    def one(text: str, flag: bool) -> dict[str, Any]:
        relation, _, name = text.partition("=")
        return {"relation": relation.strip(), "name": name.strip() or None, "supportive": flag}
    return [one(t, True) for t in supportive or []] + [one(t, False) for t in unsupportive or []]


@household_app.command("intake")
@_handled
def household_intake(
    household: HouseholdId, version: Version,
    domain: Annotated[list[str], typer.Option("--domain", help="Life domain discussed; repeat.")],
    agency: Annotated[list[str] | None, typer.Option(
        "--agency", help="An organisation id already involved; repeat.")] = None,
    summary: Annotated[str | None, typer.Option(help="Summary of the intake.")] = None,
    contact: Contact = None, unsupportive: Unsupportive = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Record the integral intake (with the eco-map: --contact, --unsupportive)."""
    with _client() as c:
        w = c.record_intake(household, version, domain, agencies_involved=agency or [], summary=summary,
                            network=_contacts(contact, unsupportive), on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("network")
@_handled
def household_network(
    household: HouseholdId, version: Version, contact: Contact = None, unsupportive: Unsupportive = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Record the household's own network as it is now (no --contact: recorded as empty)."""
    with _client() as c:
        w = c.record_network(household, version, _contacts(contact, unsupportive), on=_date(on),
                             idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("composition")
@_handled
def household_composition(
    household: HouseholdId, version: Version,
    composition: Annotated[str | None, typer.Option(help=COMPOSITION_HELP)] = None,
    relation: Annotated[list[str] | None, typer.Option(
        "--relation", help=f"The relations now (they replace the earlier ones): {RELATION_HELP}")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Revise the household's composition: a category, or the relations it is derived from."""
    with _client() as c:
        w = c.revise_composition(household, version, composition=composition, relations=relations_of(relation),
                                 on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json)


@household_app.command("orientation-talk")
@_handled
def household_orientation_talk(
    household: HouseholdId, version: Version,
    held_with: Annotated[str, typer.Option("--with", help="household, or professionals (without the household).")],
    notes: Annotated[str | None, typer.Option(help="Notes of the talk.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Record an orientation talk before the coordination decision; prints the talk id."""
    with _client() as c:
        w = c.hold_orientation_talk(household, version, held_with, notes=notes, on=_date(on),
                                    idempotency_key=idempotency_key)
    _written(w, as_json, "orientation talk")


@household_app.command("plan-meeting")
@_handled
def household_plan_meeting(
    household: HouseholdId, version: Version,
    scheduled_for: Annotated[str, typer.Option("--for", help="The day of the plan meeting (YYYY-MM-DD).")],
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Schedule the plan meeting (after the integral intake); prints the meeting id."""
    with _client() as c:
        w = c.schedule_plan_meeting(household, version, _date(scheduled_for, "--for") or "", on=_date(on),
                                    idempotency_key=idempotency_key)
    _written(w, as_json, "plan meeting")


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


CONSENT_HELP = (
    "Grant a member's consent or record a legal basis; prints the consent id and its scope in words.\n\n"
    "The member is one of the household's members (`ledger household show`: m1, m2, ...). Name the data "
    "categories with --preset, --category or both.\n\n"
    f"Data categories: {', '.join(DATA_CATEGORIES)}.\n\n"
    "Presets: " + "; ".join(
        f"{name} ({'every category' if cats == DATA_CATEGORIES else ', '.join(cats)})"
        for name, cats in CONSENT_PRESETS.items()) + ".")


@household_app.command("consent", help=CONSENT_HELP)
@_handled
def household_consent(
    household: HouseholdId, version: Version,
    organisation: Annotated[list[str], typer.Option("--organisation", help="Organisation it covers; repeat.")],
    category: Annotated[list[str] | None, typer.Option(
        "--category", help="Data category it covers (listed above); repeat.")] = None,
    preset: Annotated[str | None, typer.Option(
        "--preset", help=f"A set of categories: {', '.join(CONSENT_PRESETS)} (with --category: both).")] = None,
    member: Annotated[str | None, typer.Option(
        "--member", help="The consenting member's id, m1, m2, ... (basis consent; `household show` lists them).")] = None,
    basis: Annotated[str, typer.Option(help="consent, legal_obligation, public_task or vital_interest.")] = "consent",
    purpose: Annotated[str, typer.Option(help="coordination, service_delivery, evaluation, accountability.")] = (
        "coordination"),
    valid_from: Annotated[str | None, typer.Option("--from", help="In force from (YYYY-MM-DD).")] = None,
    valid_until: Annotated[str | None, typer.Option("--until", help="In force until (YYYY-MM-DD).")] = None,
    legal_reference: Annotated[str | None, typer.Option(
        help="The law and article, for a basis other than consent, e.g. wmo_2015_5_1_1.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    with _client() as c:
        w = c.grant_consent(household, version, organisations=organisation, data_categories=category or [],
                            preset=preset, purpose=purpose, basis=basis, member_id=member,
                            valid_from=_date(valid_from, "--from"), valid_until=_date(valid_until, "--until"),
                            legal_reference=legal_reference, on=_date(on), idempotency_key=idempotency_key)
    if as_json:
        return _json({"household_id": w.household_id, "version": w.version, "position": w.position,
                      "item_id": w.item_id, "consent": w.consent})
    _written(w, False, "consent")
    if w.consent:
        typer.echo(consent_in_words(w.consent))


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
    already_involved: Annotated[bool, typer.Option(
        "--already-involved", help="Involved already at the referral: --on may lie before the referral.")] = False,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Start an involvement; prints the involvement id."""
    with _client() as c:
        w = c.start_involvement(household, version, organisation, discipline, kind=kind, worker_id=worker,
                                contact_name=contact_name, on=_date(on), already_involved=already_involved,
                                idempotency_key=idempotency_key)
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


@household_app.command("escalate")
@_handled
def household_escalate(
    household: HouseholdId, version: Version,
    level: Annotated[str, typer.Option(help="work_table, civil_service_steering_group or "
                                            "administrative_steering_group.")],
    reason: Annotated[str, typer.Option(help="Why the case is stuck.")],
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Raise an escalation; prints the escalation id."""
    with _client() as c:
        w = c.raise_escalation(household, version, level, reason, on=_date(on), idempotency_key=idempotency_key)
    _written(w, as_json, "escalation")


@household_app.command("resolve-escalation")
@_handled
def household_resolve_escalation(
    household: HouseholdId, escalation: Annotated[str, typer.Argument(help="The escalation id.")], version: Version,
    resolution: Annotated[str | None, typer.Option(help="What was decided.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Resolve an escalation."""
    with _client() as c:
        w = c.resolve_escalation(household, version, escalation, resolution=resolution, on=_date(on),
                                 idempotency_key=idempotency_key)
    _written(w, as_json)


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


@household_app.command("drop-out")
@_handled
def household_drop_out(
    household: HouseholdId, version: Version,
    kind: Annotated[str, typer.Option(help="drop_out or refusal.")],
    reason: Annotated[str | None, typer.Option(help="Why.")] = None,
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Record that the household dropped out or refused coordination."""
    with _client() as c:
        w = c.record_drop_out(household, version, kind, reason=reason, on=_date(on), idempotency_key=idempotency_key)
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
