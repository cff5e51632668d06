"""User accounts: registration and look-up."""

import structlog
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth.passwords import hash_password
from ..config import Settings
from ..email_verification import service as email_verification
from ..mail import outbox
from .models import User
from .schemas import UserCreate

logger = structlog.get_logger(__name__)


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def register(session: AsyncSession, settings: Settings, data: UserCreate) -> None:
    """Create the account unless the address is taken, and mail it a verification link;
    the caller cannot tell which."""
    # First, for every address alike: a 503 (the job queue's broker down) tells nothing.
    await run_in_threadpool(outbox.check_ready)
    email = normalize_email(data.email)
    # Hashed in both cases: a taken address must not answer faster than a free one.
    user = User(email=email, password_hash=hash_password(data.password))
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        return
    # Before the commit: if the mail cannot be handed over, the account is not kept.
    await email_verification.send_link(session, settings, user)
    await session.commit()
    logger.info("auth.registered", email=email, user_id=str(user.id))


async def get_user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == normalize_email(email)))
