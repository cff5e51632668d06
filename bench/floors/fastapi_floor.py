"""FastAPI's floor: uvicorn, an asyncpg pool, FastAPI's response models; nothing else."""

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from fastapi import FastAPI, HTTPException
from floor_models import PAGE, READ_ONE, ItemRead, Page, item, page

TABLE = os.environ.get("FLOOR_TABLE", "items")
# asyncpg numbers its placeholders.
READ_SQL = READ_ONE.format(table=TABLE).replace("%s", "$1")
PAGE_SQL = PAGE.format(table=TABLE).replace("%s", "$1", 1).replace("%s", "$2", 1)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # At most 30 connections per worker, as the service's pool. asyncpg keeps the ones it
    # opened for 5 minutes of idleness: under load, none are opened or closed.
    async with asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=10, max_size=30) as pool:
        app.state.pool = pool
        yield


app = FastAPI(lifespan=lifespan, openapi_url=None)


@app.get("/health/ready")
async def ready() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/api/v1/items/{item_id}")
async def read_item(item_id: uuid.UUID) -> ItemRead:
    row = await app.state.pool.fetchrow(READ_SQL, item_id)
    if row is None:
        raise HTTPException(404)
    return item(tuple(row))


@app.get("/api/v1/items")
async def list_items(limit: int = 50, offset: int = 0) -> Page:
    rows = await app.state.pool.fetch(PAGE_SQL, limit, offset)
    return page([tuple(row) for row in rows], limit, offset)
