"""HTTP routes of password reset: ask for a link by mail, then set a new password with it."""

from typing import Any

from fastapi import APIRouter, status

from ..auth.schemas import PasswordResetAccepted, PasswordResetConfirm, PasswordResetRequest
from ..dependencies import ClientDep, PasswordResetThrottleDep, SessionDep, SettingsDep
from . import service

router = APIRouter(prefix="/auth/password-reset", tags=["auth"])
_THROTTLED: dict[int | str, dict[str, Any]] = {
    status.HTTP_429_TOO_MANY_REQUESTS: {"description": "Too many attempts; see Retry-After"}
}


@router.post(
    "",
    summary="Ask for a password-reset link",
    status_code=status.HTTP_202_ACCEPTED,
    responses=_THROTTLED,
)
async def request_reset(
    data: PasswordResetRequest,
    session: SessionDep,
    settings: SettingsDep,
    throttle: PasswordResetThrottleDep,
    client: ClientDep,
) -> PasswordResetAccepted:
    """Mail a single-use link to the account's address, if there is an account.

    The answer is the same either way, so the endpoint cannot tell who has an account.
    """
    await throttle.check(account=data.email, client=client)
    await service.request_reset(session, settings, data.email)
    return PasswordResetAccepted()


@router.post(
    "/confirm",
    summary="Set a new password with a reset link",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={
        status.HTTP_400_BAD_REQUEST: {"description": "The link is invalid, used or expired"},
        **_THROTTLED,
    },
)
async def confirm_reset(
    data: PasswordResetConfirm,
    session: SessionDep,
    throttle: PasswordResetThrottleDep,
    client: ClientDep,
) -> None:
    """Spend the link's token on a new password; every session of the account ends."""
    await throttle.check(account=None, client=client)  # guessing tokens is per client
    await service.confirm_reset(session, data.token, data.new_password)
