"""Domain exceptions and the handlers that turn every error into RFC 9457 problem+json."""

import inspect
import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import structlog
from flask import Flask, Response, current_app, request
from flask.json.provider import DefaultJSONProvider
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from .db import is_unavailable
from .exceptions import DomainError, InvalidInputError
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
) -> Response:
    """A problem+json response (problems.py)."""
    body = problem_body(status, detail, current_request_id(), **extensions)
    return Response(
        json.dumps(body), status=status.value, headers=dict(headers or {}), mimetype=PROBLEM_JSON
    )


def _request_part(error: ValidationError) -> list[str]:
    """Where the invalid model came from: the name of the view parameter of that model
    ("body", "query" or "path"), as flask-openapi3 binds them."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None:
        for name, parameter in inspect.signature(view).parameters.items():
            if getattr(parameter.annotation, "__name__", None) == error.title:
                return [name]
    return []


def _unreadable_body() -> Response | None:
    """A body flask-openapi3 could not read as JSON (it then validates None): a 415 when it
    is not declared JSON, a 422 when it does not parse, as in every framework."""
    if not request.get_data(cache=True):
        return None  # no body at all: the fields are missing, a 422 listing them
    if not request.is_json:
        return problem(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, EXPECTED_JSON)
    if request.get_json(silent=True) is None and request.get_data().strip() != b"null":
        return problem(HTTPStatus.UNPROCESSABLE_ENTITY, INVALID_JSON)
    return None


def validation_problem(error: ValidationError) -> Response:
    """flask-openapi3's validation callback: one 422 problem listing the failing fields."""
    part = _request_part(error)
    if part == ["body"] and (unreadable := _unreadable_body()) is not None:
        return unreadable
    errors = field_errors(
        error.errors(include_url=False, include_context=False, include_input=False),
        lambda loc: [*part, *loc],
    )
    return problem(HTTPStatus.UNPROCESSABLE_ENTITY, INVALID_REQUEST, errors=errors)


def _domain_error(exc: DomainError) -> Response:
    return problem(exc.status, exc.detail, headers=exc.headers, **exc.extensions)


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


def _database_error(exc: PoolTimeoutError | DBAPIError) -> Response:
    """Database trouble that retrying can cure: a 503 with Retry-After, not a 500.

    Logged without the exception's text, which can quote the statement's parameters.
    """
    if isinstance(exc, PoolTimeoutError):
        # Every pooled connection stayed busy for DATABASE_POOL_TIMEOUT_SECONDS: overload.
        logger.warning("database.pool_exhausted")
        detail, retry_after = "The service is busy; try again shortly.", 1
    elif is_unavailable(exc):
        # Down, restarting, or the statement timed out; the pool replaces lost connections.
        logger.warning("database.unavailable", error=type(exc.orig).__name__)
        detail, retry_after = "The database is not reachable; try again shortly.", 5
    else:
        raise exc  # a failing statement, not an outage: Flask logs it and answers 500
    return problem(
        HTTPStatus.SERVICE_UNAVAILABLE, detail, headers={"Retry-After": str(retry_after)}
    )


class RequestJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with a body nested deeper than the parser recurses an invalid body.

    Werkzeug turns only a ValueError into "no JSON"; a RecursionError would be a 500.
    """

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise InvalidInputError(INVALID_JSON) from None


def install_error_handlers(app: Flask) -> None:
    app.json = RequestJSONProvider(app)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(PoolTimeoutError, _database_error)
    app.register_error_handler(DBAPIError, _database_error)
