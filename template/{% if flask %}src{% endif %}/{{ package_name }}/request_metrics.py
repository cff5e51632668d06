"""Request metrics for Flask: a WSGI wrapper around the app, which sees every answer, and the
route template Flask matched ("/api/v1/items/<uuid:item_id>"), noted when the request ends."""

import time
from collections.abc import Iterable
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication

from flask import Flask, request

from .config import Settings
from .dependencies import resources
from .metrics import enabled, request_finished, request_started
from .pool_metrics import watch_pool

# Where the route's template waits in the WSGI environ for the wrapper to read it.
ROUTE_KEY = "service.route"


class RequestMetrics:
    """Count and time every HTTP request, by method, route template and status class."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method: str = environ.get("REQUEST_METHOD", "")
        status = 500  # what the server answers when the app fails before it does

        def start_noting_status(
            status_line: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            nonlocal status
            status = int(status_line.split(maxsplit=1)[0])
            return start_response(status_line, headers, exc_info)

        request_started(method)
        started = time.perf_counter()
        try:
            return self.app(environ, start_noting_status)
        finally:
            route = environ.get(ROUTE_KEY)
            request_finished(method, route, status, time.perf_counter() - started)


def _note_route(_: BaseException | None) -> None:
    # Teardown runs for every request, failed ones included; no rule: no route matched.
    if request.url_rule is not None:
        request.environ[ROUTE_KEY] = request.url_rule.rule


def init_app(app: Flask, settings: Settings) -> None:
    """Wrap the app's WSGI callable and report the engine's pool (after dependencies): only
    when the metrics are served (metrics.enabled)."""
    if not enabled(settings):
        return
    app.wsgi_app = RequestMetrics(app.wsgi_app)  # type: ignore[method-assign]
    app.teardown_request(_note_route)
    watch_pool(resources(app).engine.pool)
