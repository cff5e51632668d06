"""Request and response bodies of the API keys API."""

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..text import NoNul
from ..timestamps import UtcDatetime
from .models import NAME_MAX_LENGTH

# Surrounding blanks are dropped, so a blank name is refused like an empty one.
KeyName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX_LENGTH), NoNul
]


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"name": "nightly export"}}
    )

    name: KeyName = Field(description="What uses the key")


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="The key's identifier, in its URL")
    name: str = Field(description="What uses the key")
    prefix: str = Field(description="The key's first characters, to tell keys apart")
    created_at: UtcDatetime = Field(description="When the key was created (UTC)")
    last_used_at: UtcDatetime | None = Field(description="When it was last used, or null")
    revoked_at: UtcDatetime | None = Field(description="When it was revoked, or null")


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The key itself: shown this once, store it now")
