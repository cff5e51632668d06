"""The current user, taken from the bearer access token and its live login session."""

import uuid
from typing import Any, cast

import structlog
from flask import g, request

from ..dependencies import get_session, get_settings
from ..exceptions import AuthenticationError
from ..users.models import User
from .service import NOT_AUTHENTICATED, live_session
from .tokens import decode_token

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
    """
    if "current_user" not in g:
        token = _bearer_token()
        try:
            claims = decode_token(get_settings(), token, "access")
        except AuthenticationError:
            logger.info("auth.token_invalid", reason="undecodable")
            raise
        found = live_session(get_session(), claims.session_id, claims.subject)
        if found is None:
            logger.info("auth.token_invalid", reason="session_ended")
            raise AuthenticationError(NOT_AUTHENTICATED)
        g.login_session_id, g.current_user = found[0].id, found[1]
    return cast(User, g.current_user)


def current_login_session_id() -> uuid.UUID:
    current_user()
    return cast(uuid.UUID, g.login_session_id)


def require_user() -> None:
    """A before_request hook for blueprints whose every route needs a user: authentication
    comes before input validation, so anonymous callers learn nothing about the API."""
    current_user()
