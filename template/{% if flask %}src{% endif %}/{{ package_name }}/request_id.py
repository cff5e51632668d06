"""Request ids: an incoming X-Request-ID that is a UUID is reused (so ids follow a request
across services), anything else is replaced by a new one. The id is echoed in the response
and held in a context variable that the logs and problem bodies read.

Twenty lines of hooks rather than a dependency: the Flask request-id extensions on PyPI
are unmaintained, and none validates the incoming value.
"""

import uuid
from contextvars import ContextVar, Token

from flask import Flask, Response, g, request

HEADER = "X-Request-ID"
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _start() -> None:
    incoming = request.headers.get(HEADER, "")
    g.request_id_token = _request_id.set(incoming if _is_uuid(incoming) else uuid.uuid4().hex)


def _echo(response: Response) -> Response:
    if (request_id := _request_id.get()) is not None:
        response.headers[HEADER] = request_id
    return response


def _end(_: BaseException | None) -> None:
    # Worker threads serve many requests: never let an id outlive its request.
    token: Token[str | None] | None = g.pop("request_id_token", None)
    if token is not None:
        _request_id.reset(token)


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_echo)
    app.teardown_request(_end)
