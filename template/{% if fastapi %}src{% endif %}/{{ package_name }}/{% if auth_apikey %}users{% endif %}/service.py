"""User accounts: they own API keys and items; created by whoever creates their first key."""

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from .models import User

logger = structlog.get_logger(__name__)


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def get_or_create_user(session: AsyncSession, email: str) -> User:
    """The account with this address, created when there is none."""
    email = normalize_email(email)
    query = select(User).where(User.email == email)
    if (user := await session.scalar(query)) is not None:
        return user
    user = User(email=email)
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        # Created concurrently by someone else: theirs is as good as ours.
        await session.rollback()
        return await session.scalar(query) or user
    logger.info("auth.registered", email=email, user_id=str(user.id))
    return user
