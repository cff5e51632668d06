"""Who is calling: the user of the session cookie; writes also need the CSRF token."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie

from ..dependencies import SessionDep, SettingsDep
from ..exceptions import AuthenticationError
from ..users.models import User
from .csrf import CSRF_HEADER, check_csrf
from .models import WebSession
from .service import authenticated


@dataclass(frozen=True)
class Principal:
    """The authenticated caller, its session and the cookie that named it."""

    user: User
    web_session: WebSession
    cookie_value: str


# Declares the cookie in the OpenAPI document, so that clients (and the fuzzer) see which
# operations need a session. The value itself is read by `session_cookie`, under the
# configured name: "session" when SESSION_COOKIE_SECURE is false (plain-HTTP development).
session_scheme = APIKeyCookie(
    name="__Host-session",
    scheme_name="SessionCookie",
    description="Set by POST /api/v1/auth/login; writes also need the X-CSRF-Token header",
    auto_error=False,
)


async def session_cookie(request: Request, settings: SettingsDep) -> str | None:
    return request.cookies.get(settings.session_cookie_name)


SessionCookieDep = Annotated[str | None, Depends(session_cookie)]


async def get_principal(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    cookie: SessionCookieDep,
    _documented: Annotated[str | None, Security(session_scheme)],
) -> Principal:
    if not cookie:
        msg = "Authentication is required: log in first."
        raise AuthenticationError(msg)
    found = await authenticated(session, settings, cookie)
    if found is None:
        msg = "The session has expired or ended: log in again."
        raise AuthenticationError(msg)
    user, web_session = found
    sent = request.headers.get(CSRF_HEADER, "")
    check_csrf(request.method, sent, web_session.csrf_token, user_id=str(user.id))
    return Principal(user=user, web_session=web_session, cookie_value=cookie)


async def get_current_user(principal: Annotated[Principal, Depends(get_principal)]) -> User:
    return principal.user


PrincipalDep = Annotated[Principal, Depends(get_principal)]
CurrentUser = Annotated[User, Depends(get_current_user)]
