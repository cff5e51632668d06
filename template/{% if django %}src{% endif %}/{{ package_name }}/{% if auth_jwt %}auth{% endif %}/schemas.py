"""Request and response bodies of the auth API."""

from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, EmailStr, Field

from ..auth.passwords import PASSWORD_MAX_LENGTH
from ..text import Text
from ..users.schemas import Password

TOKEN_MAX_LENGTH = 4096


class LoginRequest(Schema):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    # No minimum here: a login with a short password is simply wrong, not malformed.
    password: Text = Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)


class RefreshRequest(Schema):
    model_config = ConfigDict(extra="forbid")

    refresh_token: Text = Field(min_length=1, max_length=TOKEN_MAX_LENGTH)


class PasswordChange(Schema):
    model_config = ConfigDict(extra="forbid")

    current_password: Text = Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)
    new_password: Password


class TokenPair(Schema):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105  (OAuth2 token type, not a secret)
    expires_in: int = Field(description="Lifetime of the access token in seconds")
