"""The service's throttles, built from the settings, and the 429 they turn into."""

from typing import Literal

import structlog
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from ..config import Settings
from ..errors import too_many_requests
from .throttle import RateLimitedError, Throttle

ThrottleName = Literal["login", "register", "apikey"]

logger = structlog.get_logger(__name__)
# One throttle per name and configuration, built at its first use and kept: the counters
# live in its storage. Keyed by the settings too, so tests that change them get a new one.
_throttles: dict[tuple[str, str, str, str], Throttle] = {}


def throttle(name: ThrottleName) -> Throttle:
    """The throttle for logins and password changes ("login"), registrations or API keys."""
    service: Settings = settings.SERVICE
    key = (
        name,
        service.rate_limit_storage_url,
        service.auth_rate_limit_per_account,
        service.auth_rate_limit_per_client,
    )
    if key not in _throttles:
        _throttles[key] = Throttle(
            service.rate_limit_storage_url,
            name=name,
            per_account=service.auth_rate_limit_per_account,
            per_client=service.auth_rate_limit_per_client,
        )
    return _throttles[key]


def client_address(request: HttpRequest) -> str | None:
    """The peer address. X-Forwarded-For is never read here: anyone can send it."""
    return request.META.get("REMOTE_ADDR")


def rate_limited(request: HttpRequest, exc: RateLimitedError) -> HttpResponse:  # noqa: ARG001
    """Ninja's handler for a spent limit (it passes the request to every handler)."""
    return too_many_requests(exc.retry_after)


def warn_if_not_shared(service: Settings) -> None:
    """In-memory counters are per process: several workers multiply every limit."""
    shared = not service.rate_limit_storage_url.startswith("memory://")
    if service.is_production and service.workers > 1 and not shared:
        logger.warning(
            "ratelimit.not_shared",
            detail="RATE_LIMIT_STORAGE_URL is memory:// with several workers: set a redis:// URL",
        )
