"""Who is calling: the user of the session cookie; writes also need the CSRF token."""

import hmac
from dataclasses import dataclass
from typing import Annotated

import structlog
from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie

from ..dependencies import SessionDep, SettingsDep
from ..exceptions import AuthenticationError, PermissionDeniedError
from ..messages import CSRF_FAILED
from ..users.models import User
from .models import WebSession
from .service import authenticated

logger = structlog.get_logger(__name__)

CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
    # A cookie rides along on cross-site requests too: a write must also prove it comes
    # from our own pages, by echoing the token only they could read.
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), web_session.csrf_token.encode()):
            logger.warning("auth.csrf_failed", user_id=str(user.id), method=request.method)
            raise PermissionDeniedError(CSRF_FAILED)
    return Principal(user=user, web_session=web_session, cookie_value=cookie)


async def get_current_user(principal: Annotated[Principal, Depends(get_principal)]) -> User:
    return principal.user


PrincipalDep = Annotated[Principal, Depends(get_principal)]
CurrentUser = Annotated[User, Depends(get_current_user)]
