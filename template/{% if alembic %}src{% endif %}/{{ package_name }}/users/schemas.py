"""Request and response bodies of the users API."""

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from ..timestamps import UtcDatetime

PASSWORD_MIN_LENGTH = 12
# argon2 hashes any length without truncation; the cap only bounds the hashing work.
PASSWORD_MAX_LENGTH = 128

Password = Annotated[str, Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    password: Password


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    is_active: bool
    created_at: UtcDatetime
