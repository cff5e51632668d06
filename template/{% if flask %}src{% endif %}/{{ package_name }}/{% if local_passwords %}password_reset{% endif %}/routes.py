"""HTTP routes of password reset: ask for a link by mail, then set a new password with it."""

from http import HTTPStatus
from typing import cast

from flask import Flask, Response, current_app
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from ..auth.rate_limits import client_address
from ..auth.schemas import PasswordResetAccepted, PasswordResetConfirm, PasswordResetRequest
from ..auth.throttle import Throttle
from ..config import Settings
from ..dependencies import get_session, get_settings
from ..problems import Problem
from ..responses import json_response, no_content
from . import service

blueprint = APIBlueprint(
    "password_reset", __name__, url_prefix="/auth/password-reset", abp_tags=[Tag(name="auth")]
)
EXTENSION = "password_reset_throttle"


def init_app(app: Flask, settings: Settings) -> None:
    # Reset mails: few per address, since each one lands in an inbox. Its 429 is the one
    # rate_limits.py registers.
    app.extensions[EXTENSION] = Throttle(
        settings.rate_limit_storage_url,
        name="password_reset",
        per_account=settings.password_reset_rate_limit_per_account,
        per_client=settings.auth_rate_limit_per_client,
    )


def check_mail_attempt(account: str | None) -> None:
    """Count an attempt at the throttle of mailed links (reset and verification)."""
    throttle = cast(Throttle, current_app.extensions[EXTENSION])
    throttle.check(account=account, client=client_address())


@blueprint.post(
    "",
    summary="Ask for a password-reset link",
    responses={
        HTTPStatus.ACCEPTED: PasswordResetAccepted,
        HTTPStatus.UNPROCESSABLE_ENTITY: Problem,
        HTTPStatus.TOO_MANY_REQUESTS: Problem,
    },
)
def request_reset(body: PasswordResetRequest) -> Response:
    """Mail a single-use link to the account's address, if there is an account.

    The answer is the same either way, so the endpoint cannot tell who has an account.
    """
    check_mail_attempt(body.email)
    service.request_reset(get_session(), get_settings(), body.email)
    return json_response(PasswordResetAccepted(), HTTPStatus.ACCEPTED)


@blueprint.post(
    "/confirm",
    summary="Set a new password with a reset link",
    responses={
        HTTPStatus.NO_CONTENT: None,
        HTTPStatus.BAD_REQUEST: Problem,
        HTTPStatus.UNPROCESSABLE_ENTITY: Problem,
        HTTPStatus.TOO_MANY_REQUESTS: Problem,
    },
)
def confirm_reset(body: PasswordResetConfirm) -> Response:
    """Spend the link's token on a new password; every session of the account ends."""
    check_mail_attempt(None)  # guessing tokens is counted per client
    service.confirm_reset(get_session(), body.token, body.new_password)
    return no_content()
