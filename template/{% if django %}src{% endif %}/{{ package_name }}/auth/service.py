"""Authentication: checking credentials and issuing token pairs."""

import structlog

from ..config import Settings
from ..errors import AuthenticationError
from ..users.models import User
from ..users.service import get_user, get_user_by_email
from .schemas import TokenPair
from .tokens import decode_token, issue_token

logger = structlog.get_logger(__name__)
INVALID_CREDENTIALS = "The email address or password is incorrect."


def issue_pair(settings: Settings, user: User) -> TokenPair:
    return TokenPair(
        access_token=issue_token(settings, user.id, "access"),
        refresh_token=issue_token(settings, user.id, "refresh"),
        expires_in=settings.access_token_ttl_seconds,
    )


def authenticate(email: str, password: str) -> User:
    """Return the active user with these credentials; the same error whatever is wrong."""
    user = get_user_by_email(email)
    if user is None:
        # Hash anyway, as Django's ModelBackend does: timing does not reveal unknown accounts.
        User().set_password(password)
        logger.info("login_failed", reason="unknown_account")
        raise AuthenticationError(INVALID_CREDENTIALS)
    # check_password also replaces a hash made with older parameters or another hasher.
    valid = user.check_password(password)
    if not valid or not user.is_active:
        logger.info(
            "login_failed", user_id=str(user.id), reason="bad_password" if not valid else "inactive"
        )
        raise AuthenticationError(INVALID_CREDENTIALS)
    logger.info("login_succeeded", user_id=str(user.id))
    return user


def refresh(settings: Settings, refresh_token: str) -> TokenPair:
    """Exchange a valid refresh token of an active user for a new token pair."""
    claims = decode_token(settings, refresh_token, "refresh")
    user = get_user(claims.subject)
    if user is None or not user.is_active:
        msg = "The token is invalid or has expired."
        raise AuthenticationError(msg)
    return issue_pair(settings, user)
