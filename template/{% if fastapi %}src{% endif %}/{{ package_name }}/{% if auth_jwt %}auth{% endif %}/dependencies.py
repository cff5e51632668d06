"""Who is calling: the user of a live login session, from the bearer access token."""

import uuid
from dataclasses import dataclass
from typing import Annotated

import structlog
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..config import Settings
from ..dependencies import SessionDep
from ..exceptions import AuthenticationError
from ..orm import SAFE_METHODS
from ..users.models import User
from .recent import RecentLogins
from .service import INVALID_TOKEN, authenticated_user
from .tokens import decode_token

logger = structlog.get_logger(__name__)

# auto_error=False: a missing header becomes our problem+json 401, not FastAPI's plain 403.
bearer = HTTPBearer(auto_error=False, description="Access token from POST /api/v1/auth/login")


@dataclass(frozen=True)
class Principal:
    """The authenticated caller and the login session its token belongs to."""

    user: User
    session_id: uuid.UUID


async def get_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None:
        msg = "Authentication is required."
        raise AuthenticationError(msg)
    # Read from the app's state here, not as two more dependencies: every authenticated
    # request resolves this, and each dependency FastAPI solves costs ~15-30 µs of CPU.
    state = request.app.state
    settings: Settings = state.settings
    recent: RecentLogins = state.recent_logins
    try:
        claims = decode_token(settings, credentials.credentials, "access")
    except AuthenticationError:
        logger.info("auth.token_invalid", kind="access")
        raise
    # A valid signature is not enough: the session may have been revoked since. Reads may
    # trust a check made less than AUTH_CACHE_SECONDS ago (recent.py).
    reads = request.method in SAFE_METHODS
    user = recent.get(claims.session_id, claims.subject) if reads else None
    if user is None:
        user = await authenticated_user(session, claims)
        if user is None:
            logger.info("auth.token_invalid", kind="access", session_id=str(claims.session_id))
            raise AuthenticationError(INVALID_TOKEN)
        if reads:
            recent.remember(claims.session_id, user)
    return Principal(user=user, session_id=claims.session_id)


async def get_current_user(principal: Annotated[Principal, Depends(get_principal)]) -> User:
    return principal.user


PrincipalDep = Annotated[Principal, Depends(get_principal)]
CurrentUser = Annotated[User, Depends(get_current_user)]
