"""Email and password checks shared by login and password change."""

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from ..exceptions import AuthenticationError
from ..users.models import User
from ..users.service import get_user_by_email
from .passwords import (
    burn_verification_time,
    check_password_policy,
    hash_password,
    verify_password,
)

logger = structlog.get_logger(__name__)
INVALID_CREDENTIALS = "The email address or password is incorrect."


async def _check_password(session: AsyncSession, user: User, password: str) -> bool:
    """Verify a password; an outdated hash is replaced now that we know the password."""
    valid, new_hash = verify_password(password, user.password_hash)
    if valid and new_hash is not None:
        user.password_hash = new_hash
        await session.commit()
    return valid


async def authenticate(session: AsyncSession, email: str, password: str) -> User:
    """Return the active user with these credentials; the same error whatever is wrong."""
    user = await get_user_by_email(session, email)
    if user is None:
        burn_verification_time(password)
        logger.info("auth.login_failed", email=email, reason="unknown_account")
        raise AuthenticationError(INVALID_CREDENTIALS)
    if not await _check_password(session, user, password) or not user.is_active:
        reason = "inactive" if user.is_active is False else "bad_password"
        logger.info("auth.login_failed", email=email, user_id=str(user.id), reason=reason)
        raise AuthenticationError(INVALID_CREDENTIALS)
    return user


async def replace_password(
    session: AsyncSession, user: User, current_password: str, new_password: str
) -> None:
    """Check the current password, then store the new one if the policy accepts it."""
    if not await _check_password(session, user, current_password):
        logger.info("auth.login_failed", user_id=str(user.id), reason="bad_password")
        raise AuthenticationError(INVALID_CREDENTIALS)
    check_password_policy(new_password, user.email, field="new_password")
    user.password_hash = hash_password(new_password)
    await session.commit()
    logger.info("auth.password_changed", user_id=str(user.id))
