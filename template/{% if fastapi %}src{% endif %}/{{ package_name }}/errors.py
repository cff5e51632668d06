"""Domain exceptions and the handlers that turn every error into RFC 9457 problem+json."""

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, ClassVar

from asgi_correlation_id import correlation_id
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .security import allowed_methods, security_headers

PROBLEM_JSON = "application/problem+json"


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
) -> JSONResponse:
    """Build a problem+json response; the request id lets a client quote the failing request."""
    body: dict[str, Any] = {"type": "about:blank", "title": status.phrase, "status": status.value}
    if detail:
        body["detail"] = detail
    if (request_id := correlation_id.get()) is not None:
        body["request_id"] = request_id
    body.update(extensions)
    return JSONResponse(body, status_code=status.value, headers=headers, media_type=PROBLEM_JSON)


def _public_message(error: Mapping[str, Any]) -> str:
    message = str(error["msg"])
    # Custom validators (email-validator among them) may quote the input after a colon.
    return message.split(":", 1)[0] if error["type"] == "value_error" else message


async def problem_handler(request: Request, exc: Exception) -> JSONResponse:
    """Map every exception to problem+json; registered for each class it knows."""
    match exc:
        case DomainError():
            return problem(exc.status, exc.detail, headers=exc.headers)
        case RequestValidationError():
            # Location, message and type only: submitted values are never echoed back.
            errors = [
                {
                    "loc": list(error["loc"]),
                    "message": _public_message(error),
                    "type": error["type"],
                }
                for error in exc.errors()
            ]
            return problem(
                HTTPStatus.UNPROCESSABLE_ENTITY, "The request is not valid.", errors=errors
            )
        case StarletteHTTPException(status_code=400) if exc.__cause__ is not None:
            # FastAPI's 400 for a body it cannot decode (not UTF-8): an invalid body, a 422.
            return problem(HTTPStatus.UNPROCESSABLE_ENTITY, "The request body is not valid JSON.")
        case StarletteHTTPException():
            status = HTTPStatus(exc.status_code)
            # Framework errors (unknown route, wrong method) carry only the phrase; keep Allow.
            detail = exc.detail if exc.detail != status.phrase else None
            headers = dict(exc.headers or {})
            if status is HTTPStatus.METHOD_NOT_ALLOWED:
                headers["Allow"] = allowed_methods(request.app, request.scope)
            return problem(status, detail, headers=headers)
        case _:
            # Starlette calls this from its outermost middleware, after the request-id and
            # security-header middleware returned: add their headers here. Starlette then
            # re-raises, so the server logs the traceback (with the request id); the client
            # never sees it.
            response = problem(HTTPStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred.")
            if (request_id := correlation_id.get()) is not None:
                response.headers["X-Request-ID"] = request_id
            response.headers.update(security_headers(request.app.state.settings))
            return response


def install_error_handlers(app: FastAPI) -> None:
    for exc_class in (DomainError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(exc_class, problem_handler)
