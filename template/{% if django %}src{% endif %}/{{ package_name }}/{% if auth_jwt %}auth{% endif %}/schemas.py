"""Request and response bodies of the auth API."""

from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, EmailStr, Field

from ..auth.passwords import PASSWORD_MAX_LENGTH
from ..text import Text
from ..users.schemas import Password

TOKEN_MAX_LENGTH = 4096


class LoginRequest(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"email": "ada@example.com", "password": "violet kettle harbour 42"}
        },
    )

    email: EmailStr = Field(description="The address the account was registered with")
    # No minimum here: a login with a short password is simply wrong, not malformed.
    password: Text = Field(
        min_length=1, max_length=PASSWORD_MAX_LENGTH, description="The account's password"
    )


class RefreshRequest(Schema):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"refresh_token": "eyJhbGciOi..."}}
    )

    refresh_token: Text = Field(
        min_length=1,
        max_length=TOKEN_MAX_LENGTH,
        description="The refresh token of the last pair; it can be spent once",
    )


class PasswordChange(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "current_password": "violet kettle harbour 42",
                "new_password": "amber lantern meadow 7",
            }
        },
    )

    current_password: Text = Field(
        min_length=1, max_length=PASSWORD_MAX_LENGTH, description="The password in use now"
    )
    new_password: Password


class TokenPair(Schema):
    access_token: str = Field(description="Send it as `Authorization: Bearer <token>`")
    refresh_token: str = Field(description="Spend it at /auth/refresh for the next pair")
    token_type: Literal["bearer"] = Field(default="bearer", description="Always bearer")
    expires_in: int = Field(description="Lifetime of the access token in seconds")
