"""Server-side sessions: the browser holds a random id in a cookie, the table holds its hash.

A session ends when the user logs out or changes the password, after
SESSION_IDLE_TIMEOUT_SECONDS without a request, and SESSION_LIFETIME_SECONDS after the
login whatever the activity. Each session has its own CSRF token, which every unsafe
request must echo in the X-CSRF-Token header.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..config import Settings
from ..email_verification.tokens import require_verified
from ..users.models import User
from .credentials import authenticate, replace_password
from .models import WebSession

logger = structlog.get_logger(__name__)

SESSION_ID_BYTES = 32
CSRF_TOKEN_BYTES = 32
# last_seen_at feeds the idle timeout; a minute's precision spares a write per request.
TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class NewSession:
    """A session just opened: ``cookie`` is the only copy of its id outside the browser."""

    cookie: str
    csrf_token: str


def session_key(cookie: str) -> str:
    """The table's key for a cookie value: a leaked table cannot be replayed as cookies."""
    return hashlib.sha256(cookie.encode()).hexdigest()


def start_session(
    session: Session, settings: Settings, email: str, password: str, old_cookie: str | None
) -> NewSession:
    """Check the credentials and open a new session; one the browser still had is deleted,
    so an id planted before the login (session fixation) is worth nothing after it."""
    user = authenticate(session, email, password)
    require_verified(settings, user.id, user.email_verified_at)
    if old_cookie:
        session.execute(delete(WebSession).where(WebSession.id == session_key(old_cookie)))
    now = datetime.now(UTC)
    new = NewSession(
        cookie=secrets.token_urlsafe(SESSION_ID_BYTES),
        csrf_token=secrets.token_urlsafe(CSRF_TOKEN_BYTES),
    )
    session.add(
        WebSession(
            id=session_key(new.cookie),
            user_id=user.id,
            csrf_token=new.csrf_token,
            last_seen_at=now,
            expires_at=now + timedelta(seconds=settings.session_lifetime_seconds),
        )
    )
    session.commit()
    logger.info("auth.login_succeeded", user_id=str(user.id))
    return new


def live_session(
    session: Session, settings: Settings, cookie: str
) -> tuple[WebSession, User] | None:
    """The session of this cookie and its active user, unless it has expired or idled out."""
    now = datetime.now(UTC)
    row = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(
            WebSession.id == session_key(cookie),
            WebSession.expires_at > now,
            WebSession.last_seen_at
            > now - timedelta(seconds=settings.session_idle_timeout_seconds),
            User.is_active.is_(True),
        )
    ).one_or_none()
    if row is None:
        return None
    web_session, user = row[0], row[1]
    if now - _as_utc(web_session.last_seen_at) >= TOUCH_INTERVAL:
        web_session.last_seen_at = now
        session.commit()
    return web_session, user


def logout(session: Session, web_session: WebSession) -> None:
    session.delete(web_session)
    session.commit()
    logger.info("auth.logout", user_id=str(web_session.user_id))


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Replace the password and delete every session of the user, this one included."""
    replace_password(user, current, new)
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.commit()
    logger.info("auth.password_changed", user_id=str(user.id))


def _as_utc(value: datetime) -> datetime:
    # SQLite and MySQL keep no offset: their values were written in UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
