"""API keys: created (and shown) once, stored as SHA-256 only, checked by hash, revocable.

A key is ``sk_`` followed by 32 random bytes (256 bits) in base64url. A fast hash is the
right tool here: unlike a password, a random 256-bit key cannot be guessed from its hash,
and the lookup must be cheap because it runs on every request.
"""

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..exceptions import NotFoundError
from ..users.models import User
from .models import PREFIX_LENGTH, ApiKey

logger = structlog.get_logger(__name__)

KEY_PREFIX = "sk_"
KEY_BYTES = 32
# Longer input is not a key of ours: refuse it before hashing.
KEY_MAX_LENGTH = 128
# last_used_at is informational: one write a minute per key is plenty.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewKey:
    """A freshly created key: ``secret`` exists only here and in the response that shows it."""

    record: ApiKey
    secret: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(session: Session, user: User, name: str) -> NewKey:
    secret = KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)
    record = ApiKey(
        user_id=user.id,
        name=name,
        prefix=secret[len(KEY_PREFIX) : len(KEY_PREFIX) + PREFIX_LENGTH],
        key_hash=hash_key(secret),
    )
    session.add(record)
    session.commit()
    session.refresh(record)
    logger.info(
        "auth.apikey_created", user_id=str(user.id), key_id=str(record.id), prefix=record.prefix
    )
    return NewKey(record, secret)


def list_keys(session: Session, user_id: uuid.UUID) -> Sequence[ApiKey]:
    query = select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.created_at, ApiKey.id)
    return session.scalars(query).all()


def revoke_key(session: Session, key_id: uuid.UUID, user_id: uuid.UUID | None = None) -> ApiKey:
    """Revoke a key (idempotent); with ``user_id``, only that user's key (another's is 404)."""
    query = select(ApiKey).where(ApiKey.id == key_id)
    if user_id is not None:
        query = query.where(ApiKey.user_id == user_id)
    record = session.scalar(query)
    if record is None:
        msg = f"API key {key_id} does not exist."
        raise NotFoundError(msg)
    if record.revoked_at is None:
        record.revoked_at = datetime.now(UTC)
        session.commit()
        logger.info("auth.apikey_revoked", user_id=str(record.user_id), key_id=str(record.id))
    return record


def authenticate_key(session: Session, key: str) -> tuple[ApiKey, User] | None:
    """The live key and its active user, or None; one lookup by the unique hash."""
    if not key.startswith(KEY_PREFIX) or len(key) > KEY_MAX_LENGTH:
        return None
    digest = hash_key(key)
    row = session.execute(
        select(ApiKey, User)
        .join(User, User.id == ApiKey.user_id)
        .where(ApiKey.key_hash == digest, ApiKey.revoked_at.is_(None), User.is_active.is_(True))
    ).one_or_none()
    # The index found the row; the final comparison is exact and constant-time, whatever
    # the database's collation considers equal.
    if row is None or not hmac.compare_digest(row[0].key_hash, digest):
        return None
    record, user = row[0], row[1]
    now = datetime.now(UTC)
    if _is_stale(record.last_used_at, now):
        record.last_used_at = now
        session.commit()
    return record, user


def _is_stale(last_used: datetime | None, now: datetime) -> bool:
    if last_used is None:
        return True
    if last_used.tzinfo is None:  # SQLite and MySQL keep no offset: the value is UTC
        last_used = last_used.replace(tzinfo=UTC)
    return now - last_used >= LAST_USED_RESOLUTION
