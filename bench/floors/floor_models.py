"""The floors' response bodies: the fields and types of the services' ItemRead and Page."""

import uuid
from datetime import datetime

from pydantic import BaseModel

# The services' queries, on the table FLOOR_TABLE names (a constant of bench/load.py).
READ_ONE = "SELECT id, title, description, created_at, updated_at FROM {table} WHERE id = %s"
# The page and the total in one statement, as the services do.
PAGE = (
    "SELECT id, title, description, created_at, updated_at, count(*) OVER () FROM {table}"
    " ORDER BY created_at DESC, id LIMIT %s OFFSET %s"
)


def sqlite_path(database_url: str) -> str | None:
    """The file of a sqlite:/// DATABASE_URL; None for a server's URL."""
    prefix = "sqlite:///"
    return database_url.removeprefix(prefix) if database_url.startswith(prefix) else None


class ItemRead(BaseModel):
    id: uuid.UUID
    title: str
    description: str | None
    created_at: datetime
    updated_at: datetime


class Page(BaseModel):
    items: list[ItemRead]
    total: int
    limit: int
    offset: int


def item(row: tuple[object, ...]) -> ItemRead:
    return ItemRead.model_validate(dict(zip(ItemRead.model_fields, row, strict=False)))


def page(rows: list[tuple[object, ...]], limit: int, offset: int) -> Page:
    total = int(str(rows[0][-1])) if rows else 0
    return Page(items=[item(row[:-1]) for row in rows], total=total, limit=limit, offset=offset)
