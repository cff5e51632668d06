"""HTTP routes of the items API: CRUD on the current user's items."""

import uuid
from http import HTTPStatus

from django.http import HttpRequest
from ninja import Query, Router, Status

from ..auth.dependencies import authenticated, current_user
from ..pagination import Page, PageParams
from . import service
from .models import Item
from .schemas import ItemCreate, ItemRead, ItemUpdate

router = Router(tags=["items"], auth=authenticated)
# Error bodies are problem+json (see the README); Ninja lists these statuses without a schema.
_UNAUTHORIZED = {HTTPStatus.UNAUTHORIZED: None}
_NOT_FOUND = {**_UNAUTHORIZED, HTTPStatus.NOT_FOUND: None}


@router.get("", response={HTTPStatus.OK: Page[ItemRead], **_UNAUTHORIZED})
def list_items(request: HttpRequest, page: Query[PageParams]) -> Page[ItemRead]:
    """The current user's items, newest first."""
    items, total = service.list_items(current_user(request).id, page)
    return Page(
        items=[ItemRead.model_validate(item) for item in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post("", response={HTTPStatus.CREATED: ItemRead, **_UNAUTHORIZED})
def create_item(request: HttpRequest, data: ItemCreate) -> Status[Item]:
    return Status(HTTPStatus.CREATED, service.create_item(current_user(request).id, data))


@router.get("/{item_id}", response={HTTPStatus.OK: ItemRead, **_NOT_FOUND})
def read_item(request: HttpRequest, item_id: uuid.UUID) -> Item:
    return service.get_item(current_user(request).id, item_id)


@router.patch("/{item_id}", response={HTTPStatus.OK: ItemRead, **_NOT_FOUND})
def update_item(request: HttpRequest, item_id: uuid.UUID, data: ItemUpdate) -> Item:
    return service.update_item(current_user(request).id, item_id, data)


@router.delete("/{item_id}", response={HTTPStatus.NO_CONTENT: None, **_NOT_FOUND})
def delete_item(request: HttpRequest, item_id: uuid.UUID) -> Status[None]:
    service.delete_item(current_user(request).id, item_id)
    return Status(HTTPStatus.NO_CONTENT, None)
