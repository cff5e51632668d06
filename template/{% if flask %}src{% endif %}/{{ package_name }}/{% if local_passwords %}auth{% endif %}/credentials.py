"""Checking an email and password: one answer for every failure, and timing to match."""

import structlog
from sqlalchemy.orm import Session

from ..exceptions import AuthenticationError
from ..users.models import User
from ..users.service import get_user_by_email, set_password
from .passwords import burn_verification_time, verify_password

logger = structlog.get_logger(__name__)
INVALID_CREDENTIALS = "The email address or password is incorrect."


def authenticate(session: Session, email: str, password: str) -> User:
    """The active user with these credentials; the same error whatever is wrong."""
    user = get_user_by_email(session, email)
    if user is None:
        burn_verification_time(password)
        logger.info("auth.login_failed", email=email, reason="unknown_account")
        raise AuthenticationError(INVALID_CREDENTIALS)
    valid, new_hash = verify_password(password, user.password_hash)
    if not valid or not user.is_active:
        reason = "bad_password" if not valid else "inactive"
        logger.info("auth.login_failed", user_id=str(user.id), reason=reason)
        raise AuthenticationError(INVALID_CREDENTIALS)
    if new_hash is not None:
        # The stored hash used weaker parameters: replace it now that we know the password.
        user.password_hash = new_hash
        session.commit()
    return user


def replace_password(user: User, current: str, new: str) -> None:
    """Check the current password, then set the new one (policy checked); caller commits."""
    valid, _ = verify_password(current, user.password_hash)
    if not valid:
        logger.info("auth.login_failed", user_id=str(user.id), reason="bad_password")
        raise AuthenticationError(INVALID_CREDENTIALS)
    set_password(user, new)
