"""API keys: created (and shown) once, stored as hashes, checked in constant time, revoked."""

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

import structlog
from django.utils import timezone

from ..exceptions import NotFoundError
from ..users.models import ApiKey, User

logger = structlog.get_logger(__name__)
KEY_PREFIX = "sk_"
# 32 random bytes: 256 bits, far beyond guessing, so a fast hash is enough at rest.
KEY_BYTES = 32
PREFIX_LENGTH = 8
# last_used_at is written at most this often: no database write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewKey:
    api_key: ApiKey
    key: str  # the only time the key exists in clear


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(user: User, name: str) -> NewKey:
    """A new key for the user; the caller shows `key` once, it cannot be recovered."""
    secret = secrets.token_urlsafe(KEY_BYTES)
    key = KEY_PREFIX + secret
    api_key = ApiKey.objects.create(
        user=user, name=name, prefix=secret[:PREFIX_LENGTH], key_hash=hash_key(key)
    )
    logger.info(
        "auth.apikey_created", user_id=str(user.id), key_id=str(api_key.id), prefix=api_key.prefix
    )
    return NewKey(api_key, key)


def list_api_keys(user_id: uuid.UUID) -> list[ApiKey]:
    return list(ApiKey.objects.filter(user_id=user_id).order_by("created_at", "id"))


def revoke_api_key(user_id: uuid.UUID | None, key_id: uuid.UUID) -> ApiKey:
    """Revoke one of the user's keys (any user's when `user_id` is None: the admin CLI)."""
    keys = ApiKey.objects.filter(pk=key_id)
    if user_id is not None:
        keys = keys.filter(user_id=user_id)
    api_key = keys.first()
    if api_key is None:
        # Another user's key is reported as missing: its existence is not disclosed.
        msg = f"API key {key_id} does not exist."
        raise NotFoundError(msg)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        logger.info("auth.apikey_revoked", user_id=str(api_key.user_id), key_id=str(key_id))
    return api_key


def authenticate_key(key: str) -> ApiKey | None:
    """The live key (with its active user) that `key` is, or None."""
    digest = hash_key(key)
    api_key = (
        ApiKey.objects.select_related("user")
        .filter(key_hash=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    # The look-up is by hash, so timing reveals nothing about the key; compare anyway.
    if api_key is None or not hmac.compare_digest(api_key.key_hash, digest):
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
