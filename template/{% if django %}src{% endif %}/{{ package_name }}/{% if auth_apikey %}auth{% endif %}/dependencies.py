"""The current user, taken from the X-API-Key header."""

import structlog
from django.http import HttpRequest
from ninja.security import APIKeyHeader

from ..exceptions import AuthenticationError
from ..users.models import ApiKey, User
from .rate_limits import client_address, get_throttle
from .service import KEY_PREFIX, PREFIX_LENGTH, authenticate_key

logger = structlog.get_logger(__name__)
INVALID_KEY = "The API key is invalid or has been revoked."
# Far longer than any key: a bigger header is not a key and is not hashed.
KEY_MAX_LENGTH = 256


class ApiKeyHeader(APIKeyHeader):
    """An API key from POST /api/v1/api-keys, in the X-API-Key header only.

    A key in the query string is never read: URLs end up in logs and browser history.
    """

    param_name = "X-API-Key"
    openapi_description = "API key from POST /api/v1/api-keys (or manage.py create_api_key)"

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey:
        if not key:
            msg = "An API key is required (header X-API-Key)."
            raise AuthenticationError(msg)
        api_key = authenticate_key(key) if len(key) <= KEY_MAX_LENGTH else None
        if api_key is None:
            # Guessing is limited per client: a few failures, then 429 for a while.
            get_throttle("apikey").check(account=None, client=client_address(request))
            prefix = key[len(KEY_PREFIX) :][:PREFIX_LENGTH] if key.startswith(KEY_PREFIX) else None
            logger.info("auth.apikey_invalid", prefix=prefix)
            raise AuthenticationError(INVALID_KEY)
        # Every request of one key counts against its own budget.
        get_throttle("apikey").check(account=str(api_key.id), client=None)
        return api_key


authenticated = ApiKeyHeader()


def current_api_key(request: HttpRequest) -> ApiKey:
    """The key that `authenticated` checked for this request."""
    api_key: ApiKey = request.auth  # type: ignore[attr-defined]
    return api_key


def current_user(request: HttpRequest) -> User:
    """The user whose key `authenticated` checked for this request."""
    return current_api_key(request).user
