"""Items: every query is scoped to the owner, so one user never sees another's items."""

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..errors import NotFoundError
from ..pagination import PageParams
from .models import Item
from .schemas import ItemCreate, ItemUpdate


async def list_items(
    session: AsyncSession, owner_id: uuid.UUID, page: PageParams
) -> tuple[Sequence[Item], int]:
    owned = select(Item).where(Item.owner_id == owner_id)
    total = await session.scalar(select(func.count()).select_from(owned.subquery()))
    rows = await session.scalars(
        owned.order_by(Item.created_at.desc(), Item.id).limit(page.limit).offset(page.offset)
    )
    return rows.all(), total or 0


async def get_item(session: AsyncSession, owner_id: uuid.UUID, item_id: uuid.UUID) -> Item:
    """The owner's item; another user's item is reported as missing, not forbidden."""
    item = await session.scalar(select(Item).where(Item.id == item_id, Item.owner_id == owner_id))
    if item is None:
        msg = f"Item {item_id} does not exist."
        raise NotFoundError(msg)
    return item


async def create_item(session: AsyncSession, owner_id: uuid.UUID, data: ItemCreate) -> Item:
    item = Item(owner_id=owner_id, **data.model_dump())
    session.add(item)
    await session.commit()
    await session.refresh(item)
    return item


async def update_item(
    session: AsyncSession, owner_id: uuid.UUID, item_id: uuid.UUID, data: ItemUpdate
) -> Item:
    item = await get_item(session, owner_id, item_id)
    for field, value in data.model_dump(exclude_unset=True).items():
        if field == "title" and value is None:
            continue  # the title is required: null means "leave it"
        setattr(item, field, value)
    await session.commit()
    await session.refresh(item)
    return item


async def delete_item(session: AsyncSession, owner_id: uuid.UUID, item_id: uuid.UUID) -> None:
    item = await get_item(session, owner_id, item_id)
    await session.delete(item)
    await session.commit()
