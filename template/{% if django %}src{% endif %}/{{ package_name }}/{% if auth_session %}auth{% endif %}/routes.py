"""HTTP routes of the auth API: log in and out, the CSRF token, and password changes."""

from http import HTTPStatus

import structlog
from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from ninja import Router, Status

from ..email_verification.tokens import require_verified
from .credentials import authenticate, replace_password
from .dependencies import authenticated, current_user
from .rate_limits import client_address, get_throttle
from .schemas import CsrfToken, LoginRequest, PasswordChange

router = Router(tags=["auth"])
logger = structlog.get_logger(__name__)
# Error bodies are problem+json, described in the README; Ninja lists them without a schema.
_ERRORS = {HTTPStatus.UNAUTHORIZED: None, HTTPStatus.TOO_MANY_REQUESTS: None}
_NO_CONTENT = {HTTPStatus.NO_CONTENT: None, HTTPStatus.FORBIDDEN: None, **_ERRORS}
_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _csrf_token(request: HttpRequest, response: HttpResponse) -> CsrfToken:
    response["Cache-Control"] = "no-store"
    return CsrfToken(csrf_token=get_token(request))


# 403: email not verified (REQUIRE_EMAIL_VERIFICATION).
@router.post(
    "/login",
    summary="Log in",
    response={HTTPStatus.OK: CsrfToken, HTTPStatus.FORBIDDEN: None, **_ERRORS},
)
def login(request: HttpRequest, response: HttpResponse, data: LoginRequest) -> CsrfToken:
    """Check email and password and start a session (cookie); returns its CSRF token."""
    # Every attempt counts, successful or not: guessing gets 10 tries per account.
    get_throttle("login").check(account=data.email, client=client_address(request))
    user = authenticate(data.email, data.password)
    require_verified(settings.SERVICE, user.id, user.email_verified_at)
    # Whatever session the request came with is dropped: a new key and CSRF token, so a
    # key planted before the login (session fixation) is worthless.
    request.session.flush()
    auth.login(request, user, backend=_MODEL_BACKEND)  # sessions.start() sets the clocks
    return _csrf_token(request, response)


@router.get(
    "/csrf",
    summary="The CSRF token",
    response={HTTPStatus.OK: CsrfToken, **_ERRORS},
    auth=authenticated,
)
def csrf(request: HttpRequest, response: HttpResponse) -> CsrfToken:
    """The CSRF token of the current session."""
    return _csrf_token(request, response)


@router.post("/logout", summary="Log out", response=_NO_CONTENT, auth=authenticated)
def logout(request: HttpRequest) -> Status[None]:
    """End the session: it is deleted server-side and the cookie is cleared."""
    logger.info("auth.logout", user_id=str(current_user(request).id))
    auth.logout(request)
    return Status(HTTPStatus.NO_CONTENT, None)


@router.post(
    "/password",
    summary="Change the password",
    response={**_NO_CONTENT, HTTPStatus.UNPROCESSABLE_ENTITY: None},
    auth=authenticated,
)
def set_password(request: HttpRequest, data: PasswordChange) -> Status[None]:
    """Change the password; every session of the account ends (this one too): log in again."""
    user = current_user(request)
    get_throttle("login").check(account=user.email, client=client_address(request))
    replace_password(user, data.current_password, data.new_password)
    # Django ties sessions to the password hash: the other sessions are void from now on.
    auth.logout(request)
    return Status(HTTPStatus.NO_CONTENT, None)
