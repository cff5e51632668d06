"""Local accounts: logging in, rotating refresh tokens, logging out, changing the password.

Each login opens a login session (a row of ``auth_sessions``); both tokens carry its id as
``sid``. The session remembers the ``jti`` of the one refresh token that may still be used:
refreshing rotates it, and presenting an older one means the token leaked, so the whole
session is revoked. Revoking a session ends its access tokens at once, since every request
checks the session (see ``dependencies.current_user``).
"""

import hmac
import uuid
from datetime import UTC, datetime

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..config import Settings
from ..email_verification.tokens import require_verified
from ..exceptions import AuthenticationError
from ..users.models import User
from .credentials import authenticate, replace_password
from .models import LoginSession
from .schemas import TokenPair
from .tokens import decode_token, issue_token, new_token_id

logger = structlog.get_logger(__name__)
NOT_AUTHENTICATED = "The token is invalid or has expired."


def start_session(session: Session, settings: Settings, email: str, password: str) -> TokenPair:
    """Check the credentials and open a login session; its lifetime is fixed from here."""
    user = authenticate(session, email, password)
    require_verified(settings, user.id, user.email_verified_at)
    login_session = LoginSession(
        id=uuid.uuid4(),
        user_id=user.id,
        refresh_jti=new_token_id(),
        expires_at=datetime.now(UTC) + settings.refresh_token_ttl,
    )
    session.add(login_session)
    session.commit()
    logger.info("auth.login_succeeded", user_id=str(user.id), session_id=str(login_session.id))
    return _token_pair(settings, login_session)


def live_session(
    session: Session, session_id: uuid.UUID, user_id: uuid.UUID, *, for_update: bool = False
) -> tuple[LoginSession, User] | None:
    """The login session and its user, if the user is active and the session is neither
    revoked nor past its absolute expiry; one lookup by primary key."""
    query = (
        select(LoginSession, User)
        .join(User, User.id == LoginSession.user_id)
        .where(
            LoginSession.id == session_id,
            LoginSession.user_id == user_id,
            LoginSession.revoked_at.is_(None),
            LoginSession.expires_at > datetime.now(UTC),
            User.is_active.is_(True),
        )
    )
    if for_update:
        # Two refreshes racing with the same token: the second waits, then sees reuse.
        query = query.with_for_update(of=LoginSession)
    row = session.execute(query).one_or_none()
    return None if row is None else (row[0], row[1])


def refresh(session: Session, settings: Settings, refresh_token: str) -> TokenPair:
    """Exchange the session's current refresh token for a new pair; reuse revokes it."""
    claims = decode_token(settings, refresh_token, "refresh")
    found = live_session(session, claims.session_id, claims.subject, for_update=True)
    if found is None:
        logger.info("auth.token_invalid", reason="session_ended", session_id=str(claims.session_id))
        raise AuthenticationError(NOT_AUTHENTICATED)
    login_session, _ = found
    if not hmac.compare_digest(login_session.refresh_jti, claims.token_id):
        # An older refresh token of this session: someone kept a copy. Neither the thief
        # nor the user can tell who refreshed first, so the session ends for both.
        login_session.revoked_at = datetime.now(UTC)
        session.commit()
        logger.warning(
            "auth.refresh_reused", user_id=str(claims.subject), session_id=str(login_session.id)
        )
        raise AuthenticationError(NOT_AUTHENTICATED)
    login_session.refresh_jti = new_token_id()
    session.commit()
    return _token_pair(settings, login_session)


def logout(session: Session, login_session_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Revoke the caller's login session: its access and refresh tokens stop working."""
    session.execute(
        update(LoginSession)
        .where(LoginSession.id == login_session_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    session.commit()
    logger.info("auth.logout", user_id=str(user_id), session_id=str(login_session_id))


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Replace the password and revoke every login session of the user, this one included."""
    replace_password(user, current, new)
    session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    session.commit()
    logger.info("auth.password_changed", user_id=str(user.id))


def _token_pair(settings: Settings, login_session: LoginSession) -> TokenPair:
    user_id, session_id = login_session.user_id, login_session.id
    return TokenPair(
        access_token=issue_token(settings, user_id, "access", session_id=session_id),
        refresh_token=issue_token(
            settings, user_id, "refresh", session_id=session_id, token_id=login_session.refresh_jti
        ),
        expires_in=settings.access_token_ttl_seconds,
    )
