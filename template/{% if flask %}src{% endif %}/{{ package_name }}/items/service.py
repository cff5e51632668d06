"""Items: every query is scoped to the owner, so one user never sees another's items."""

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from ..pagination import PageQuery
from .models import Item
from .schemas import ItemCreate, ItemUpdate


def list_items(
    session: Session, owner_id: uuid.UUID, page: PageQuery
) -> tuple[Sequence[Item], int]:
    owned = select(Item).where(Item.owner_id == owner_id)
    total = session.scalar(select(func.count()).select_from(owned.subquery()))
    rows = session.scalars(
        owned.order_by(Item.created_at.desc(), Item.id).limit(page.limit).offset(page.offset)
    )
    return rows.all(), total or 0


def get_item(session: Session, owner_id: uuid.UUID, item_id: uuid.UUID) -> Item:
    """The owner's item; another user's item is reported as missing, not forbidden."""
    item = session.scalar(select(Item).where(Item.id == item_id, Item.owner_id == owner_id))
    if item is None:
        msg = f"Item {item_id} does not exist."
        raise NotFoundError(msg)
    return item


def create_item(session: Session, owner_id: uuid.UUID, data: ItemCreate) -> Item:
    item = Item(owner_id=owner_id, **data.model_dump())
    session.add(item)
    session.commit()
    session.refresh(item)
    return item


def update_item(
    session: Session, owner_id: uuid.UUID, item_id: uuid.UUID, data: ItemUpdate
) -> Item:
    item = get_item(session, owner_id, item_id)
    for field, value in data.model_dump(exclude_unset=True).items():
        if field == "title" and value is None:
            continue  # the title is required: null means "leave it"
        setattr(item, field, value)
    session.commit()
    session.refresh(item)
    return item


def delete_item(session: Session, owner_id: uuid.UUID, item_id: uuid.UUID) -> None:
    item = get_item(session, owner_id, item_id)
    session.delete(item)
    session.commit()
