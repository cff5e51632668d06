"""HTTP routes of email verification: spend a link's token, or ask for a new link."""

from http import HTTPStatus

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from ..auth.schemas import (
    EmailVerificationConfirm,
    EmailVerificationResend,
    EmailVerificationResent,
)
from ..dependencies import get_session, get_settings
from ..password_reset.routes import check_mail_attempt
from ..problems import Problem
from ..responses import json_response, no_content
from . import service

blueprint = APIBlueprint(
    "email_verification", __name__, url_prefix="/auth/verify-email", abp_tags=[Tag(name="auth")]
)


@blueprint.post(
    "",
    summary="Verify the account's email address",
    responses={
        HTTPStatus.NO_CONTENT: None,
        HTTPStatus.BAD_REQUEST: Problem,
        HTTPStatus.UNPROCESSABLE_ENTITY: Problem,
        HTTPStatus.TOO_MANY_REQUESTS: Problem,
    },
)
def verify_email(body: EmailVerificationConfirm) -> Response:
    """Spend the token of the link mailed at registration: the address is verified."""
    check_mail_attempt(None)  # guessing tokens is counted per client
    service.verify(get_session(), body.token)
    return no_content()


@blueprint.post(
    "/resend",
    summary="Ask for a new verification link",
    responses={
        HTTPStatus.ACCEPTED: EmailVerificationResent,
        HTTPStatus.UNPROCESSABLE_ENTITY: Problem,
        HTTPStatus.TOO_MANY_REQUESTS: Problem,
    },
)
def resend_link(body: EmailVerificationResend) -> Response:
    """Mail a new link to the address, if it has an account not verified yet.

    The answer is the same either way, so the endpoint cannot tell who has an account.
    Mails to one address are counted with the password-reset mails.
    """
    check_mail_attempt(body.email)
    service.resend(get_session(), get_settings(), body.email)
    return json_response(EmailVerificationResent(), HTTPStatus.ACCEPTED)
