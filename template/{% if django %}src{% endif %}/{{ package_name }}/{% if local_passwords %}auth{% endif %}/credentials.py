"""Checking an email address and password, with the same answer whatever is wrong."""

import structlog

from ..exceptions import AuthenticationError
from ..users.models import User
from ..users.service import get_user_by_email
from .passwords import check_password_policy

logger = structlog.get_logger(__name__)
INVALID_CREDENTIALS = "The email address or password is incorrect."


def authenticate(email: str, password: str) -> User:
    """Return the active user with these credentials; the same error whatever is wrong."""
    user = get_user_by_email(email)
    if user is None:
        # Hash anyway, as Django's ModelBackend does: timing does not reveal unknown accounts.
        User().set_password(password)
        logger.info("auth.login_failed", email=email, reason="unknown_account")
        raise AuthenticationError(INVALID_CREDENTIALS)
    # check_password also replaces a hash made with older parameters or another hasher.
    valid = user.check_password(password)
    if not valid or not user.is_active:
        reason = "bad_password" if not valid else "inactive"
        logger.info("auth.login_failed", email=user.email, user_id=str(user.id), reason=reason)
        raise AuthenticationError(INVALID_CREDENTIALS)
    logger.info("auth.login_succeeded", email=user.email, user_id=str(user.id))
    return user


def replace_password(user: User, current_password: str, new_password: str) -> None:
    """Replace the password after checking the current one; the caller ends the sessions."""
    if not user.check_password(current_password):
        logger.info(
            "auth.login_failed", email=user.email, user_id=str(user.id), reason="bad_password"
        )
        msg = "The current password is incorrect."
        raise AuthenticationError(msg)
    check_password_policy(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    logger.info("auth.password_changed", email=user.email, user_id=str(user.id))
