"""Request and response bodies of the API keys API."""

import uuid
from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from ..text import NoNul

KeyName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NoNul
]


class ApiKeyCreate(Schema):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"name": "nightly export"}}
    )

    name: KeyName = Field(description="What uses the key")


class ApiKeyRead(Schema):
    id: uuid.UUID = Field(description="The key's identifier, in its URL")
    name: str = Field(description="What uses the key")
    prefix: str = Field(description="The key's first characters, to tell keys apart")
    created_at: datetime = Field(description="When the key was created (UTC)")
    last_used_at: datetime | None = Field(description="When it was last used, or null")
    revoked_at: datetime | None = Field(description="When it was revoked, or null")


class NewApiKey(Schema):
    """A created key: `key` is shown this once and cannot be recovered."""

    id: uuid.UUID = Field(description="The key's identifier, in its URL")
    name: str = Field(description="What uses the key")
    prefix: str = Field(description="The key's first characters, to tell keys apart")
    key: str = Field(description="The key itself: shown this once, store it now")
    created_at: datetime = Field(description="When the key was created (UTC)")
