"""HTTP routes of the auth API: log in, refresh, log out, change the password."""

from http import HTTPStatus

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from flask_openapi3.types import ResponseDict

from ..dependencies import get_session, get_settings
from ..problems import Problem
from ..responses import json_response, no_content
from . import service
from .dependencies import SECURITY, current_login_session_id, current_user
from .rate_limits import check_attempt
from .schemas import LoginRequest, PasswordChange, RefreshRequest, TokenPair

blueprint = APIBlueprint("auth", __name__, url_prefix="/auth", abp_tags=[Tag(name="auth")])
_TOKENS: ResponseDict = {
    HTTPStatus.OK: TokenPair,
    HTTPStatus.UNAUTHORIZED: Problem,
    HTTPStatus.UNPROCESSABLE_ENTITY: Problem,
}


def _no_store(response: Response) -> Response:
    # Tokens must not linger in a browser or proxy cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post(
    "/login",
    summary="Log in",
    responses={
        **_TOKENS,
        HTTPStatus.FORBIDDEN: Problem,  # email not verified (REQUIRE_EMAIL_VERIFICATION)
        HTTPStatus.TOO_MANY_REQUESTS: Problem,
    },
)
def login(body: LoginRequest) -> Response:
    """Exchange email and password for an access token and a refresh token."""
    check_attempt(body.email)
    pair = service.start_session(get_session(), get_settings(), body.email, body.password)
    return _no_store(json_response(pair))


@blueprint.post("/refresh", summary="Refresh the tokens", responses=_TOKENS)
def refresh(body: RefreshRequest) -> Response:
    """Exchange the refresh token for a new pair; the old refresh token is spent."""
    pair = service.refresh(get_session(), get_settings(), body.refresh_token)
    return _no_store(json_response(pair))


@blueprint.post(
    "/logout",
    summary="Log out",
    security=SECURITY,
    responses={HTTPStatus.NO_CONTENT: None, HTTPStatus.UNAUTHORIZED: Problem},
)
def logout() -> Response:
    """End this login session: its access and refresh tokens stop working."""
    service.logout(get_session(), current_login_session_id(), current_user().id)
    return no_content()


@blueprint.post(
    "/password",
    summary="Change the password",
    security=SECURITY,
    responses={
        HTTPStatus.NO_CONTENT: None,
        HTTPStatus.UNAUTHORIZED: Problem,
        HTTPStatus.UNPROCESSABLE_ENTITY: Problem,
        HTTPStatus.TOO_MANY_REQUESTS: Problem,
    },
)
def change_password(body: PasswordChange) -> Response:
    """Set a new password and end every login session of the account: log in again."""
    user = current_user()
    check_attempt(user.email)
    service.change_password(get_session(), user, body.current_password, body.new_password)
    return no_content()
