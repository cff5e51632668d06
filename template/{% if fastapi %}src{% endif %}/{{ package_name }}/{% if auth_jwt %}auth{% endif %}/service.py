"""Login sessions: credentials in, token pairs out; refresh rotation, logout, password change.

Every token carries the id of its login session (``sid``). The session row is the server's
say over the tokens: revoking it ends every token issued for it, and its ``refresh_jti``
names the one refresh token that may still be used.
"""

import uuid
from datetime import UTC, datetime

import structlog
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..config import Settings
from ..email_verification.tokens import require_verified
from ..exceptions import AuthenticationError
from ..users.models import User
from .credentials import authenticate, replace_password
from .models import LoginSession
from .schemas import TokenPair
from .tokens import TokenClaims, decode_token, issue_token, new_token_id

logger = structlog.get_logger(__name__)
INVALID_TOKEN = "The token is invalid or has expired."  # noqa: S105  (a message, not a secret)


def _now() -> datetime:
    return datetime.now(UTC)


def _issue_pair(settings: Settings, login: LoginSession) -> TokenPair:
    return TokenPair(
        access_token=issue_token(settings, login.user_id, "access", session_id=login.id),
        refresh_token=issue_token(
            settings, login.user_id, "refresh", session_id=login.id, token_id=login.refresh_jti
        ),
        expires_in=settings.access_token_ttl_seconds,
    )


async def start_session(
    session: AsyncSession, settings: Settings, email: str, password: str
) -> TokenPair:
    """Check the credentials and open a login session; returns its first token pair."""
    user = await authenticate(session, email, password)
    require_verified(settings, user.id, user.email_verified_at)
    login = LoginSession(
        id=uuid.uuid4(),
        user_id=user.id,
        refresh_jti=new_token_id(),
        expires_at=_now() + settings.refresh_token_ttl,
    )
    session.add(login)
    await session.commit()
    logger.info("auth.login_succeeded", user_id=str(user.id), session_id=str(login.id))
    return _issue_pair(settings, login)


async def authenticated_user(session: AsyncSession, claims: TokenClaims) -> User | None:
    """The active user of a live login session: one indexed lookup per request."""
    return await session.scalar(
        select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            LoginSession.id == claims.session_id,
            User.id == claims.subject,
            User.is_active.is_(True),
            LoginSession.revoked_at.is_(None),
            LoginSession.expires_at > _now(),
        )
    )


async def refresh(session: AsyncSession, settings: Settings, refresh_token: str) -> TokenPair:
    """Rotate: the refresh token is spent and a new pair issued in the same login session.

    A refresh token that is not the session's current one was already spent: someone holds
    a copy. The whole session is revoked, the thief's tokens and the owner's alike.
    """
    try:
        claims = decode_token(settings, refresh_token, "refresh")
    except AuthenticationError:
        logger.info("auth.token_invalid", kind="refresh")
        raise
    if await authenticated_user(session, claims) is None:
        logger.info("auth.token_invalid", kind="refresh", session_id=str(claims.session_id))
        raise AuthenticationError(INVALID_TOKEN)
    # Compare-and-swap on the current jti: of two concurrent uses of one token, one wins.
    new_jti = new_token_id()
    rotated = await session.execute(
        update(LoginSession)
        .where(
            LoginSession.id == claims.session_id,
            LoginSession.refresh_jti == claims.token_id,
            LoginSession.revoked_at.is_(None),
        )
        .values(refresh_jti=new_jti)
    )
    if rotated.rowcount != 1:  # type: ignore[attr-defined]
        await _revoke_sessions(session, LoginSession.id == claims.session_id)
        logger.warning(
            "auth.refresh_reused", user_id=str(claims.subject), session_id=str(claims.session_id)
        )
        raise AuthenticationError(INVALID_TOKEN)
    await session.commit()
    login = await session.get_one(LoginSession, claims.session_id, populate_existing=True)
    return _issue_pair(settings, login)


async def _revoke_sessions(session: AsyncSession, *conditions: ColumnElement[bool]) -> None:
    await session.execute(
        update(LoginSession)
        .where(LoginSession.revoked_at.is_(None), *conditions)
        .values(revoked_at=_now())
    )
    await session.commit()


async def logout(session: AsyncSession, user: User, session_id: uuid.UUID) -> None:
    """Revoke the login session: its access and refresh tokens stop working at once."""
    await _revoke_sessions(session, LoginSession.id == session_id)
    logger.info("auth.logout", user_id=str(user.id), session_id=str(session_id))


async def change_password(
    session: AsyncSession, user: User, current_password: str, new_password: str
) -> None:
    """Replace the password after checking the current one; every login session ends."""
    await replace_password(session, user, current_password, new_password)
    await _revoke_sessions(session, LoginSession.user_id == user.id)
