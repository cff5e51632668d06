"""HTTP routes of the auth API: log in and refresh."""

from typing import Any

from fastapi import APIRouter, status

from ..dependencies import SessionDep, SettingsDep
from . import service
from .schemas import LoginRequest, RefreshRequest, TokenPair

router = APIRouter(prefix="/auth", tags=["auth"])
_UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    status.HTTP_401_UNAUTHORIZED: {"description": "Invalid credentials or token"}
}


@router.post("/login", responses=_UNAUTHORIZED)
async def login(data: LoginRequest, session: SessionDep, settings: SettingsDep) -> TokenPair:
    """Exchange email and password for an access token and a refresh token."""
    user = await service.authenticate(session, data.email, data.password)
    return service.issue_pair(settings, user)


@router.post("/refresh", responses=_UNAUTHORIZED)
async def refresh(data: RefreshRequest, session: SessionDep, settings: SettingsDep) -> TokenPair:
    """Exchange a refresh token for a new token pair."""
    return await service.refresh(session, settings, data.refresh_token)
