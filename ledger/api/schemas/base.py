"""What every response body shares: the base model and the value types (moments, personal text, amounts)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

__all__ = ["DecimalText", "Moment", "Out", "PersonalText", "iso"]


def iso(value: datetime) -> str:
    return value.isoformat()


Moment = Annotated[datetime, PlainSerializer(iso, return_type=str, when_used="json"),
                   WithJsonSchema({"type": "string", "format": "date-time"})]
PersonalText = Annotated[str | None, Field(description="Personal data (shown to those allowed); null once erased.")]
DecimalText = Annotated[str, WithJsonSchema({"type": "string", "pattern": r"^-?\d+(\.\d+)?$",
                                             "description": "A decimal amount as text, e.g. 12.50."})]


class Out(BaseModel):
    """Base of the response bodies: every key named, none added."""

    model_config = ConfigDict(extra="forbid")
