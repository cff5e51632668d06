"""Request ids: an incoming X-Request-ID that is a UUID is reused, otherwise one is generated.

The id is echoed in the response header and available to logs and error bodies while the
request is served.
"""

import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponseBase

HEADER = "X-Request-ID"
_META_KEY = "HTTP_X_REQUEST_ID"  # read from the environ: request.headers copies every header
_MAX_LENGTH = 64  # the longest spelling of a UUID is 45 characters ("urn:uuid:...")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being served, or None outside a request."""
    return _request_id.get()


def _incoming_or_new(value: str | None) -> str:
    if value and len(value) <= _MAX_LENGTH:
        try:
            uuid.UUID(value)
        except ValueError:
            pass
        else:
            return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost middleware: everything below it, error handlers included, sees the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = _incoming_or_new(request.META.get(_META_KEY))
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[HEADER] = request_id
        return response
