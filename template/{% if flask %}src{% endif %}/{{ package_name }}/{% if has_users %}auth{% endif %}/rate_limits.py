"""The app's throttle on credential checks, and the 429 answer it leads to."""

from http import HTTPStatus
from typing import cast

from flask import Flask, Response, current_app, request

from ..config import Settings
from ..errors import problem
from .throttle import RateLimitedError, Throttle

EXTENSION = "throttle"


def init_app(app: Flask, settings: Settings) -> None:
    # Built once: with Redis every worker and replica counts in the same store.
    app.extensions[EXTENSION] = Throttle(
        settings.rate_limit_storage_url,
        name="auth",
        per_account=settings.auth_rate_limit_per_account,
        per_client=settings.auth_rate_limit_per_client,
    )
    app.register_error_handler(RateLimitedError, _too_many_requests)


def get_throttle(app: Flask | None = None) -> Throttle:
    return cast(Throttle, (app if app is not None else current_app).extensions[EXTENSION])


def client_address() -> str | None:
    """The peer address of the connection. X-Forwarded-For is never read: any client can
    write it, so trusting it would hand every attacker a fresh budget per request."""
    return request.remote_addr


def check_attempt(account: str | None) -> None:
    """Count one credential check for this account (an email, a key prefix, a subject)
    and for the calling client; RateLimitedError when either budget is spent."""
    # Throttle.check hashes the account name itself.
    get_throttle().check(account=account, client=client_address())


def _too_many_requests(exc: RateLimitedError) -> Response:
    return problem(
        HTTPStatus.TOO_MANY_REQUESTS,
        "Too many attempts; try again later.",
        headers={"Retry-After": str(exc.retry_after)},
    )
