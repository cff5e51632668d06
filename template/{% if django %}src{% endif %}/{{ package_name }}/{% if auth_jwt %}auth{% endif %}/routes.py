"""HTTP routes of the auth API: log in, refresh, log out and change the password."""

from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from ..email_verification.tokens import require_verified
from . import service
from .credentials import authenticate, replace_password
from .dependencies import authenticated, current_session, current_user
from .rate_limits import client_address, get_throttle
from .schemas import LoginRequest, PasswordChange, RefreshRequest, TokenPair

router = Router(tags=["auth"])
# Error bodies are problem+json, described in the README; Ninja lists them without a schema.
_ERRORS = {HTTPStatus.UNAUTHORIZED: None, HTTPStatus.TOO_MANY_REQUESTS: None}
_TOKENS = {HTTPStatus.OK: TokenPair, **_ERRORS}
_NO_CONTENT = {HTTPStatus.NO_CONTENT: None, **_ERRORS}


def _no_store(response: HttpResponse) -> None:
    # Tokens must not be kept by browsers or proxies.
    response["Cache-Control"] = "no-store"


# 403: email not verified (REQUIRE_EMAIL_VERIFICATION).
@router.post("/login", summary="Log in", response={**_TOKENS, HTTPStatus.FORBIDDEN: None})
def login(request: HttpRequest, response: HttpResponse, data: LoginRequest) -> TokenPair:
    """Exchange email and password for an access token and a refresh token."""
    # Every attempt counts, successful or not: guessing gets 10 tries per account.
    get_throttle("login").check(account=data.email, client=client_address(request))
    user = authenticate(data.email, data.password)
    require_verified(settings.SERVICE, user.id, user.email_verified_at)
    _no_store(response)
    return service.start_session(settings.SERVICE, user)


@router.post("/refresh", summary="Refresh the tokens", response=_TOKENS)
def refresh(request: HttpRequest, response: HttpResponse, data: RefreshRequest) -> TokenPair:
    """Exchange the current refresh token for a new pair; the old one is spent."""
    _no_store(response)
    return service.refresh(settings.SERVICE, data.refresh_token)


@router.post("/logout", summary="Log out", response=_NO_CONTENT, auth=authenticated)
def logout(request: HttpRequest) -> Status[None]:
    """End this login session: its access and refresh tokens stop working."""
    service.logout(current_session(request))
    return Status(HTTPStatus.NO_CONTENT, None)


@router.post(
    "/password",
    summary="Change the password",
    response={**_NO_CONTENT, HTTPStatus.UNPROCESSABLE_ENTITY: None},
    auth=authenticated,
)
def set_password(request: HttpRequest, data: PasswordChange) -> Status[None]:
    """Change the password; every session of the account ends, so log in again."""
    user = current_user(request)
    get_throttle("login").check(account=user.email, client=client_address(request))
    replace_password(user, data.current_password, data.new_password)
    service.end_all_sessions(user)
    return Status(HTTPStatus.NO_CONTENT, None)
