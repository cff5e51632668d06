"""HTTP routes of the API-key API: list, create and revoke the caller's own keys."""

import uuid
from typing import Any

from fastapi import APIRouter, Response, status

from ..dependencies import SessionDep
from . import service
from .dependencies import CurrentUser
from .schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead

router = APIRouter(
    prefix="/api-keys",
    tags=["api keys"],
    responses={status.HTTP_401_UNAUTHORIZED: {"description": "Missing, invalid or revoked key"}},
)
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    status.HTTP_404_NOT_FOUND: {"description": "No such key of the current user"}
}


@router.get("", summary="List API keys")
async def list_api_keys(user: CurrentUser, session: SessionDep) -> list[ApiKeyRead]:
    """The caller's keys, revoked ones included; never the keys themselves."""
    keys = await service.list_api_keys(session, user)
    return [ApiKeyRead.model_validate(api_key) for api_key in keys]


@router.post("", summary="Create an API key", status_code=status.HTTP_201_CREATED)
async def create_api_key(
    data: ApiKeyCreate, user: CurrentUser, session: SessionDep, response: Response
) -> ApiKeyCreated:
    """Create a key for the caller. The key is in this response only: store it now."""
    api_key, key = await service.create_api_key(session, user, data.name)
    response.headers["Cache-Control"] = "no-store"
    return ApiKeyCreated(**ApiKeyRead.model_validate(api_key).model_dump(), key=key)


@router.delete(
    "/{key_id}",
    summary="Revoke an API key",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_NOT_FOUND,
)
async def revoke_api_key(key_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> None:
    """Revoke one of the caller's keys; requests with it fail from now on."""
    await service.revoke_api_key(session, key_id, user)
