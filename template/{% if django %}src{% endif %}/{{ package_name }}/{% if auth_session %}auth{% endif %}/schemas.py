"""Request and response bodies of the auth API."""

from ninja import Schema
from pydantic import ConfigDict, EmailStr, Field

from ..auth.passwords import PASSWORD_MAX_LENGTH
from ..text import Text
from ..users.schemas import Password


class LoginRequest(Schema):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    # No minimum here: a login with a short password is simply wrong, not malformed.
    password: Text = Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)


class PasswordChange(Schema):
    model_config = ConfigDict(extra="forbid")

    current_password: Text = Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)
    new_password: Password


class CsrfToken(Schema):
    csrf_token: str = Field(description="Send it as the X-CSRF-Token header on unsafe requests")
