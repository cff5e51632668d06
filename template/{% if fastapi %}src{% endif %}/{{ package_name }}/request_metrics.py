"""Request metrics for FastAPI: a pure ASGI middleware around the whole app (metrics.py).

FastAPI puts the route it matched (Starlette: its endpoint) into the request's scope. That
route keeps the path it was declared with ("/{item_id}" of the items router); the template
the app serves it at ("/api/v1/items/{item_id}") is the one the label needs, so the
middleware maps each route and endpoint to its template once, at the first request.
"""

import time
from typing import Any

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .config import Settings
from .metrics import enabled, request_finished, request_started
from .pool_metrics import watch_pool


class RequestMetricsMiddleware:
    """Count and time every HTTP request, by method, route template and status class."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._templates: dict[int, str] = {}

    def _template(self, scope: Scope) -> str | None:
        """The full path template of the route that answered, None when none matched."""
        if not self._templates:  # the routes are all in place by the first request
            for context in iter_route_contexts(scope["app"].routes):
                route: Any = context.original_route
                endpoint = getattr(route, "endpoint", getattr(route, "app", None))
                if context.path_format:
                    self._templates.setdefault(id(route), context.path_format)
                    self._templates.setdefault(id(endpoint), context.path_format)
        for key in ("route", "endpoint"):
            if (matched := scope.get(key)) is not None and id(matched) in self._templates:
                return self._templates[id(matched)]
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        # What the client gets when the app fails before it answers (Starlette's 500).
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        request_started(method)
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            request_finished(method, self._template(scope), status, time.perf_counter() - started)


def install_request_metrics(app: FastAPI, settings: Settings) -> None:
    """Add the middleware (outermost when added last) and report the engine's pool: only
    when the metrics are served (metrics.enabled)."""
    if not enabled(settings):
        return
    app.add_middleware(RequestMetricsMiddleware)
    watch_pool(app.state.engine.sync_engine.pool)
