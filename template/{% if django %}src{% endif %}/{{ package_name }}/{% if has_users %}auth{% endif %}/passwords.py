"""The password policy: Django's validators (AUTH_PASSWORD_VALIDATORS) and a maximum length.

No composition rules: length and a list of common passwords are what resist guessing.
"""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from ..exceptions import InvalidInputError
from ..messages import WEAK_CREDENTIAL
from ..problems import FieldError
from ..users.models import User
from .password_policy import PASSWORD_MAX_LENGTH


class MaximumLengthValidator:
    """Refuse passwords longer than PASSWORD_MAX_LENGTH (Django has no such validator)."""

    def __init__(self, max_length: int = PASSWORD_MAX_LENGTH) -> None:
        self.max_length = max_length

    # Django's validator interface passes the user to every validator; this one needs none.
    def validate(self, password: str, user: User | None = None) -> None:  # noqa: ARG002
        if len(password) > self.max_length:
            msg = f"This password is longer than {self.max_length} characters."
            raise ValidationError(msg, code="password_too_long")

    def get_help_text(self) -> str:
        return f"Your password can't be longer than {self.max_length} characters."


def check_password_policy(password: str, user: User, *, field: str = "password") -> None:
    """Raise a 422 naming the rules `password` breaks; the messages never quote it."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        errors = [
            FieldError(loc=["body", field], message=message, type="password_policy")
            for message in exc.messages
        ]
        raise InvalidInputError(WEAK_CREDENTIAL, errors) from exc
