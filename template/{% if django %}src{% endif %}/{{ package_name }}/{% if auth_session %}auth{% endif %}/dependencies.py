"""The current user, taken from the session cookie; unsafe methods need the CSRF token too."""

from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie

from ..exceptions import PermissionDeniedError
from ..messages import CSRF_FAILED
from ..users.models import User


class SessionCookie(APIKeyCookie):
    """The session cookie set by POST /api/v1/auth/login.

    On POST, PUT, PATCH and DELETE, Django's CSRF check also wants the X-CSRF-Token header
    (the token login and GET /api/v1/auth/csrf return): a page on another site can make the
    browser send the cookie, but cannot read the token.
    """

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = (
        "Session cookie from POST /api/v1/auth/login; unsafe methods also need X-CSRF-Token"
    )

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None  # a 401: without a session there is nothing to forge
        try:
            return super()._get_key(request)  # CSRF check on unsafe methods: a 403
        except HttpError as exc:
            # Ninja drops the CSRF_FAILURE_VIEW's answer (it still logs) for a bare 403.
            if exc.status_code != HTTPStatus.FORBIDDEN:
                raise
            raise PermissionDeniedError(CSRF_FAILED) from None

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


authenticated = SessionCookie()


def current_user(request: HttpRequest) -> User:
    """The user whose session `authenticated` checked for this request."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user
