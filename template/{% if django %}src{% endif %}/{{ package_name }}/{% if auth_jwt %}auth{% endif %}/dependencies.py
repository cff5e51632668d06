"""The current user, taken from the bearer access token and its login session."""

import structlog
from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from ..exceptions import AuthenticationError
from ..users.models import LoginSession, User
from .recent import recent_logins
from .service import INVALID_TOKEN, live_session
from .tokens import decode_token

logger = structlog.get_logger(__name__)
# The requests that may use the login cache: reads, which change nothing.
READS = frozenset({"GET", "HEAD"})


class BearerToken(HttpBearer):
    """Access token from POST /api/v1/auth/login. A missing one is a problem+json 401."""

    openapi_description = "Access token from POST /api/v1/auth/login"

    def authenticate(self, request: HttpRequest, token: str) -> LoginSession:
        try:
            claims = decode_token(settings.SERVICE, token, "access")
        except AuthenticationError as exc:
            # The cause's class name (ExpiredSignatureError, ...) and never the token.
            reason = type(exc.__cause__).__name__
            logger.info("auth.token_invalid", kind="access", reason=reason)
            raise
        # One indexed look-up: logout, password change and deactivation apply at once. Reads
        # may trust a check made less than AUTH_CACHE_SECONDS ago (login_cache.py).
        reads = request.method in READS
        session = recent_logins().get(claims.session_id, claims.subject) if reads else None
        if session is None:
            session = live_session(claims)
            if session is None:
                logger.info("auth.token_invalid", kind="access", reason="session_ended")
                raise AuthenticationError(INVALID_TOKEN)
            if reads:
                recent_logins().remember(claims.session_id, session)
        return session


authenticated = BearerToken()


def current_session(request: HttpRequest) -> LoginSession:
    """The login session that `authenticated` checked for this request."""
    session: LoginSession = request.auth  # type: ignore[attr-defined]
    return session


def current_user(request: HttpRequest) -> User:
    """The user that `authenticated` checked for this request."""
    return current_session(request).user
