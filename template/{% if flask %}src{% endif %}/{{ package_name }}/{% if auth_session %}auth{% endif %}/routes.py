"""HTTP routes of the auth API: log in (sets the session cookie), CSRF token, log out,
change the password."""

from http import HTTPStatus

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from ..config import Settings
from ..dependencies import get_session, get_settings
from ..problems import Problem
from ..responses import json_response, no_content
from . import service
from .dependencies import SECURITY, current_user, current_web_session, session_cookie
from .rate_limits import check_attempt
from .schemas import CsrfToken, LoginRequest, PasswordChange

blueprint = APIBlueprint("auth", __name__, url_prefix="/auth", abp_tags=[Tag(name="auth")])


def _csrf_response(csrf_token: str) -> Response:
    response = json_response(CsrfToken(csrf_token=csrf_token))
    response.headers["Cache-Control"] = "no-store"
    return response


def _clear_cookie(response: Response, settings: Settings) -> Response:
    response.delete_cookie(
        settings.session_cookie_name,
        path="/",
        secure=settings.session_cookie_secure,
        httponly=True,
        samesite="Lax",
    )
    return response


@blueprint.post(
    "/login",
    summary="Log in",
    responses={
        HTTPStatus.OK: CsrfToken,
        HTTPStatus.UNAUTHORIZED: Problem,
        HTTPStatus.FORBIDDEN: Problem,  # email not verified (REQUIRE_EMAIL_VERIFICATION)
        HTTPStatus.UNPROCESSABLE_ENTITY: Problem,
        HTTPStatus.TOO_MANY_REQUESTS: Problem,
    },
)
def login(body: LoginRequest) -> Response:
    """Log in: a new session cookie, and the CSRF token that writes must send back."""
    check_attempt(body.email)
    settings = get_settings()
    new = service.start_session(
        get_session(), settings, body.email, body.password, session_cookie()
    )
    response = _csrf_response(new.csrf_token)
    # __Host- (when Secure): this host only, Path=/, no Domain. Lax: not sent on
    # cross-site subrequests or form posts. HttpOnly: out of reach of page scripts.
    response.set_cookie(
        settings.session_cookie_name,
        new.cookie,
        max_age=settings.session_lifetime_seconds,
        path="/",
        secure=settings.session_cookie_secure,
        httponly=True,
        samesite="Lax",
    )
    return response


@blueprint.get(
    "/csrf",
    summary="The CSRF token",
    security=SECURITY,
    responses={HTTPStatus.OK: CsrfToken, HTTPStatus.UNAUTHORIZED: Problem},
)
def csrf_token() -> Response:
    """The CSRF token of the current session (after a page reload, say)."""
    return _csrf_response(current_web_session().csrf_token)


@blueprint.post(
    "/logout",
    summary="Log out",
    security=SECURITY,
    responses={
        HTTPStatus.NO_CONTENT: None,
        HTTPStatus.UNAUTHORIZED: Problem,
        HTTPStatus.FORBIDDEN: Problem,
    },
)
def logout() -> Response:
    """End the session: deleted on the server, the cookie cleared."""
    service.logout(get_session(), current_web_session())
    return _clear_cookie(no_content(), get_settings())


@blueprint.post(
    "/password",
    summary="Change the password",
    security=SECURITY,
    responses={
        HTTPStatus.NO_CONTENT: None,
        HTTPStatus.UNAUTHORIZED: Problem,
        HTTPStatus.FORBIDDEN: Problem,
        HTTPStatus.UNPROCESSABLE_ENTITY: Problem,
        HTTPStatus.TOO_MANY_REQUESTS: Problem,
    },
)
def change_password(body: PasswordChange) -> Response:
    """Set a new password and end every session of the account, this one too: log in again."""
    user = current_user()
    check_attempt(user.email)
    service.change_password(get_session(), user, body.current_password, body.new_password)
    return _clear_cookie(no_content(), get_settings())
