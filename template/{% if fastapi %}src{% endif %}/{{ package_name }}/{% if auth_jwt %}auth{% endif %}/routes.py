"""HTTP routes of the auth API: log in, refresh, log out, change the password."""

from typing import Any

from fastapi import APIRouter, Depends, Response, status

from ..dependencies import ClientDep, LoginThrottleDep, SessionDep, SettingsDep
from . import service
from .dependencies import CurrentUser, PrincipalDep
from .schemas import LoginRequest, PasswordChange, RefreshRequest, TokenPair

router = APIRouter(prefix="/auth", tags=["auth"])
_UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    status.HTTP_401_UNAUTHORIZED: {"description": "Invalid credentials or token"}
}
_THROTTLED: dict[int | str, dict[str, Any]] = {
    status.HTTP_429_TOO_MANY_REQUESTS: {"description": "Too many attempts; see Retry-After"}
}
_UNVERIFIED: dict[int | str, dict[str, Any]] = {
    status.HTTP_403_FORBIDDEN: {"description": "Email not verified (REQUIRE_EMAIL_VERIFICATION)"}
}


async def no_store(response: Response) -> None:
    """Responses that carry credentials must not be kept by any cache."""
    response.headers["Cache-Control"] = "no-store"


@router.post(
    "/login",
    summary="Log in",
    responses=_UNAUTHORIZED | _UNVERIFIED | _THROTTLED,
    dependencies=[Depends(no_store)],
)
async def login(
    data: LoginRequest,
    session: SessionDep,
    settings: SettingsDep,
    throttle: LoginThrottleDep,
    client: ClientDep,
) -> TokenPair:
    """Exchange email and password for an access token and a refresh token."""
    # Counted before the check, successful or not: after the limit even the right password
    # is refused, so the limit really bounds the number of guesses.
    await throttle.check(account=data.email, client=client)
    return await service.start_session(session, settings, data.email, data.password)


@router.post(
    "/refresh",
    summary="Refresh the tokens",
    responses=_UNAUTHORIZED,
    dependencies=[Depends(no_store)],
)
async def refresh(data: RefreshRequest, session: SessionDep, settings: SettingsDep) -> TokenPair:
    """Spend the refresh token for a new pair; a token used twice ends the login session."""
    return await service.refresh(session, settings, data.refresh_token)


@router.post(
    "/logout", summary="Log out", status_code=status.HTTP_204_NO_CONTENT, responses=_UNAUTHORIZED
)
async def logout(principal: PrincipalDep, session: SessionDep) -> None:
    """End the login session of the access token; its refresh token stops working too."""
    await service.logout(session, principal.user, principal.session_id)


@router.post(
    "/password",
    summary="Change the password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_UNAUTHORIZED | _THROTTLED,
)
async def change_password(
    data: PasswordChange,
    user: CurrentUser,
    session: SessionDep,
    throttle: LoginThrottleDep,
    client: ClientDep,
) -> None:
    """Replace the password; every login session of the account ends, this one included."""
    # Throttled like login: a stolen access token must not become a password oracle.
    await throttle.check(account=user.email, client=client)
    await service.change_password(session, user, data.current_password, data.new_password)
