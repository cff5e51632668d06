"""Request and response bodies of the auth API."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from ..users.schemas import PASSWORD_MAX_LENGTH

TOKEN_MAX_LENGTH = 4096


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    # No minimum here: a login with a short password is simply wrong, not malformed.
    password: str = Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=TOKEN_MAX_LENGTH)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105  (OAuth2 token type, not a secret)
    expires_in: int = Field(description="Lifetime of the access token in seconds")
