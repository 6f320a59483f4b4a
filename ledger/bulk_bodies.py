"""The import's step validation: the API's own request bodies, so ``ledger import`` accepts what the API accepts.

Each step's arguments (references resolved, with its ``on``) are validated by the body model
the API's route for that command uses (``ledger.api.routes.commands.COMMAND_BODIES``), so a value
the API refuses (a NUL, a length, a type, an unknown field; and whatever rules the bodies
gain later) is refused here too, naming the field and the rule as the API's ``invalidParams``
does, never the value. Three commands and one field have no route of their own; their
bodies are declared here, on the same base.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, Field, ValidationError, create_model

from ledger.api.bodies import Body_, DirectorIn, IntakeIn, NetworkContactIn, OrganisationId, ReferralIn, UserId
from ledger.api.routes.commands import COMMAND_BODIES, ITEM_ARGUMENTS

__all__ = ["invalid_params", "step_arguments"]

_Pair = tuple[Annotated[str, Field(max_length=40)], Annotated[str | None, Field(max_length=200)]]


class _IntakeIn(IntakeIn):
    """The import takes the API's network contacts and, as before the API took any, (relation, name) pairs."""

    network: list[NetworkContactIn | _Pair] = Field(  # type: ignore[assignment]  # widens the API's field for old files
        default_factory=list, max_length=50)


class _AssignmentIn(Body_):
    user_id: UserId  # as DirectorIn's
    organisation: OrganisationId
    on: date | None = None


_IMPORT_ONLY: dict[str, type[Body_]] = {
    "record_intake": _IntakeIn,
    "assign_case_director": _AssignmentIn, "replace_case_director": DirectorIn,
}
_BODIES: dict[str, type[BaseModel]] = {}


def _body(command: str) -> type[BaseModel] | None:
    """The step's body model: the API's, with the item id (a path segment there) as a field."""
    if command not in _BODIES:
        model = _IMPORT_ONLY.get(command) or COMMAND_BODIES.get(command)
        if model is None:
            return None
        item = ITEM_ARGUMENTS.get(command)
        if item is not None:
            fields: dict[str, Any] = {item: (str, Field(min_length=1, max_length=64))}  # as the API's ItemId
            model = create_model(f"{model.__name__}_{command}", __base__=model, **fields)
        _BODIES[command] = model
    return _BODIES[command]


def invalid_params(exc: ValidationError) -> str:
    """The refused fields and rules, as the API's invalidParams names them (never a value)."""
    parts = []
    for e in exc.errors(include_url=False, include_input=False):
        name = ".".join(str(p) for p in e.get("loc", ())) or "body"
        parts.append(f"{name}: {e.get('msg', 'invalid')}")
    return "; ".join(parts[:5])


def step_arguments(command: str, args: Mapping[str, Any], on: date) -> dict[str, Any]:
    """A step's arguments (references resolved), validated by the command's body, as the application's
    keyword arguments (as the API passes them; ``on`` left out). Raises ``ValidationError``."""
    model = _body(command)
    if model is None:
        raise KeyError(command)
    body = model.model_validate({**args, "on": on})
    kwargs = body.model_dump(exclude={"on"})
    if isinstance(body, ReferralIn):
        kwargs["members"] = body.new_members()
    return kwargs
