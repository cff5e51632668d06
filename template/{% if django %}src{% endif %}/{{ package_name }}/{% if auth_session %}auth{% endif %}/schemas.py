"""Request and response bodies of the auth API."""

from ninja import Schema
from pydantic import ConfigDict, EmailStr, Field

from ..auth.passwords import PASSWORD_MAX_LENGTH
from ..text import Text
from ..users.schemas import Password


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


class CsrfToken(Schema):
    csrf_token: str = Field(description="Send it back in the X-CSRF-Token header on writes")
