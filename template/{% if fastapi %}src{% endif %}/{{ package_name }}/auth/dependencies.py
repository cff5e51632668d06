"""The current user, taken from the bearer access token."""

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..dependencies import SessionDep, SettingsDep
from ..errors import AuthenticationError
from ..users.models import User
from ..users.service import get_user
from .tokens import decode_token

# auto_error=False: a missing header becomes our problem+json 401, not FastAPI's plain 403.
bearer = HTTPBearer(auto_error=False, description="Access token from POST /api/v1/auth/login")


async def get_current_user(
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    if credentials is None:
        msg = "Authentication is required."
        raise AuthenticationError(msg)
    claims = decode_token(settings, credentials.credentials, "access")
    user = await get_user(session, claims.subject)
    if user is None or not user.is_active:
        msg = "The token is invalid or has expired."
        raise AuthenticationError(msg)
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
