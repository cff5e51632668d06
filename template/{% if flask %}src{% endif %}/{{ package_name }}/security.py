"""The HTTP surface: security headers, the CORS allow-list and the request-body limit.

The CORS allow-list is a few lines here rather than Flask-CORS: it only ever echoes an
origin that is listed exactly, which is easier to audit than pattern matching.
"""

from http import HTTPStatus
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import Map

from .config import Settings
from .csp import DOCS_POLICY
from .csp_header import for_page, header_value
from .headers import (
    CORS_EXPOSED_HEADERS,
    CORS_HEADERS,
    CORS_MAX_AGE_SECONDS,
    CORS_METHODS,
    security_headers,
)
from .hosts import host_allowed

# Swagger UI's page (flask-openapi3-swagger), at /docs and at the plugin's own /swagger.
DOCS_ENDPOINTS = frozenset({"docs", "swagger.swagger"})


class Cors:
    """Answer cross-origin requests from the listed origins only; "*" allows any origin,
    without credentials (the settings refuse the pair)."""

    def __init__(self, settings: Settings) -> None:
        self.origins = frozenset(settings.cors_origins)
        self.credentials = settings.cors_allow_credentials

    def _allowed(self, origin: str | None) -> bool:
        return origin is not None and (origin in self.origins or "*" in self.origins)

    def answer_preflight(self) -> Response | None:
        """A preflight from an allowed origin is answered here, before authentication (the
        browser sends it without credentials); add_headers then adds the CORS headers."""
        is_preflight = "Access-Control-Request-Method" in request.headers
        if request.method == "OPTIONS" and is_preflight and self._allowed(request.origin):
            return Response(status=HTTPStatus.NO_CONTENT.value)
        return None

    def add_headers(self, response: Response) -> Response:
        origin = request.origin
        if origin is None or not self.origins:
            return response
        response.vary.add("Origin")
        if not self._allowed(origin):
            return response
        response.headers["Access-Control-Allow-Origin"] = origin if origin in self.origins else "*"
        if self.credentials:
            response.headers["Access-Control-Allow-Credentials"] = "true"
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response.headers["Access-Control-Allow-Methods"] = ", ".join(CORS_METHODS)
            response.headers["Access-Control-Allow-Headers"] = ", ".join(CORS_HEADERS)
            response.headers["Access-Control-Max-Age"] = str(CORS_MAX_AGE_SECONDS)
        else:
            response.headers["Access-Control-Expose-Headers"] = ", ".join(CORS_EXPOSED_HEADERS)
        return response


def refuse_long_streams() -> None:
    """413 for a chunked body (no Content-Length) above MAX_CONTENT_LENGTH.

    Werkzeug refuses a declared length above the limit, but stops reading a chunked body at
    the limit without an error: the view would parse a truncated body. Reading it here (the
    view gets it from the cache) and asking for one byte more raises the 413.
    """
    if request.content_length is None and request.environ.get("wsgi.input_terminated"):
        request.get_data(cache=True)
        request.stream.read(1)


class ExactPaths(Map):
    """Paths match as sent: "/health//live" is a 404, as in FastAPI and Django, where werkzeug
    would redirect to the merged path with the request's Host header in the Location."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "merge_slashes": False})


def init_app(app: Flask, settings: Settings) -> None:
    allowed_hosts = settings.allowed_host_names

    # Ahead of every route and redirect (and of the hooks but the request id's). Werkzeug's
    # TRUSTED_HOSTS cannot match "[::1]" nor "*": hosts.py has Django's rules.
    @app.before_request
    def refuse_other_hosts() -> None:
        if not host_allowed(request.host, allowed_hosts):
            msg = "The Host header names another host."
            raise BadRequest(msg)

    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_body_bytes
    app.before_request(refuse_long_streams)
    # Swagger UI's standalone layout draws its logo with an inline style, which DOCS_POLICY
    # refuses; the base layout (FastAPI's and Django Ninja's) has none.
    app.config["SWAGGER_CONFIG"] = {"layout": "BaseLayout"}
    headers = security_headers(settings)

    # after_request runs for error responses too (404, 405, 413 and the last-resort 500).
    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        if request.endpoint in DOCS_ENDPOINTS:
            # Swagger UI from this service. The page is built from configuration alone: its
            # inline script and style run by hash.
            policy = for_page(DOCS_POLICY, response.get_data(as_text=True))
            response.headers["Content-Security-Policy"] = header_value(policy)
        return response

    cors = Cors(settings)
    app.before_request(cors.answer_preflight)
    app.after_request(cors.add_headers)
