"""HTTP routes of the session API: log in, get the CSRF token, log out, change the password."""

from typing import Any

from fastapi import APIRouter, Depends, Response, status

from ..config import Settings
from ..dependencies import ClientDep, LoginThrottleDep, SessionDep, SettingsDep
from . import service
from .dependencies import PrincipalDep, SessionCookieDep
from .schemas import CsrfToken, LoginRequest, PasswordChange

router = APIRouter(prefix="/auth", tags=["auth"])
_UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    status.HTTP_401_UNAUTHORIZED: {"description": "Invalid credentials or no live session"}
}
_THROTTLED: dict[int | str, dict[str, Any]] = {
    status.HTTP_429_TOO_MANY_REQUESTS: {"description": "Too many attempts; see Retry-After"}
}
_UNVERIFIED: dict[int | str, dict[str, Any]] = {
    status.HTTP_403_FORBIDDEN: {"description": "Email not verified (REQUIRE_EMAIL_VERIFICATION)"}
}
_CSRF: dict[int | str, dict[str, Any]] = {
    status.HTTP_403_FORBIDDEN: {"description": "The X-CSRF-Token header is missing or wrong"}
}


async def no_store(response: Response) -> None:
    """Responses that carry credentials must not be kept by any cache."""
    response.headers["Cache-Control"] = "no-store"


def _clear_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        settings.session_cookie_name,
        path="/",
        secure=settings.session_cookie_secure,
        httponly=True,
        samesite="lax",
    )


@router.post(
    "/login",
    summary="Log in",
    responses=_UNAUTHORIZED | _UNVERIFIED | _THROTTLED,
    dependencies=[Depends(no_store)],
)
async def login(  # noqa: PLR0913  (FastAPI injects each of these)
    *,
    data: LoginRequest,
    session: SessionDep,
    settings: SettingsDep,
    throttle: LoginThrottleDep,
    client: ClientDep,
    previous_cookie: SessionCookieDep,
    response: Response,
) -> CsrfToken:
    """Open a session: the cookie is set, and the CSRF token for writes is returned."""
    # Counted before the check, successful or not: after the limit even the right password
    # is refused, so the limit really bounds the number of guesses.
    await throttle.check(account=data.email, client=client)
    new = await service.start_session(session, settings, data.email, data.password, previous_cookie)
    response.set_cookie(
        settings.session_cookie_name,
        new.cookie_value,
        max_age=settings.session_lifetime_seconds,
        path="/",
        secure=settings.session_cookie_secure,
        httponly=True,  # page scripts never see it, so an XSS cannot steal it
        samesite="lax",
    )
    return CsrfToken(csrf_token=new.csrf_token)


@router.get(
    "/csrf", summary="The CSRF token", responses=_UNAUTHORIZED, dependencies=[Depends(no_store)]
)
async def csrf_token(principal: PrincipalDep) -> CsrfToken:
    """The CSRF token of the current session (for pages loaded after the login)."""
    return CsrfToken(csrf_token=principal.web_session.csrf_token)


@router.post(
    "/logout",
    summary="Log out",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_UNAUTHORIZED | _CSRF,
)
async def logout(
    principal: PrincipalDep, session: SessionDep, settings: SettingsDep, response: Response
) -> None:
    """End the session on the server and clear the cookie."""
    await service.logout(session, principal.user, principal.cookie_value)
    _clear_cookie(response, settings)


@router.post(
    "/password",
    summary="Change the password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_UNAUTHORIZED | _CSRF | _THROTTLED,
)
async def change_password(  # noqa: PLR0913  (FastAPI injects each of these)
    *,
    data: PasswordChange,
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    throttle: LoginThrottleDep,
    client: ClientDep,
    response: Response,
) -> None:
    """Replace the password; every session of the account ends, this one included."""
    # Throttled like login: a hijacked session must not become a password oracle.
    await throttle.check(account=principal.user.email, client=client)
    await service.change_password(session, principal.user, data.current_password, data.new_password)
    _clear_cookie(response, settings)
