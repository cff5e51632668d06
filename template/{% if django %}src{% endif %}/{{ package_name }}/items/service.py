"""Items: every query is scoped to the owner, so one user never sees another's items."""

import uuid

from ..errors import NotFoundError
from ..pagination import PageParams
from .models import Item
from .schemas import ItemCreate, ItemUpdate


def list_items(owner_id: uuid.UUID, page: PageParams) -> tuple[list[Item], int]:
    owned = Item.objects.filter(owner_id=owner_id)
    rows = owned.order_by("-created_at", "id")[page.offset : page.offset + page.limit]
    return list(rows), owned.count()


def get_item(owner_id: uuid.UUID, item_id: uuid.UUID) -> Item:
    """The owner's item; another user's item is reported as missing, not forbidden."""
    item = Item.objects.filter(owner_id=owner_id, pk=item_id).first()
    if item is None:
        msg = f"Item {item_id} does not exist."
        raise NotFoundError(msg)
    return item


def create_item(owner_id: uuid.UUID, data: ItemCreate) -> Item:
    return Item.objects.create(owner_id=owner_id, **data.model_dump())


def update_item(owner_id: uuid.UUID, item_id: uuid.UUID, data: ItemUpdate) -> Item:
    item = get_item(owner_id, item_id)
    for field, value in data.model_dump(exclude_unset=True).items():
        if field == "title" and value is None:
            continue  # the title is required: null means "leave it"
        setattr(item, field, value)
    item.save()
    return item


def delete_item(owner_id: uuid.UUID, item_id: uuid.UUID) -> None:
    get_item(owner_id, item_id).delete()
