"""Single-use tokens mailed in a link (password reset, email verification), the same in
every framework.

A token is 32 random bytes, mailed once; its table keeps only the SHA-256, so a leaked
table is worth nothing. Links come from FRONTEND_URL, never from the request's Host
header, and carry the token in their fragment (#token=...), which browsers send to no
server and put in no Referer.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from ..config import Settings

TOKEN_BYTES = 32
TOKEN_HASH_LENGTH = 64  # hex SHA-256
# A token is 32 random bytes in URL-safe base64: 43 characters.
MAILED_TOKEN_MAX_LENGTH = 128


def now() -> datetime:
    """The clock every expiry is measured by (tests move it)."""
    return datetime.now(UTC)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The table's key for a token; a random 256-bit token needs no slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def expires_at(ttl_seconds: int) -> datetime:
    return now() + timedelta(seconds=ttl_seconds)


def link(settings: Settings, path: str, token: str) -> str:
    """The frontend's page at ``path``, with the token in the fragment."""
    return f"{settings.frontend_url}{path}#token={token}"


def lifetime(ttl_seconds: int) -> str:
    """A link's lifetime for a mail: "30 minutes", "2 days"."""
    for unit, seconds in (("day", 86_400), ("hour", 3600)):
        if ttl_seconds >= seconds and ttl_seconds % seconds == 0:
            count = ttl_seconds // seconds
            return f"{count} {unit}{'' if count == 1 else 's'}"
    minutes = max(1, ttl_seconds // 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"
