"""Request and response bodies of the items API."""

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..text import NoNul
from ..timestamps import UtcDatetime
from .models import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH

Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX_LENGTH),
    NoNul,
]
Description = Annotated[str, Field(max_length=DESCRIPTION_MAX_LENGTH), NoNul]
TITLE = "A short name; spaces at either end are dropped"
DESCRIPTION = "Free text, or null for none"


class ItemCreate(BaseModel):
    """A new item."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"title": "Buy milk", "description": "Two litres"}},
    )

    title: Title = Field(description=TITLE)
    description: Description | None = Field(default=None, description=DESCRIPTION)


class ItemUpdate(BaseModel):
    """A partial update: only the fields sent are changed."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"title": "Buy oat milk"}},
    )

    title: Title | None = Field(default=None, description=f"{TITLE}; left out: unchanged")
    description: Description | None = Field(
        default=None, description="Free text, or null to remove it; left out: unchanged"
    )


class ItemRead(BaseModel):
    """An item as stored."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="The item's identifier, in its URL")
    title: str = Field(description="A short name")
    description: str | None = Field(description="Free text, or null")
    created_at: UtcDatetime = Field(description="When the item was created (UTC)")
    updated_at: UtcDatetime = Field(description="When the item was last changed (UTC)")
