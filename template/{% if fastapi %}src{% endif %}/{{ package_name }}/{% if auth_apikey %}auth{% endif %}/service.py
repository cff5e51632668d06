"""API keys: created and shown once, stored as their SHA-256 only, checked, revoked.

A key is ``sk_`` plus 256 random bits. 256 bits cannot be brute-forced, so a fast hash is
enough to keep the database useless to a thief; a slow password hash would only cost CPU
on every request.
"""

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..exceptions import NotFoundError
from ..users.models import User
from .models import ApiKey

logger = structlog.get_logger(__name__)

KEY_PREFIX = "sk_"
# How often last_used_at is written: once a minute is precise enough, and no write per request.
LAST_USED_PRECISION = timedelta(minutes=1)


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def display_prefix(key: str) -> str:
    """The first characters after ``sk_``: enough to tell keys apart, useless to an attacker."""
    return key.removeprefix(KEY_PREFIX)[:8]


async def create_api_key(session: AsyncSession, user: User, name: str) -> tuple[ApiKey, str]:
    """Store a new key of the user; the plaintext is returned this once and never stored."""
    key = generate_key()
    api_key = ApiKey(user_id=user.id, name=name, prefix=display_prefix(key), key_hash=hash_key(key))
    session.add(api_key)
    await session.commit()
    await session.refresh(api_key)
    logger.info("auth.apikey_created", user_id=str(user.id), key_id=str(api_key.id))
    return api_key, key


async def list_api_keys(session: AsyncSession, user: User) -> Sequence[ApiKey]:
    rows = await session.scalars(
        select(ApiKey).where(ApiKey.user_id == user.id).order_by(ApiKey.created_at, ApiKey.id)
    )
    return rows.all()


async def revoke_api_key(session: AsyncSession, key_id: uuid.UUID, user: User | None) -> None:
    """Revoke a key of the user (any user's key when ``user`` is None: the admin CLI).

    Another user's key is reported as missing, not forbidden.
    """
    query = select(ApiKey).where(ApiKey.id == key_id)
    if user is not None:
        query = query.where(ApiKey.user_id == user.id)
    api_key = await session.scalar(query)
    if api_key is None:
        msg = f"API key {key_id} does not exist."
        raise NotFoundError(msg)
    if api_key.revoked_at is None:
        api_key.revoked_at = datetime.now(UTC)
        await session.commit()
        logger.info("auth.apikey_revoked", user_id=str(api_key.user_id), key_id=str(key_id))


def _as_utc(moment: datetime) -> datetime:
    # SQLite and MySQL return naive values; they were written in UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


async def authenticate_key(session: AsyncSession, key: str) -> tuple[User, ApiKey] | None:
    """The active owner of a valid, unrevoked key, or None."""
    digest = hash_key(key)
    row = (
        await session.execute(
            select(User, ApiKey)
            .join(ApiKey, ApiKey.user_id == User.id)
            .where(ApiKey.key_hash == digest, ApiKey.revoked_at.is_(None), User.is_active.is_(True))
        )
    ).first()
    # The lookup went through an index; compare the digests in constant time all the same.
    if row is None or not hmac.compare_digest(row.ApiKey.key_hash, digest):
        return None
    user, api_key = row
    now = datetime.now(UTC)
    if api_key.last_used_at is None or now - _as_utc(api_key.last_used_at) > LAST_USED_PRECISION:
        await session.execute(
            update(ApiKey).where(ApiKey.id == api_key.id).values(last_used_at=now)
        )
        await session.commit()
    return user, api_key
