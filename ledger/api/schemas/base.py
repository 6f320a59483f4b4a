"""What every response body shares: the base model and the value types (moments, personal text, amounts)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

__all__ = ["AS_OF_FIELDS", "DecimalText", "KnownAtOut", "Moment", "Out", "PersonalDate", "PersonalText", "iso"]


def iso(value: datetime) -> str:
    return value.isoformat()


Moment = Annotated[datetime, PlainSerializer(iso, return_type=str, when_used="json"),
                   WithJsonSchema({"type": "string", "format": "date-time"})]
PersonalText = Annotated[str | None, Field(description="Personal data (shown to those allowed); null once erased.")]
# A date that is personal data (a birth date): sealed like any personal text, a YYYY-MM-DD date when shown.
PersonalDate = Annotated[str | None, Field(
    description="Personal data (shown to those allowed), a date (YYYY-MM-DD); null once erased or not recorded.",
    json_schema_extra={"format": "date"})]
DecimalText = Annotated[str, WithJsonSchema({"type": "string", "pattern": r"^-?\d+(\.\d+)?$",
                                             "description": "A decimal amount as text, e.g. 12.50."})]


class Out(BaseModel):
    """Base of the response bodies: every key named, none added."""

    model_config = ConfigDict(extra="forbid")


class KnownAtOut(Out):
    """The knowledge time an answer stands on: the ledger position, and when the ledger recorded it."""

    position: int = Field(description="The last ledger position counted.")
    at: Moment | None = Field(description="When the ledger recorded that position; null on an empty ledger.")


# The two times of an as-of answer (absent from a current read): the business date and the knowledge time.
AS_OF_FIELDS: dict[str, Any] = {
    "as_of": (date | None, Field(default=None, description="Business date of an as-of read (asOf; default today).")),
    "known_at": (KnownAtOut | None, Field(default=None, description="Knowledge time of an as-of read (knownAt).")),
}
