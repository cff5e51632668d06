"""The current user, taken from the session cookie; CSRF checks for unsafe methods."""

from typing import Any, cast

import structlog
from flask import g, request

from ..dependencies import get_session, get_settings
from ..exceptions import AuthenticationError
from ..users.models import User
from .csrf import CSRF_HEADER, check_csrf
from .models import WebSession
from .service import live_session

logger = structlog.get_logger(__name__)

SESSION_SCHEME = "SessionCookie"
SECURITY_SCHEMES: dict[str, Any] = {
    SESSION_SCHEME: {
        "type": "apiKey",
        "in": "cookie",
        # Named "session" when SESSION_COOKIE_SECURE is false (plain-HTTP development).
        "name": "__Host-session",
        "description": "Set by POST /api/v1/auth/login; writes also need the X-CSRF-Token header",
    }
}
SECURITY: list[dict[str, list[str]]] = [{SESSION_SCHEME: []}]


def session_cookie() -> str | None:
    return request.cookies.get(get_settings().session_cookie_name) or None


def current_web_session() -> WebSession:
    """The request's live session; a 401 without one, a 403 for a write without its CSRF
    token (a cross-site form or script sends the cookie, but cannot read the token)."""
    if "web_session" not in g:
        cookie = session_cookie()
        if cookie is None:
            msg = "Authentication is required."
            raise AuthenticationError(msg)
        found = live_session(get_session(), get_settings(), cookie)
        if found is None:
            logger.info("auth.token_invalid", reason="session_ended")
            msg = "The session has expired; log in again."
            raise AuthenticationError(msg)
        web_session, user = found
        sent = request.headers.get(CSRF_HEADER, "")
        check_csrf(request.method, sent, web_session.csrf_token, user_id=str(user.id))
        g.web_session, g.current_user = web_session, user
    return cast(WebSession, g.web_session)


def current_user() -> User:
    current_web_session()
    return cast(User, g.current_user)


def require_user() -> None:
    """A before_request hook for blueprints whose every route needs a user: authentication
    (and the CSRF check) come before input validation."""
    current_user()
