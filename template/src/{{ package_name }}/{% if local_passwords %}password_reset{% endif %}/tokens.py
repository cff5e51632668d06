"""Reset tokens and their mail, the same in every framework.

A token is 32 random bytes, mailed once; the table keeps only its SHA-256, so a leaked
table resets no password. The link comes from FRONTEND_URL, never from the request's Host
header, and carries the token in its fragment (#token=...), which browsers send to no
server and put in no Referer.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from ..config import Settings
from ..exceptions import DomainError
from ..mail.message import Mail, compose

TOKEN_BYTES = 32
TOKEN_HASH_LENGTH = 64  # hex SHA-256
# The frontend's page that reads the token and asks for the new password.
RESET_PATH = "/reset-password"
INVALID_TOKEN = "The reset link is invalid, already used or expired."  # noqa: S105


class ResetTokenError(DomainError):
    """An unknown, spent or expired reset token: a 400, the same for each of those."""


def now() -> datetime:
    """The clock every expiry is measured by (tests move it)."""
    return datetime.now(UTC)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The table's key for a token; a random 256-bit token needs no slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def expires_at(settings: Settings) -> datetime:
    return now() + timedelta(seconds=settings.password_reset_ttl_seconds)


def reset_link(settings: Settings, token: str) -> str:
    return f"{settings.frontend_url}{RESET_PATH}#token={token}"


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
