"""Verification links, their mail and the login rule, the same in every framework (the
tokens themselves are auth/mailed_tokens.py's: random, stored as a hash, single use,
expiring)."""

from datetime import datetime

import structlog

from ..auth import mailed_tokens
from ..config import Settings
from ..exceptions import DomainError, PermissionDeniedError
from ..mail.message import Mail, compose

logger = structlog.get_logger(__name__)
# The frontend's page that reads the token and posts it to /auth/verify-email.
VERIFY_PATH = "/verify-email"
INVALID_TOKEN = "The verification link is invalid, already used or expired."  # noqa: S105
NOT_VERIFIED = (
    "Email not verified: open the link mailed to the address, or ask for a new one at "
    "/api/v1/auth/verify-email/resend."
)


class VerificationTokenError(DomainError):
    """An unknown, spent or expired verification token: a 400, the same for each."""


class EmailNotVerifiedError(PermissionDeniedError):
    """A login with the right password to an account whose address is not verified yet."""


def expires_at(settings: Settings) -> datetime:
    return mailed_tokens.expires_at(settings.email_verification_ttl_seconds)


def verification_link(settings: Settings, token: str) -> str:
    return mailed_tokens.link(settings, VERIFY_PATH, token)


def verification_mail(settings: Settings, email: str, token: str) -> Mail:
    """The mail that carries the link; the token appears in nothing else the service sends."""
    return compose(
        "email_verification",
        to=email,
        subject=f"Verify your email address for {settings.service_name}",
        service=settings.service_name,
        email=email,
        link=verification_link(settings, token),
        lifetime=mailed_tokens.lifetime(settings.email_verification_ttl_seconds),
    )


def require_verified(settings: Settings, user_id: object, verified_at: datetime | None) -> None:
    """With REQUIRE_EMAIL_VERIFICATION, refuse a login (after its password was checked, so
    the answer tells nothing to whoever lacks it) until the address is verified."""
    if settings.require_email_verification and verified_at is None:
        logger.info("auth.login_failed", user_id=str(user_id), reason="email_not_verified")
        raise EmailNotVerifiedError(NOT_VERIFIED)
