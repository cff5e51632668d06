"""The HTTP surface Django's own settings do not cover: no-store caching, the 413, and
JSON-only request bodies.

Headers (nosniff, Referrer-Policy, X-Frame-Options, CSP, HSTS) come from Django's
SecurityMiddleware, XFrameOptionsMiddleware and ContentSecurityPolicyMiddleware, configured
in settings.py; CORS from django-cors-headers.
"""

import io
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from ninja.errors import HttpError
from ninja.parser import Parser
from ninja.types import DictStrAny

from .errors import problem
from .messages import EXPECTED_JSON

Handler = Callable[[HttpRequest], HttpResponseBase]


class NoStoreMiddleware:
    """Responses carry one user's data: no shared or browser cache may keep them, unless a
    view says otherwise."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response


class BodyLimitMiddleware:
    """413 for a body above DATA_UPLOAD_MAX_MEMORY_SIZE, declared or streamed.

    Django would raise RequestDataTooBig when a view reads request.body: a 400 outside the
    API and a 500 inside it. A declared body is refused before anything reads it.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        declared = request.META.get("CONTENT_LENGTH") or ""
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and declared.isdigit() and int(declared) > limit:
            return problem(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        if not declared and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return self._streamed(request, limit)
        return self.get_response(request)

    def _streamed(self, request: HttpRequest, limit: int | None) -> HttpResponseBase:
        """A chunked body: Django reads no more than Content-Length, so without one the view
        would see an empty body. gunicorn ends the stream at the last chunk: read it here,
        one byte past the limit at most, and hand it on with its length."""
        body = request.META["wsgi.input"].read(-1 if limit is None else limit + 1)
        if limit is not None and len(body) > limit:
            return problem(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        request.META["CONTENT_LENGTH"] = str(len(body))
        # What WSGIRequest reads request.body from (built for a Content-Length of 0).
        request._stream = io.BytesIO(body)
        return self.get_response(request)


class JsonParser(Parser):
    """Ninja parses any body as JSON, whatever its Content-Type; a body declared as
    something else is refused with 415 instead."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        media_type = request.content_type or ""
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise HttpError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE.value, EXPECTED_JSON)
        return super().parse_body(request)
