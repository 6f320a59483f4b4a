"""``ledger household access-request|export|retention-hold|request-erasure|erase``: the data subject's rights.

The privacy officer records an access request and the export answers it; a retention hold and an
erasure request are the officer's, the erasure the municipality's administrator's (four eyes).
Registered on :data:`ledger.cli.remote.household.household_app`, like :mod:`.case`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ._common import AsJson, HouseholdId, Key, On, Version, _client, _date, _handled, _json, _written
from .household import household_app

__all__: list[str] = []


@household_app.command("access-request")
@_handled
def household_access_request(
    household: HouseholdId,
    identity_check: Annotated[str, typer.Option(
        "--identity-check", help="id_document_in_person, digid, known_representative or other_verified.")],
    requester: Annotated[str, typer.Option(help="data_subject or legal_representative.")] = "data_subject",
    received_on: Annotated[str | None, typer.Option("--received-on", help="When it arrived (YYYY-MM-DD).")] = None,
    as_json: AsJson = False,
) -> None:
    """Record a data subject's access request (privacy officer); prints the request id the export names."""
    with _client() as c:
        request_id = c.record_access_request(household, requester=requester, identity_check=identity_check,
                                             received_on=_date(received_on))
    if as_json:
        return _json({"household_id": household, "request_id": request_id})
    typer.echo(request_id)


@household_app.command("export")
@_handled
def household_export(
    household: HouseholdId,
    request: Annotated[str, typer.Option("--request", help="The recorded access request this answers.")],
) -> None:
    """Answer an access request (AVG article 15) as JSON: their data and every access to it."""
    with _client() as c:
        _json(c.export_household(household, request))


@household_app.command("retention-hold")
@_handled
def household_retention_hold(
    household: HouseholdId, version: Version,
    law: Annotated[str, typer.Option(help="The law and article that requires the hold (a code).")],
    until: Annotated[str, typer.Option(help="Keep the data until this day (YYYY-MM-DD).")],
    on: On = None, idempotency_key: Key = None, as_json: AsJson = False,
) -> None:
    """Place a retention hold (the municipality's privacy officer)."""
    day = _date(until, "--until")
    assert day is not None
    with _client() as c:
        w = c.place_retention_hold(household, version, law, day, on=_date(on), idempotency_key=idempotency_key)
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
