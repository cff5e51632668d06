"""Login sessions of JWT clients: opened, refreshed (rotated) and revoked."""

from datetime import datetime

import structlog
from django.db import models, transaction
from django.utils import timezone

from ..config import Settings
from ..exceptions import AuthenticationError
from ..prepared import Param, PreparedQuery, columns, instance
from ..users.models import LoginSession, User
from .schemas import TokenPair
from .tokens import TokenClaims, decode_token, issue_token, new_token_id

logger = structlog.get_logger(__name__)
INVALID_TOKEN = "The token is invalid or has expired."  # noqa: S105  (a message, not a secret)


def start_session(settings: Settings, user: User) -> TokenPair:
    """Open a login session for the user and issue its first token pair."""
    now = timezone.now()
    session = LoginSession.objects.create(
        user=user, refresh_jti=new_token_id(), expires_at=now + settings.refresh_token_ttl
    )
    return _issue_pair(settings, session, now)


# Every authenticated request runs it: compiled once (prepared.py), not per request.
_LIVE_SESSION = PreparedQuery(
    lambda: LoginSession.objects.filter(
        pk=Param("session_id", models.UUIDField()),
        user_id=Param("user_id", models.UUIDField()),
        revoked_at__isnull=True,
        expires_at__gt=Param("now", models.DateTimeField()),
        user__is_active=True,
    ).values(*columns(LoginSession), *columns(User, "user__"))
)


def live_session(claims: TokenClaims) -> LoginSession | None:
    """The token's login session with its user, if neither was revoked nor has expired."""
    rows = _LIVE_SESSION.rows(
        session_id=claims.session_id, user_id=claims.subject, now=timezone.now()
    )
    if not rows:
        return None
    session = instance(LoginSession, rows[0])
    session.user = instance(User, rows[0], "user__")
    return session


def refresh(settings: Settings, refresh_token: str) -> TokenPair:
    """Rotate: a new pair for the session's current refresh token, which is then spent.

    A refresh token that was already spent means two parties hold the session's tokens
    (one of them stole them): the whole session is revoked.
    """
    claims = decode_token(settings, refresh_token, "refresh")
    now = timezone.now()
    with transaction.atomic():
        # Locked, so two concurrent refreshes with one token cannot both succeed.
        session = (
            LoginSession.objects.select_for_update()
            .filter(pk=claims.session_id, user_id=claims.subject)
            .first()
        )
        usable = (
            session is not None
            and session.revoked_at is None
            and session.expires_at > now
            and session.user.is_active
        )
        if session is not None and usable and session.refresh_jti == claims.token_id:
            session.refresh_jti = new_token_id()
            session.save(update_fields=["refresh_jti"])
            return _issue_pair(settings, session, now)
        reused = session is not None and usable
        if reused:
            _revoke(LoginSession.objects.filter(pk=claims.session_id), now)
    # Outside the transaction: the revocation above is committed before the 401.
    if reused:
        logger.warning(
            "auth.refresh_reused", user_id=str(claims.subject), session_id=str(claims.session_id)
        )
    else:
        logger.info("auth.token_invalid", kind="refresh", reason="session_ended")
    raise AuthenticationError(INVALID_TOKEN)


def logout(session: LoginSession) -> None:
    """Revoke the session: its access and refresh tokens stop working at once."""
    _revoke(LoginSession.objects.filter(pk=session.pk), timezone.now())
    logger.info("auth.logout", user_id=str(session.user_id), session_id=str(session.pk))


def end_all_sessions(user: User) -> None:
    """Revoke every session of the user (after a password change)."""
    _revoke(LoginSession.objects.filter(user=user), timezone.now())


def _revoke(sessions: models.QuerySet[LoginSession], now: datetime) -> None:
    sessions.filter(revoked_at__isnull=True).update(revoked_at=now)


def _issue_pair(settings: Settings, session: LoginSession, now: datetime) -> TokenPair:
    user_id = session.user_id
    return TokenPair(
        access_token=issue_token(settings, user_id, "access", session_id=session.id, now=now),
        refresh_token=issue_token(
            settings,
            user_id,
            "refresh",
            session_id=session.id,
            token_id=session.refresh_jti,
            now=now,
        ),
        expires_in=settings.access_token_ttl_seconds,
    )
