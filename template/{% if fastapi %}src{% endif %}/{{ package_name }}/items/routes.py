"""HTTP routes of the items API: CRUD on the current user's items."""

import uuid
from typing import Any

from fastapi import APIRouter, status

from ..auth.dependencies import CurrentUser
from ..dependencies import SessionDep
from ..pagination import Page, PageParamsDep
from . import service
from .schemas import ItemCreate, ItemRead, ItemUpdate

router = APIRouter(
    prefix="/items",
    tags=["items"],
    responses={status.HTTP_401_UNAUTHORIZED: {"description": "Missing or invalid access token"}},
)
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    status.HTTP_404_NOT_FOUND: {"description": "No such item of the current user"}
}


@router.get("")
async def list_items(user: CurrentUser, session: SessionDep, page: PageParamsDep) -> Page[ItemRead]:
    """The current user's items, newest first."""
    items, total = await service.list_items(session, user.id, page)
    return Page(
        items=[ItemRead.model_validate(item) for item in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_item(data: ItemCreate, user: CurrentUser, session: SessionDep) -> ItemRead:
    item = await service.create_item(session, user.id, data)
    return ItemRead.model_validate(item)


@router.get("/{item_id}", responses=_NOT_FOUND)
async def read_item(item_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> ItemRead:
    item = await service.get_item(session, user.id, item_id)
    return ItemRead.model_validate(item)


@router.patch("/{item_id}", responses=_NOT_FOUND)
async def update_item(
    item_id: uuid.UUID, data: ItemUpdate, user: CurrentUser, session: SessionDep
) -> ItemRead:
    item = await service.update_item(session, user.id, item_id, data)
    return ItemRead.model_validate(item)


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT, responses=_NOT_FOUND)
async def delete_item(item_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> None:
    await service.delete_item(session, user.id, item_id)
