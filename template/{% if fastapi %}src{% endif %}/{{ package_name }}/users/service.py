"""User accounts: creation and look-up."""

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth.passwords import hash_password
from ..errors import ConflictError
from .models import User
from .schemas import UserCreate


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def create_user(session: AsyncSession, data: UserCreate) -> User:
    """Register a user; a second account with the same address is a conflict."""
    user = User(email=normalize_email(data.email), password_hash=hash_password(data.password))
    session.add(user)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        msg = "An account with this email address already exists."
        raise ConflictError(msg) from exc
    return user


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def get_user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == normalize_email(email)))
