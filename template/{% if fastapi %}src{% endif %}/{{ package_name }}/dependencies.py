"""Request-scoped dependencies shared by the routers.

Dependencies that only read the request are `async def` even though they never await:
FastAPI runs a plain `def` dependency on a worker thread, a hand-off that cost about a fifth
of the CPU of an authenticated list request (bench/README.md of the template). A test holds
every route to this.
"""

from collections.abc import AsyncIterator
from typing import Annotated

import structlog
from fastapi import Depends, Request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from .config import Settings

logger = structlog.get_logger(__name__)


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; services commit, anything left open is rolled back."""
    session: AsyncSession = request.app.state.session_factory()
    try:
        yield session
    finally:
        try:
            await session.close()
        except (SQLAlchemyError, OSError) as exc:
            # This runs after the response is sent: a commit that succeeded stays a success
            # if the database goes away before the connection is handed back, and the
            # connection the client keeps alive is not dropped by an error escaping here.
            logger.warning("database.close_failed", error=type(exc).__name__)


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
