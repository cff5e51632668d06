"""FastAPI's floor: uvicorn, an asyncpg pool (aiosqlite on SQLite), FastAPI's response
models; nothing else."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, HTTPException
from floor_models import PAGE, READ_ONE, ItemRead, Page, item, page, sqlite_path

TABLE = os.environ.get("FLOOR_TABLE", "items")
DATABASE_URL = os.environ["DATABASE_URL"]
SQLITE = sqlite_path(DATABASE_URL)
# SQLite's placeholders are "?"; asyncpg numbers its own.
if SQLITE:
    READ_SQL = READ_ONE.format(table=TABLE).replace("%s", "?")
    PAGE_SQL = PAGE.format(table=TABLE).replace("%s", "?")
else:
    READ_SQL = READ_ONE.format(table=TABLE).replace("%s", "$1")
    PAGE_SQL = PAGE.format(table=TABLE).replace("%s", "$1", 1).replace("%s", "$2", 1)
# SQLAlchemy's default pool for aiosqlite keeps 5 connections, each with its thread.
SQLITE_CONNECTIONS = 5


class SQLitePool:
    """A few aiosqlite connections, lent one query at a time."""

    def __init__(self) -> None:
        self.idle: asyncio.Queue[Any] = asyncio.Queue()

    async def open(self, path: str) -> None:
        import aiosqlite  # noqa: PLC0415  (only in the SQLite projects' virtualenvs)

        for _ in range(SQLITE_CONNECTIONS):
            self.idle.put_nowait(await aiosqlite.connect(path))

    async def close(self) -> None:
        while not self.idle.empty():
            await self.idle.get_nowait().close()

    async def fetch(self, sql: str, *values: object) -> list[tuple[object, ...]]:
        connection = await self.idle.get()
        try:
            async with connection.execute(sql, values) as cursor:
                return [tuple(row) for row in await cursor.fetchall()]
        finally:
            self.idle.put_nowait(connection)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    if SQLITE:
        pool = SQLitePool()
        await pool.open(SQLITE)
        app.state.fetch = pool.fetch
        yield
        await pool.close()
        return
    import asyncpg  # noqa: PLC0415  (only in the PostgreSQL projects' virtualenvs)

    # At most 30 connections per worker, as the service's pool. asyncpg keeps the ones it
    # opened for 5 minutes of idleness: under load, none are opened or closed.
    async with asyncpg.create_pool(DATABASE_URL, min_size=10, max_size=30) as asyncpg_pool:

        async def fetch(sql: str, *values: object) -> list[tuple[object, ...]]:
            return [tuple(row) for row in await asyncpg_pool.fetch(sql, *values)]

        app.state.fetch = fetch
        yield


app = FastAPI(lifespan=lifespan, openapi_url=None)


@app.get("/health/ready")
async def ready() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/api/v1/items/{item_id}")
async def read_item(item_id: uuid.UUID) -> ItemRead:
    # SQLite keeps the services' UUIDs as 32 hex digits (SQLAlchemy's Uuid type).
    rows = await app.state.fetch(READ_SQL, item_id.hex if SQLITE else item_id)
    if not rows:
        raise HTTPException(404)
    return item(rows[0])


@app.get("/api/v1/items")
async def list_items(limit: int = 50, offset: int = 0) -> Page:
    return page(await app.state.fetch(PAGE_SQL, limit, offset), limit, offset)
