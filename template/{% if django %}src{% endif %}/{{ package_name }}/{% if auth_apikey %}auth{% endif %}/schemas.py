"""Request and response bodies of the API keys API."""

import uuid
from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, StringConstraints

from ..text import NoNul

KeyName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NoNul
]


class ApiKeyCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    name: KeyName


class ApiKeyRead(Schema):
    id: uuid.UUID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewApiKey(Schema):
    """A created key: `key` is shown this once and cannot be recovered."""

    id: uuid.UUID
    name: str
    prefix: str
    key: str
    created_at: datetime
