"""Request-scoped dependencies shared by the routers.

Dependencies that only read the request are `async def` even though they never await:
FastAPI runs a plain `def` dependency on a worker thread, a hand-off that cost about a fifth
of the CPU of an authenticated list request (bench/README.md of the template). A test holds
every route to this.
"""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from .config import Settings


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; services commit, anything left open is rolled back."""
    async with request.app.state.session_factory() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
