"""Domain exceptions and the handlers that turn every error into RFC 9457 problem+json."""

import inspect
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, ClassVar

from flask import Flask, Response, current_app, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from .request_id import current_request_id

PROBLEM_JSON = "application/problem+json"


class DomainError(Exception):
    """Base of the errors services raise; each subclass fixes its HTTP status and title."""

    status: ClassVar[HTTPStatus] = HTTPStatus.BAD_REQUEST
    headers: ClassVar[dict[str, str]] = {}

    def __init__(self, detail: str, errors: "list[FieldError] | None" = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class NotFoundError(DomainError):
    status = HTTPStatus.NOT_FOUND


class ConflictError(DomainError):
    status = HTTPStatus.CONFLICT


class AuthenticationError(DomainError):
    status = HTTPStatus.UNAUTHORIZED
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": "Bearer"}


class InvalidInputError(DomainError):
    """Well-formed input that breaks a rule of the service (a weak password, say)."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY


class PermissionDeniedError(DomainError):
    status = HTTPStatus.FORBIDDEN


class ServiceUnavailableError(DomainError):
    status = HTTPStatus.SERVICE_UNAVAILABLE


class FieldError(BaseModel):
    loc: list[str | int]
    message: str
    type: str


class Problem(BaseModel):
    """The RFC 9457 problem document every error response carries (for the OpenAPI document)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None


def problem(
    status: HTTPStatus,
    detail: str | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    errors: list[FieldError] | None = None,
) -> Response:
    """Build a problem+json response; the request id lets a client quote the failing request."""
    body = Problem(
        title=status.phrase,
        status=status.value,
        detail=detail or None,
        request_id=current_request_id(),
        errors=errors,
    )
    return Response(
        body.model_dump_json(exclude_none=True),
        status=status.value,
        headers=dict(headers or {}),
        mimetype=PROBLEM_JSON,
    )


def _public_message(error: Mapping[str, Any]) -> str:
    message = str(error["msg"])
    # Custom validators (email-validator among them) may quote the input after a colon.
    return message.split(":", 1)[0] if error["type"] == "value_error" else message


def _request_part(error: ValidationError) -> list[str]:
    """Where the invalid model came from: the name of the view parameter of that model
    ("body", "query" or "path"), as flask-openapi3 binds them."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None:
        for name, parameter in inspect.signature(view).parameters.items():
            if getattr(parameter.annotation, "__name__", None) == error.title:
                return [name]
    return []


def validation_problem(error: ValidationError) -> Response:
    """flask-openapi3's validation callback: one 422 problem listing the failing fields."""
    part = _request_part(error)
    # Location, message and type only: submitted values are never echoed back.
    errors = [
        FieldError(
            loc=[*part, *detail["loc"]], message=_public_message(detail), type=detail["type"]
        )
        for detail in error.errors(include_url=False, include_context=False, include_input=False)
    ]
    return problem(HTTPStatus.UNPROCESSABLE_ENTITY, "The request is not valid.", errors=errors)


def _domain_error(exc: DomainError) -> Response:
    return problem(exc.status, exc.detail, headers=exc.headers, errors=exc.errors)


def _http_error(exc: HTTPException) -> Response:
    status = HTTPStatus(exc.code or HTTPStatus.INTERNAL_SERVER_ERROR)
    if status is HTTPStatus.INTERNAL_SERVER_ERROR:
        # Flask has logged the original exception with its traceback (and the request id);
        # the client learns nothing about it.
        return problem(status, "An unexpected error occurred.")
    # Framework errors (unknown route, wrong method) carry only the phrase; keep Allow.
    detail = exc.description if exc.description != type(exc).description else None
    headers = {name: value for name, value in exc.get_headers() if name.lower() != "content-type"}
    return problem(status, detail, headers=headers)


def install_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
