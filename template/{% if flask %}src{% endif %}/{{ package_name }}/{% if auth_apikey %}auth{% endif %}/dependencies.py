"""The current user, taken from the request's API key (header ``X-API-Key`` only)."""

from typing import Any, cast

import structlog
from flask import g, request

from ..dependencies import get_session
from ..exceptions import AuthenticationError
from ..users.models import User
from . import service
from .rate_limits import client_address, get_throttle

logger = structlog.get_logger(__name__)

API_KEY_HEADER = "X-API-Key"
API_KEY_SCHEME = "ApiKey"
SECURITY_SCHEMES: dict[str, Any] = {
    API_KEY_SCHEME: {
        "type": "apiKey",
        "in": "header",
        "name": API_KEY_HEADER,
        "description": "A key from POST /api/v1/api-keys or the create-api-key command",
    }
}
SECURITY: list[dict[str, list[str]]] = [{API_KEY_SCHEME: []}]


def current_user() -> User:
    """The active owner of the request's API key; a 401 problem otherwise.

    Keys are read from the header only: a key in a URL ends up in logs and histories.
    Failed checks count against the client, successful ones against the key.
    """
    if "current_user" not in g:
        key = request.headers.get(API_KEY_HEADER, "").strip()
        if not key:
            msg = "Authentication is required."
            raise AuthenticationError(msg)
        found = service.authenticate_key(get_session(), key)
        if found is None:
            logger.info("auth.apikey_invalid")
            get_throttle().check(account=None, client=client_address())
            msg = "The API key is invalid or has been revoked."
            raise AuthenticationError(msg)
        record, user = found
        get_throttle().check(account=str(record.id), client=None)
        g.current_user = user
    return cast(User, g.current_user)


def require_user() -> None:
    """A before_request hook for blueprints whose every route needs a user: authentication
    comes before input validation, so anonymous callers learn nothing about the API."""
    current_user()
