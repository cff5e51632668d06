"""JWT access and refresh tokens: issued and decoded in one place, with every claim checked."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt

from ..config import Settings
from ..errors import AuthenticationError

# Pinned: the algorithm comes from here, never from the token's header.
ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["exp", "iat", "nbf", "sub", "aud", "iss", "jti", "typ"]
LEEWAY = timedelta(seconds=10)

TokenType = Literal["access", "refresh"]


@dataclass(frozen=True)
class TokenClaims:
    subject: uuid.UUID
    token_type: TokenType
    token_id: str
    expires_at: datetime


def issue_token(
    settings: Settings, subject: uuid.UUID, token_type: TokenType, now: datetime | None = None
) -> str:
    now = now or datetime.now(UTC)
    ttl = {"access": settings.access_token_ttl, "refresh": settings.refresh_token_ttl}[token_type]
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(subject),
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
        "typ": token_type,
    }
    return jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm=ALGORITHM)


def decode_token(settings: Settings, token: str, expected_type: TokenType) -> TokenClaims:
    """Verify signature, lifetime, issuer, audience and type; any failure is a 401."""
    try:
        claims = jwt.decode(
            token,
            settings.secret_key.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            leeway=LEEWAY,
            options={"require": REQUIRED_CLAIMS},
        )
        if claims["typ"] != expected_type:
            msg = f"expected a {expected_type} token"
            raise jwt.InvalidTokenError(msg)
        return TokenClaims(
            subject=uuid.UUID(claims["sub"]),
            token_type=expected_type,
            token_id=str(claims["jti"]),
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        )
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        # One message for every cause: details would help an attacker, not the client.
        msg = "The token is invalid or has expired."
        raise AuthenticationError(msg) from exc
