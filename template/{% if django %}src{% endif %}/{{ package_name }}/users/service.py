"""User accounts: creation and look-up."""

import uuid

from django.db import IntegrityError, transaction

from ..errors import ConflictError
from .models import User, normalize_email
from .schemas import UserCreate


def create_user(data: UserCreate) -> User:
    """Register a user; a second account with the same address is a conflict."""
    try:
        with transaction.atomic():
            return User.objects.create_user(email=data.email, password=data.password)
    except IntegrityError as exc:
        msg = "An account with this email address already exists."
        raise ConflictError(msg) from exc


def get_user(user_id: uuid.UUID) -> User | None:
    return User.objects.filter(pk=user_id).first()


def get_user_by_email(email: str) -> User | None:
    return User.objects.filter(email=normalize_email(email)).first()
