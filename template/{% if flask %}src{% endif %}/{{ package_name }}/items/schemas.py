"""Request and response bodies of the items API."""

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..pagination import Page
from ..text import NoNul
from ..timestamps import UtcDatetime
from .models import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH

Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX_LENGTH),
    NoNul,
]
Description = Annotated[str, Field(max_length=DESCRIPTION_MAX_LENGTH), NoNul]


class ItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    description: Description | None = None


class ItemUpdate(BaseModel):
    """A partial update: only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: Description | None = None


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    description: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime


class ItemPath(BaseModel):
    item_id: uuid.UUID


class ItemPage(Page[ItemRead]):
    """One page of items."""
