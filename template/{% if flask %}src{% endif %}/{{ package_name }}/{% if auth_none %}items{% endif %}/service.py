"""Items: a public collection (the service has no users; see the README's security notes)."""

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from ..pagination import PageQuery
from .models import Item
from .schemas import ItemCreate, ItemUpdate


def list_items(session: Session, page: PageQuery) -> tuple[Sequence[Item], int]:
    return _page_of_items(session, page)


def get_item(session: Session, item_id: uuid.UUID) -> Item:
    item = session.get(Item, item_id)
    if item is None:
        msg = f"Item {item_id} does not exist."
        raise NotFoundError(msg)
    return item


def create_item(session: Session, data: ItemCreate) -> Item:
    item = Item(**data.model_dump())
    session.add(item)
    session.commit()
    session.refresh(item)
    return item


def update_item(session: Session, item_id: uuid.UUID, data: ItemUpdate) -> Item:
    item = get_item(session, item_id)
    for field, value in data.model_dump(exclude_unset=True).items():
        if field == "title" and value is None:
            continue  # the title is required: null means "leave it"
        setattr(item, field, value)
    session.commit()
    session.refresh(item)
    return item


def delete_item(session: Session, item_id: uuid.UUID) -> None:
    session.delete(get_item(session, item_id))
    session.commit()


def _page_of_items(
    session: Session, page: PageQuery, *criteria: ColumnElement[bool]
) -> tuple[Sequence[Item], int]:
    """One page, newest first, and the total: one query while the page has rows."""
    # COUNT(*) OVER () counts every matching row before LIMIT applies: the total rides
    # along with the page instead of costing a second round trip.
    rows = session.execute(
        select(Item, func.count().over())
        .where(*criteria)
        .order_by(Item.created_at.desc(), Item.id)
        .limit(page.limit)
        .offset(page.offset)
    ).all()
    if rows:
        return [item for item, _ in rows], rows[0][1]
    if page.offset == 0:
        return [], 0
    # Past the end of the list: no row carries the total, so count on its own.
    total = session.scalar(select(func.count()).select_from(Item).where(*criteria))
    return [], total or 0
