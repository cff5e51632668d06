"""Request and response bodies of the items API."""

import uuid
from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from ..text import NoNul
from .models import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH

Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX_LENGTH),
    NoNul,
]
Description = Annotated[str, Field(max_length=DESCRIPTION_MAX_LENGTH), NoNul]


class ItemCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Title
    description: Description | None = None


class ItemUpdate(Schema):
    """A partial update: only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: Description | None = None


class ItemRead(Schema):
    id: uuid.UUID
    title: str
    description: str | None
    created_at: datetime
    updated_at: datetime
