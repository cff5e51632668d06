"""The current user, taken from the bearer access token."""

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from ..errors import AuthenticationError
from ..users.models import User
from ..users.service import get_user
from .tokens import decode_token


class BearerToken(HttpBearer):
    """Access token from POST /api/v1/auth/login. A missing one is a problem+json 401."""

    openapi_description = "Access token from POST /api/v1/auth/login"

    def authenticate(self, request: HttpRequest, token: str) -> User:
        claims = decode_token(settings.SERVICE, token, "access")
        user = get_user(claims.subject)
        if user is None or not user.is_active:
            msg = "The token is invalid or has expired."
            raise AuthenticationError(msg)
        return user


bearer = BearerToken()


def current_user(request: HttpRequest) -> User:
    """The user that `bearer` authenticated for this request."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user
