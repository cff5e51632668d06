"""User accounts: creation and look-up."""

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..auth.passwords import hash_password
from ..errors import ConflictError
from .models import User
from .schemas import UserCreate


def normalize_email(email: str) -> str:
    return email.strip().lower()


def create_user(session: Session, data: UserCreate) -> User:
    """Register a user; a second account with the same address is a conflict."""
    user = User(email=normalize_email(data.email), password_hash=hash_password(data.password))
    session.add(user)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        msg = "An account with this email address already exists."
        raise ConflictError(msg) from exc
    return user


def get_user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalize_email(email)))
