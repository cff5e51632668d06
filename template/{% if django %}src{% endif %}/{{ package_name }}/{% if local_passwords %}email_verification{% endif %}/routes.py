"""HTTP routes of email verification: spend a link's token, or ask for a new link."""

from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Status

from ..auth.rate_limits import client_address, get_throttle
from ..auth.schemas import (
    EmailVerificationConfirm,
    EmailVerificationResend,
    EmailVerificationResent,
)
from . import service

router = Router(tags=["auth"])
# Error bodies are problem+json, described in the README; Ninja lists them without a schema.
_ERRORS = {HTTPStatus.UNPROCESSABLE_ENTITY: None, HTTPStatus.TOO_MANY_REQUESTS: None}


@router.post(
    "",
    summary="Verify the account's email address",
    response={HTTPStatus.NO_CONTENT: None, HTTPStatus.BAD_REQUEST: None, **_ERRORS},
)
def verify_email(request: HttpRequest, data: EmailVerificationConfirm) -> Status[None]:
    """Spend the token of the link mailed at registration: the address is verified."""
    # Guessing tokens is counted per client.
    get_throttle("password_reset").check(account=None, client=client_address(request))
    service.verify(data.token)
    return Status(HTTPStatus.NO_CONTENT, None)


@router.post(
    "/resend",
    summary="Ask for a new verification link",
    response={HTTPStatus.ACCEPTED: EmailVerificationResent, **_ERRORS},
)
def resend_link(
    request: HttpRequest, data: EmailVerificationResend
) -> Status[EmailVerificationResent]:
    """Mail a new link to the address, if it has an account not verified yet.

    The answer is the same either way, so the endpoint cannot tell who has an account.
    Mails to one address are counted with the password-reset mails.
    """
    get_throttle("password_reset").check(account=data.email, client=client_address(request))
    service.resend(settings.SERVICE, data.email)
    return Status(HTTPStatus.ACCEPTED, EmailVerificationResent())
