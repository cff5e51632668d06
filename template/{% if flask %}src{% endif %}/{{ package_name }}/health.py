"""Health checks: liveness never touches a dependency; readiness pings the database and
fails while the service drains before shutting down."""

from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

import structlog
from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError

from .db import ping
from .dependencies import get_engine, get_settings
from .exceptions import ServiceUnavailableError
from .problems import Problem
from .responses import json_response
from .shutdown import is_draining

blueprint = APIBlueprint("health", __name__, url_prefix="/health", abp_tags=[Tag(name="health")])
logger = structlog.get_logger(__name__)
# The ping runs on its own thread so that a hung database costs the probe its timeout,
# not the request thread; one thread is enough, since a probe that cannot get it is not ready.
_pinger = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readiness")


class HealthStatus(BaseModel):
    status: str = Field(default="ok", description="Always ok: a failing check is a 503")


@blueprint.get("/live", summary="Liveness", responses={HTTPStatus.OK: HealthStatus})
def live() -> Response:
    """The process is up and serving requests."""
    return json_response(HealthStatus())


@blueprint.get(
    "/ready",
    summary="Readiness",
    responses={HTTPStatus.OK: HealthStatus, HTTPStatus.SERVICE_UNAVAILABLE: Problem},
)
def ready() -> Response:
    """The service can serve traffic: it is not shutting down, and the database answers
    within DATABASE_TIMEOUT_SECONDS."""
    if is_draining():
        # SIGTERM arrived: still serving, but the load balancer should move traffic away.
        msg = "The service is shutting down."
        raise ServiceUnavailableError(msg)
    try:
        _pinger.submit(ping, get_engine()).result(timeout=get_settings().database_timeout_seconds)
    except (TimeoutError, SQLAlchemyError, OSError) as exc:
        logger.warning("readiness_check_failed", check="database", error=type(exc).__name__)
        msg = "The database is not reachable."
        raise ServiceUnavailableError(msg) from exc
    return json_response(HealthStatus())
