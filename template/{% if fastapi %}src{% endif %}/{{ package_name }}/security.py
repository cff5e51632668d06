"""The HTTP surface: security headers, the CORS allow-list and the request-body limit.

All pure ASGI middleware (no BaseHTTPMiddleware): nothing buffers a body, streaming keeps
working, and every response (errors included) passes through them.
"""

from http import HTTPStatus

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .config import Settings
from .headers import (
    CORS_EXPOSED_HEADERS,
    CORS_HEADERS,
    CORS_MAX_AGE_SECONDS,
    CORS_METHODS,
    security_headers,
)

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


class SecurityHeadersMiddleware:
    """Add the security headers to every response the app sends."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:  # a route that sets its own (cache, CSP) header wins
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimitMiddleware:
    """Refuse request bodies above the limit with a 413, whether declared (Content-Length)
    or streamed (chunked): bytes are counted as they arrive and never read past the limit.

    Starlette's RequestBodyLimitMiddleware answers in plain text; raising the 413 from
    `receive` instead lets the error handlers answer in problem+json.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        too_large = declared.isdigit() and int(declared) > self.max_bytes
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if too_large:
                raise HTTPException(HTTPStatus.REQUEST_ENTITY_TOO_LARGE.value)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(HTTPStatus.REQUEST_ENTITY_TOO_LARGE.value)
            return message

        await self.app(scope, limited_receive, send)


def allowed_methods(app: FastAPI, scope: Scope) -> str:
    """The Allow header of a 405: every method some route accepts on this path, where
    Starlette reports those of the first route that matched the path only."""
    return ", ".join(
        method
        for method in _METHODS
        if any(
            route.matches({**scope, "method": method})[0] is Match.FULL
            for route in app.router.routes
        )
    )


def install_http_security(app: FastAPI, settings: Settings) -> None:
    """Add the middleware; the last added runs first, so the headers land on every answer,
    CORS preflights included."""
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=settings.cors_allow_credentials,
            allow_methods=CORS_METHODS,
            allow_headers=CORS_HEADERS,
            expose_headers=CORS_EXPOSED_HEADERS,
            max_age=CORS_MAX_AGE_SECONDS,
        )
    app.add_middleware(SecurityHeadersMiddleware, headers=security_headers(settings))
