"""Health checks: liveness never touches a dependency; readiness pings the database and
fails while the service drains before shutting down."""

from http import HTTPStatus

import structlog
from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest
from ninja import Field, Router, Schema

from . import db
from .exceptions import ServiceUnavailableError
from .shutdown import is_draining

router = Router(tags=["health"])
logger = structlog.get_logger(__name__)


class HealthStatus(Schema):
    status: str = Field(default="ok", description="Always ok: a failing check is a 503")


@router.get("/live", summary="Liveness", response=HealthStatus)
def live(request: HttpRequest) -> HealthStatus:
    """The process is up and serving requests."""
    return HealthStatus()


@router.get(
    "/ready",
    summary="Readiness",
    response={HTTPStatus.OK: HealthStatus, HTTPStatus.SERVICE_UNAVAILABLE: None},
)
def ready(request: HttpRequest) -> HealthStatus:
    """The service can serve traffic: it is not shutting down, and the database answers
    within DATABASE_TIMEOUT_SECONDS."""
    if is_draining():
        # SIGTERM arrived: still serving, but the load balancer should move traffic away.
        msg = "The service is shutting down."
        raise ServiceUnavailableError(msg)
    try:
        db.ping(settings.SERVICE.database_timeout_seconds)
    except (TimeoutError, DatabaseError, OSError) as exc:
        logger.warning("readiness_check_failed", check="database", error=type(exc).__name__)
        msg = "The database is not reachable."
        raise ServiceUnavailableError(msg) from exc
    return HealthStatus()
