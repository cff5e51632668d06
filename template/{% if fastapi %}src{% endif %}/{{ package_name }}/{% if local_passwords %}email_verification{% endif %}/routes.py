"""HTTP routes of email verification: spend a link's token, or ask for a new link."""

from typing import Any

from fastapi import APIRouter, status

from ..auth.schemas import (
    EmailVerificationConfirm,
    EmailVerificationResend,
    EmailVerificationResent,
)
from ..dependencies import ClientDep, PasswordResetThrottleDep, SessionDep, SettingsDep
from . import service

router = APIRouter(prefix="/auth/verify-email", tags=["auth"])
_THROTTLED: dict[int | str, dict[str, Any]] = {
    status.HTTP_429_TOO_MANY_REQUESTS: {"description": "Too many attempts; see Retry-After"}
}


@router.post(
    "",
    summary="Verify the account's email address",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={
        status.HTTP_400_BAD_REQUEST: {"description": "The link is invalid, used or expired"},
        **_THROTTLED,
    },
)
async def verify_email(
    data: EmailVerificationConfirm,
    session: SessionDep,
    throttle: PasswordResetThrottleDep,
    client: ClientDep,
) -> None:
    """Spend the token of the link mailed at registration: the address is verified."""
    await throttle.check(account=None, client=client)  # guessing tokens is per client
    await service.verify(session, data.token)


@router.post(
    "/resend",
    summary="Ask for a new verification link",
    status_code=status.HTTP_202_ACCEPTED,
    responses=_THROTTLED,
)
async def resend_link(
    data: EmailVerificationResend,
    session: SessionDep,
    settings: SettingsDep,
    throttle: PasswordResetThrottleDep,
    client: ClientDep,
) -> EmailVerificationResent:
    """Mail a new link to the address, if it has an account not verified yet.

    The answer is the same either way, so the endpoint cannot tell who has an account.
    Mails to one address are counted with the password-reset mails.
    """
    await throttle.check(account=data.email, client=client)
    await service.resend(session, settings, data.email)
    return EmailVerificationResent()
