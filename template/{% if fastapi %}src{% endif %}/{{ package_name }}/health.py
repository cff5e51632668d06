"""Health checks: liveness never touches a dependency; readiness pings the database and
fails while the service drains before shutting down."""

import asyncio
from http import HTTPStatus

import structlog
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from .db import ping
from .dependencies import SettingsDep
from .exceptions import ServiceUnavailableError
from .shutdown import is_draining

router = APIRouter(prefix="/health", tags=["health"])
logger = structlog.get_logger(__name__)


class HealthStatus(BaseModel):
    status: str = Field(default="ok", description="Always ok: a failing check is a 503")


@router.get("/live", summary="Liveness")
async def live() -> HealthStatus:
    """The process is up and serving requests."""
    return HealthStatus()


@router.get(
    "/ready",
    summary="Readiness",
    responses={HTTPStatus.SERVICE_UNAVAILABLE.value: {"description": "A dependency is down"}},
)
async def ready(request: Request, settings: SettingsDep) -> HealthStatus:
    """The service can serve traffic: it is not shutting down, and the database answers
    within DATABASE_TIMEOUT_SECONDS."""
    if is_draining():
        # SIGTERM arrived: still serving, but the load balancer should move traffic away.
        msg = "The service is shutting down."
        raise ServiceUnavailableError(msg)
    engine: AsyncEngine = request.app.state.engine
    try:
        async with asyncio.timeout(settings.database_timeout_seconds):
            await ping(engine)
    except (TimeoutError, SQLAlchemyError, OSError) as exc:
        logger.warning("readiness_check_failed", check="database", error=type(exc).__name__)
        msg = "The database is not reachable."
        raise ServiceUnavailableError(msg) from exc
    return HealthStatus()
