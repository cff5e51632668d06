"""JWT access and refresh tokens: issued and decoded in one place, with every claim checked.

Both kinds carry ``sid``, the login session they belong to: logging out, changing the
password or reusing a rotated refresh token revokes the session, and with it every token
issued for it (the access tokens too, long before they expire).
"""

import functools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt

from ..config import Settings
from ..exceptions import AuthenticationError

# Pinned: the algorithm comes from here, never from the token's header.
ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["exp", "iat", "nbf", "sub", "aud", "iss", "jti", "typ", "sid"]
LEEWAY = timedelta(seconds=10)
# Tokens verified lately, by their exact text (signature included): a client sends the same
# access token with every request until it expires. Bounds the memory (~1 kB an entry).
VERIFIED_TOKENS = 1024

TokenType = Literal["access", "refresh"]


@dataclass(frozen=True)
class TokenClaims:
    subject: uuid.UUID
    session_id: uuid.UUID
    token_type: TokenType
    token_id: str
    expires_at: datetime


def new_token_id() -> str:
    return uuid.uuid4().hex


def issue_token(  # noqa: PLR0913  (every argument is a claim)
    settings: Settings,
    subject: uuid.UUID,
    token_type: TokenType,
    *,
    session_id: uuid.UUID,
    token_id: str | None = None,
    now: datetime | None = None,
) -> str:
    """Sign a token; pass ``token_id`` to know the ``jti`` (refresh tokens are tracked by it)."""
    now = now or datetime.now(UTC)
    ttl = {"access": settings.access_token_ttl, "refresh": settings.refresh_token_ttl}[token_type]
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(subject),
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
        "jti": token_id or new_token_id(),
        "typ": token_type,
        "sid": str(session_id),
    }
    return jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm=ALGORITHM)


def decode_token(settings: Settings, token: str, expected_type: TokenType) -> TokenClaims:
    """Verify signature, lifetime, issuer, audience and type; any failure is a 401.

    A token verified a moment ago is not verified again (base64, JSON, HMAC and every claim
    were checked then, with the same key, issuer and audience); its expiry still is. Whether
    its login session still stands is the caller's check, on every request.
    """
    try:
        claims = _verified(
            token,
            settings.secret_key.get_secret_value(),
            settings.jwt_audience,
            settings.jwt_issuer,
            expected_type,
        )
        if claims.expires_at <= datetime.now(UTC) - LEEWAY:
            msg = "the token has expired"
            raise jwt.ExpiredSignatureError(msg)
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        # One message for every cause: details would help an attacker, not the client.
        msg = "The token is invalid or has expired."
        raise AuthenticationError(msg) from exc
    return claims


@functools.lru_cache(maxsize=VERIFIED_TOKENS)
def _verified(
    token: str, key: str, audience: str, issuer: str, expected_type: TokenType
) -> TokenClaims:
    """The token's claims, all checked; a failure raises, and is not remembered."""
    claims = jwt.decode(
        token,
        key,
        algorithms=[ALGORITHM],
        audience=audience,
        issuer=issuer,
        leeway=LEEWAY,
        options={"require": REQUIRED_CLAIMS},
    )
    if claims["typ"] != expected_type:
        msg = f"expected a {expected_type} token"
        raise jwt.InvalidTokenError(msg)
    return TokenClaims(
        subject=uuid.UUID(claims["sub"]),
        session_id=uuid.UUID(claims["sid"]),
        token_type=expected_type,
        token_id=str(claims["jti"]),
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
    )
