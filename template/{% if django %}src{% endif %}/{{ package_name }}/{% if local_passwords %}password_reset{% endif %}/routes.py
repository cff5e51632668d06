"""HTTP routes of password reset: ask for a link by mail, then set a new password with it."""

from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Status

from ..auth.rate_limits import client_address, get_throttle
from ..auth.schemas import PasswordResetAccepted, PasswordResetConfirm, PasswordResetRequest
from . import service

router = Router(tags=["auth"])
# Error bodies are problem+json, described in the README; Ninja lists them without a schema.
_ERRORS = {HTTPStatus.UNPROCESSABLE_ENTITY: None, HTTPStatus.TOO_MANY_REQUESTS: None}


@router.post(
    "",
    summary="Ask for a password-reset link",
    response={HTTPStatus.ACCEPTED: PasswordResetAccepted, **_ERRORS},
)
def request_reset(
    request: HttpRequest, data: PasswordResetRequest
) -> Status[PasswordResetAccepted]:
    """Mail a single-use link to the account's address, if there is an account.

    The answer is the same either way, so the endpoint cannot tell who has an account.
    """
    get_throttle("password_reset").check(account=data.email, client=client_address(request))
    service.request_reset(settings.SERVICE, data.email)
    return Status(HTTPStatus.ACCEPTED, PasswordResetAccepted())


@router.post(
    "/confirm",
    summary="Set a new password with a reset link",
    response={HTTPStatus.NO_CONTENT: None, HTTPStatus.BAD_REQUEST: None, **_ERRORS},
)
def confirm_reset(request: HttpRequest, data: PasswordResetConfirm) -> Status[None]:
    """Spend the link's token on a new password; every session of the account ends."""
    # Guessing tokens is counted per client.
    get_throttle("password_reset").check(account=None, client=client_address(request))
    service.confirm_reset(data.token, data.new_password)
    return Status(HTTPStatus.NO_CONTENT, None)
