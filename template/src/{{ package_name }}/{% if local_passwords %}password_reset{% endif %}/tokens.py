"""Reset links and their mail, the same in every framework (the tokens themselves are
auth/mailed_tokens.py's: random, stored as a hash, single use, expiring)."""

from datetime import datetime

from ..auth import mailed_tokens
from ..config import Settings
from ..exceptions import DomainError
from ..mail.message import Mail, compose

# The frontend's page that reads the token and asks for the new password.
RESET_PATH = "/reset-password"
INVALID_TOKEN = "The reset link is invalid, already used or expired."  # noqa: S105


class ResetTokenError(DomainError):
    """An unknown, spent or expired reset token: a 400, the same for each of those."""


def expires_at(settings: Settings) -> datetime:
    return mailed_tokens.expires_at(settings.password_reset_ttl_seconds)


def reset_link(settings: Settings, token: str) -> str:
    return mailed_tokens.link(settings, RESET_PATH, token)


def reset_mail(settings: Settings, email: str, token: str) -> Mail:
    """The mail that carries the link; the token appears in nothing else the service sends."""
    minutes = max(1, settings.password_reset_ttl_seconds // 60)
    return compose(
        "password_reset",
        to=email,
        subject=f"Reset your {settings.service_name} password",
        service=settings.service_name,
        email=email,
        link=reset_link(settings, token),
        lifetime=f"{minutes} minute{'' if minutes == 1 else 's'}",
    )
