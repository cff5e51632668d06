"""Request metrics for Django: the outermost middleware, which sees every answer, and the
route pattern Django resolved ("api/v1/items/<uuid:item_id>", given a leading slash)."""

import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponseBase

from .metrics import enabled, request_finished, request_started


class RequestMetricsMiddleware:
    """Count and time every HTTP request, by method, route template and status class.

    Django keeps no connection pool (db.py): each worker thread holds its own connection,
    so there are no pool metrics to report.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        if not enabled(settings.SERVICE):
            # Django leaves this middleware out of the chain: no metrics are served, so
            # none are counted (metrics.enabled).
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        method = request.method or ""
        request_started(method)
        started = time.perf_counter()
        status = 500  # Django turns failures into responses; this is for the unforeseen
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            match = request.resolver_match
            route = f"/{match.route}" if match is not None and match.route else None
            request_finished(method, route, status, time.perf_counter() - started)
