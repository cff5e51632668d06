"""Domain exceptions and the handlers that turn every error into RFC 9457 problem+json."""

import sys
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

import sentry_sdk
import structlog
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DatabaseError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError as NinjaAuthenticationError
from ninja.errors import HttpError, ValidationError

from .db import is_unavailable
from .exceptions import AuthenticationError, DomainError
from .messages import EXPECTED_JSON, INVALID_JSON, INVALID_REQUEST
from .problems import PROBLEM_JSON, field_errors, problem_body
from .request_id import current_request_id

logger = structlog.get_logger(__name__)


def problem(
    status: HTTPStatus,
    detail: str | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> HttpResponse:
    """A problem+json response (problems.py)."""
    body = problem_body(status, detail, current_request_id(), **extensions)
    return JsonResponse(body, status=status.value, headers=headers, content_type=PROBLEM_JSON)


def _location(loc: Sequence[str | int]) -> list[str | int]:
    """Ninja puts the name of the view's body parameter after "body" (`["body", "data",
    "title"]`); the other frameworks say `["body", "title"]`: so does this one."""
    if len(loc) > 1 and loc[0] == "body":
        return ["body", *loc[2:]]
    return list(loc)


def problem_handler(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Map every exception raised in an API view to problem+json."""
    match exc:
        case DomainError():
            return problem(exc.status, exc.detail, headers=exc.headers, **exc.extensions)
        case ValidationError():
            errors = field_errors(exc.errors, _location)
            return problem(HTTPStatus.UNPROCESSABLE_ENTITY, INVALID_REQUEST, errors=errors)
        case NinjaAuthenticationError():
            return problem(
                HTTPStatus.UNAUTHORIZED,
                "Authentication is required.",
                headers=AuthenticationError.headers,
            )
        case HttpError() | Http404() | MultiPartParserError() | SuspiciousOperation():
            return _framework_problem(exc)
        case DatabaseError() if is_unavailable(exc):
            return database_unavailable(exc)
        case _:
            # The traceback goes to the log (with the request id); the client never sees it.
            logger.error(
                "unhandled_exception", method=request.method, path=request.path, exc_info=exc
            )
            # Answered here, it never reaches the signal Sentry's Django integration listens
            # to: reported to Sentry (error_reporting.py) explicitly. A no-op without a DSN.
            sentry_sdk.capture_exception(exc)
            return problem(HTTPStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred.")


def _framework_problem(
    exc: HttpError | Http404 | MultiPartParserError | SuspiciousOperation,
) -> HttpResponse:
    match exc:
        case Http404():
            return problem(HTTPStatus.NOT_FOUND)
        case RequestDataTooBig():
            return problem(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        case MultiPartParserError() | TooManyFieldsSent() | TooManyFilesSent():
            # Django's form parser runs when something reads request.POST (the CSRF check
            # does, on a POST), before the API's own parser: the API takes JSON only.
            return problem(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, EXPECTED_JSON)
        case SuspiciousOperation():
            return problem(HTTPStatus.BAD_REQUEST)
    if isinstance(exc.__cause__, HttpError):  # the parser's own status (415), wrapped in a 400
        exc = exc.__cause__
    if isinstance(exc.__cause__, ValueError | RecursionError):
        # Ninja reports a body its JSON parser rejects (malformed, or nested deeper than the
        # parser recurses) as a 400; like any other invalid body, it is a 422 here.
        return problem(HTTPStatus.UNPROCESSABLE_ENTITY, INVALID_JSON)
    status = HTTPStatus(exc.status_code)
    return problem(status, EXPECTED_JSON if status is HTTPStatus.UNSUPPORTED_MEDIA_TYPE else None)


def database_unavailable(exc: DatabaseError) -> HttpResponse:
    """The database is down, restarting or unreachable: a 503 with Retry-After, not a 500.

    Logged without the exception's text, which can quote the statement's parameters.
    """
    logger.warning("database.unavailable", error=type(exc.__cause__ or exc).__name__)
    return problem(
        HTTPStatus.SERVICE_UNAVAILABLE,
        "The database is not reachable; try again shortly.",
        headers={"Retry-After": "5"},
    )


def too_many_requests(retry_after: int) -> HttpResponse:
    """The 429 of a spent rate limit; Retry-After says when the next attempt may succeed."""
    return problem(
        HTTPStatus.TOO_MANY_REQUESTS,
        "Too many attempts; try again later.",
        headers={"Retry-After": str(retry_after)},
    )


def install_error_handlers(api: NinjaAPI) -> None:
    handled = (DomainError, ValidationError, HttpError, Http404, DatabaseError, Exception)
    for exc_class in handled:
        api.exception_handler(exc_class)(problem_handler)


# Django's error views, for everything outside the API (unknown routes, the admin).


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return problem(HTTPStatus.BAD_REQUEST)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return problem(HTTPStatus.FORBIDDEN)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return problem(HTTPStatus.NOT_FOUND)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this view while it handles the exception (outside the API: a middleware
    # or the admin); the database being away is a 503 there too.
    exc = sys.exception()
    if isinstance(exc, DatabaseError) and is_unavailable(exc):
        return database_unavailable(exc)
    return problem(HTTPStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred.")


class MethodNotAllowedMiddleware:
    """Give the bare 405 of Ninja's and Django's method dispatch a problem+json body.

    The Allow header is kept.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed):
            return problem(HTTPStatus.METHOD_NOT_ALLOWED, headers={"Allow": response["Allow"]})
        return response
