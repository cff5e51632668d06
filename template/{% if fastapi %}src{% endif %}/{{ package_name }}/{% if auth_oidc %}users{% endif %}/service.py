"""User accounts: one per identity of the provider, keyed by (issuer, subject)."""

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from .models import User

logger = structlog.get_logger(__name__)


async def get_or_create_identity(
    session: AsyncSession, issuer: str, subject: str, email: str | None
) -> User:
    """The account of this identity, created on its first valid token."""
    query = select(User).where(User.issuer == issuer, User.subject == subject)
    if (user := await session.scalar(query)) is not None:
        return user
    user = User(issuer=issuer, subject=subject, email=email)
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        # Its first two requests raced: the other one created it.
        await session.rollback()
        return await session.scalar(query) or user
    logger.info("auth.registered", user_id=str(user.id), issuer=issuer)
    return user
