"""The current user, taken from the bearer access token and its live login session."""

import uuid
from typing import Any, cast

import structlog
from flask import Flask, current_app, g, request

from ..config import Settings
from ..dependencies import get_session, get_settings, resources
from ..exceptions import AuthenticationError
from ..orm import SAFE_METHODS
from ..users.models import User
from .recent import RecentLogins, forget_on_change
from .service import NOT_AUTHENTICATED, live_session
from .tokens import decode_token

EXTENSION = "recent_logins"
logger = structlog.get_logger(__name__)

# The OpenAPI security scheme of the routes that need an access token.
BEARER_SCHEME = "HTTPBearer"
SECURITY_SCHEMES: dict[str, Any] = {
    BEARER_SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "Access token from POST /api/v1/auth/login",
    }
}
SECURITY: list[dict[str, list[str]]] = [{BEARER_SCHEME: []}]


def init_app(app: Flask, settings: Settings) -> None:
    recent = RecentLogins(settings.auth_cache_seconds)
    forget_on_change(resources(app).engine, recent)
    app.extensions[EXTENSION] = recent


def recent_logins() -> RecentLogins:
    recent: RecentLogins = current_app.extensions[EXTENSION]
    return recent


def _bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        msg = "Authentication is required."
        raise AuthenticationError(msg)
    return token.strip()


def current_user() -> User:
    """The active user of the request's access token; a 401 problem otherwise.

    Besides the signature and claims, the token's login session must still be live: that
    is what makes logout, password changes and refresh-token reuse end access tokens early.
    Reads may trust a check made less than AUTH_CACHE_SECONDS ago (recent.py).
    """
    if "current_user" not in g:
        token = _bearer_token()
        try:
            claims = decode_token(get_settings(), token, "access")
        except AuthenticationError:
            logger.info("auth.token_invalid", reason="undecodable")
            raise
        reads = request.method in SAFE_METHODS
        user = recent_logins().get(claims.session_id, claims.subject) if reads else None
        if user is None:
            found = live_session(get_session(), claims.session_id, claims.subject)
            if found is None:
                logger.info("auth.token_invalid", reason="session_ended")
                raise AuthenticationError(NOT_AUTHENTICATED)
            user = found[1]
            if reads:
                recent_logins().remember(claims.session_id, user)
        g.login_session_id, g.current_user = claims.session_id, user
    return cast(User, g.current_user)


def current_login_session_id() -> uuid.UUID:
    current_user()
    return cast(uuid.UUID, g.login_session_id)


def require_user() -> None:
    """A before_request hook for blueprints whose every route needs a user: authentication
    comes before input validation, so anonymous callers learn nothing about the API."""
    current_user()
