"""The current user, taken from the bearer access token."""

from typing import Any, cast

from flask import g, request

from ..dependencies import get_session, get_settings
from ..errors import AuthenticationError
from ..users.models import User
from ..users.service import get_user
from .tokens import decode_token

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
BEARER: list[dict[str, list[str]]] = [{BEARER_SCHEME: []}]


def _bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        msg = "Authentication is required."
        raise AuthenticationError(msg)
    return token.strip()


def current_user() -> User:
    """The active user the request's access token belongs to; a 401 problem otherwise."""
    if "current_user" not in g:
        claims = decode_token(get_settings(), _bearer_token(), "access")
        user = get_user(get_session(), claims.subject)
        if user is None or not user.is_active:
            msg = "The token is invalid or has expired."
            raise AuthenticationError(msg)
        g.current_user = user
    return cast(User, g.current_user)


def require_user() -> None:
    """A before_request hook for blueprints whose every route needs a user: authentication
    comes before input validation, so anonymous callers learn nothing about the API."""
    current_user()
