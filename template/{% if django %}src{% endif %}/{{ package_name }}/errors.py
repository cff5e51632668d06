"""Domain exceptions and the handlers that turn every error into RFC 9457 problem+json."""

from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any, ClassVar

import structlog
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    JsonResponse,
)
from ninja import NinjaAPI
from ninja.errors import AuthenticationError as NinjaAuthenticationError
from ninja.errors import HttpError, ValidationError

from .request_id import current_request_id

PROBLEM_JSON = "application/problem+json"
logger = structlog.get_logger(__name__)


class DomainError(Exception):
    """Base of the errors services raise; each subclass fixes its HTTP status and title."""

    status: ClassVar[HTTPStatus] = HTTPStatus.BAD_REQUEST
    headers: ClassVar[dict[str, str]] = {}

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFoundError(DomainError):
    status = HTTPStatus.NOT_FOUND


class ConflictError(DomainError):
    status = HTTPStatus.CONFLICT


class AuthenticationError(DomainError):
    status = HTTPStatus.UNAUTHORIZED
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": "Bearer"}


class PermissionDeniedError(DomainError):
    status = HTTPStatus.FORBIDDEN


class ServiceUnavailableError(DomainError):
    status = HTTPStatus.SERVICE_UNAVAILABLE


def problem(
    status: HTTPStatus,
    detail: str | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> HttpResponse:
    """Build a problem+json response; the request id lets a client quote the failing request."""
    body: dict[str, Any] = {"type": "about:blank", "title": status.phrase, "status": status.value}
    if detail:
        body["detail"] = detail
    if (request_id := current_request_id()) is not None:
        body["request_id"] = request_id
    body.update(extensions)
    return JsonResponse(body, status=status.value, headers=headers, content_type=PROBLEM_JSON)


def _public_message(error: Mapping[str, Any]) -> str:
    message = str(error["msg"])
    # Custom validators (email-validator among them) may quote the input after a colon.
    return message.split(":", 1)[0] if error["type"] == "value_error" else message


def problem_handler(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Map every exception raised in an API view to problem+json."""
    match exc:
        case DomainError():
            return problem(exc.status, exc.detail, headers=exc.headers)
        case ValidationError():
            # Location, message and type only: submitted values are never echoed back.
            errors = [
                {
                    "loc": list(error["loc"]),
                    "message": _public_message(error),
                    "type": error["type"],
                }
                for error in exc.errors
            ]
            return problem(
                HTTPStatus.UNPROCESSABLE_ENTITY, "The request is not valid.", errors=errors
            )
        case NinjaAuthenticationError():
            return problem(
                HTTPStatus.UNAUTHORIZED,
                "Authentication is required.",
                headers=AuthenticationError.headers,
            )
        case HttpError() | Http404():
            return _framework_problem(exc)
        case _:
            # The traceback goes to the log (with the request id); the client never sees it.
            logger.error(
                "unhandled_exception", method=request.method, path=request.path, exc_info=exc
            )
            return problem(HTTPStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred.")


def _framework_problem(exc: HttpError | Http404) -> HttpResponse:
    if isinstance(exc, Http404):
        return problem(HTTPStatus.NOT_FOUND)
    if isinstance(exc.__cause__, HttpError):  # the parser's own status (415), wrapped in a 400
        exc = exc.__cause__
    if isinstance(exc.__cause__, ValueError):
        # Ninja reports a body its JSON parser rejects as a 400; like any other invalid
        # body, it is a 422 here.
        return problem(HTTPStatus.UNPROCESSABLE_ENTITY, "The request body is not valid JSON.")
    return problem(HTTPStatus(exc.status_code))


def install_error_handlers(api: NinjaAPI) -> None:
    for exc_class in (DomainError, ValidationError, HttpError, Http404, Exception):
        api.exception_handler(exc_class)(problem_handler)


# Django's error views, for everything outside the API (unknown routes, the admin).


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return problem(HTTPStatus.BAD_REQUEST)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return problem(HTTPStatus.FORBIDDEN)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return problem(HTTPStatus.NOT_FOUND)


def server_error(request: HttpRequest) -> HttpResponse:
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
