"""Browser sessions: Django's session store and CSRF machinery, plus idle and absolute limits.

Django keeps the session server-side (the cookie holds only its random key), rotates the
key at login and flushes the session at logout. It knows one lifetime per session; the
middleware below adds the second one, and the CSRF failure view answers problem+json.
"""

from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from typing import Any

import structlog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone

from ..config import Settings
from ..errors import problem
from ..messages import CSRF_FAILED

logger = structlog.get_logger(__name__)
# Session keys of their own, beside Django's: when the login happened and the last request.
STARTED_AT = "started_at"
SEEN_AT = "seen_at"
# The last request is written down at most this often: no session write per request.
TOUCH_INTERVAL_SECONDS = 60


# Django passes the sender by name to every receiver, used or not.
@receiver(user_logged_in)
def start(sender: type, request: HttpRequest, **_: Any) -> None:  # noqa: ARG001
    """Start the clocks of a new session, at every login (the API's and the admin's)."""
    now = timezone.now().timestamp()
    request.session[STARTED_AT] = now
    request.session[SEEN_AT] = now


def expired(service: Settings, started_at: float, seen_at: float, now: datetime) -> bool:
    current = now.timestamp()
    return (
        current - started_at > service.session_lifetime_seconds
        or current - seen_at > service.session_idle_timeout_seconds
    )


class SessionTimeoutMiddleware:
    """End sessions idle too long or older than SESSION_LIFETIME_SECONDS (-> 401)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = request.session
        if SESSION_KEY in session:
            now = timezone.now()
            started_at = float(session.get(STARTED_AT, 0))
            seen_at = float(session.get(SEEN_AT, 0))
            if expired(settings.SERVICE, started_at, seen_at, now):
                logger.info("auth.session_expired", user_id=session[SESSION_KEY])
                session.flush()  # deleted server-side; the response clears the cookie
            elif now.timestamp() - seen_at >= TOUCH_INTERVAL_SECONDS:
                # Saving also pushes the stored session's expiry (SESSION_COOKIE_AGE) on.
                session[SEEN_AT] = now.timestamp()
        return self.get_response(request)


def csrf_failed(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a missing or wrong X-CSRF-Token on an unsafe request."""
    logger.warning("auth.csrf_failed", method=request.method, path=request.path, reason=reason)
    return problem(HTTPStatus.FORBIDDEN, CSRF_FAILED)
