"""Server-side sessions: the cookie holds a random id, the table holds its SHA-256.

A session ends at the first of: logout, a password change, SESSION_IDLE_TIMEOUT_SECONDS
without a request, SESSION_LIFETIME_SECONDS after the login.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..config import Settings
from ..email_verification.tokens import require_verified
from ..users.models import User
from .credentials import authenticate, replace_password
from .models import WebSession

logger = structlog.get_logger(__name__)

# How often last_seen_at is written: idle timeouts need no finer clock, and reads stay reads.
TOUCH_INTERVAL = timedelta(minutes=1)


def _now() -> datetime:
    return datetime.now(UTC)


def _as_utc(moment: datetime) -> datetime:
    # SQLite and MySQL return naive values; they were written in UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def session_key(cookie_value: str) -> str:
    return hashlib.sha256(cookie_value.encode()).hexdigest()


@dataclass(frozen=True)
class NewSession:
    cookie_value: str
    csrf_token: str


async def start_session(
    session: AsyncSession,
    settings: Settings,
    email: str,
    password: str,
    previous_cookie: str | None,
) -> NewSession:
    """Check the credentials and open a new session; a session the client had is ended."""
    user = await authenticate(session, email, password)
    require_verified(settings, user.id, user.email_verified_at)
    if previous_cookie:
        # Never reuse an id the client brought along: that is how session fixation works.
        await end_session(session, previous_cookie)
    cookie_value, now = secrets.token_urlsafe(32), _now()
    web_session = WebSession(
        id=session_key(cookie_value),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        last_seen_at=now,
        expires_at=now + timedelta(seconds=settings.session_lifetime_seconds),
    )
    session.add(web_session)
    await session.commit()
    logger.info("auth.login_succeeded", user_id=str(user.id))
    return NewSession(cookie_value, web_session.csrf_token)


async def authenticated(
    session: AsyncSession, settings: Settings, cookie_value: str
) -> tuple[User, WebSession] | None:
    """The active user of a live session, or None; a session found expired is deleted."""
    row = (
        await session.execute(
            select(User, WebSession)
            .join(WebSession, WebSession.user_id == User.id)
            .where(WebSession.id == session_key(cookie_value), User.is_active.is_(True))
        )
    ).first()
    if row is None:
        return None
    user, web_session = row
    now = _now()
    idle_deadline = _as_utc(web_session.last_seen_at) + timedelta(
        seconds=settings.session_idle_timeout_seconds
    )
    if now >= idle_deadline or now >= _as_utc(web_session.expires_at):
        await session.delete(web_session)
        await session.commit()
        return None
    if now - _as_utc(web_session.last_seen_at) >= TOUCH_INTERVAL:
        web_session.last_seen_at = now
        await session.commit()
    return user, web_session


async def end_session(session: AsyncSession, cookie_value: str) -> None:
    await session.execute(delete(WebSession).where(WebSession.id == session_key(cookie_value)))
    await session.commit()


async def logout(session: AsyncSession, user: User, cookie_value: str) -> None:
    await end_session(session, cookie_value)
    logger.info("auth.logout", user_id=str(user.id))


async def change_password(
    session: AsyncSession, user: User, current_password: str, new_password: str
) -> None:
    """Replace the password after checking the current one; every session of the user ends."""
    await replace_password(session, user, current_password, new_password)
    await session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    await session.commit()
