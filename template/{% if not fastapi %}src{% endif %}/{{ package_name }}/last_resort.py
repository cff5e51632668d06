"""The last resort: an exception that escapes the framework is still answered problem+json.

The framework's handlers turn every error of a view into problem+json, but an exception
raised once they are done (a Flask teardown, a Django request signal, a WSGI middleware)
would reach gunicorn, which answers with an HTML page of its own and no request id. The
server wraps the application in this middleware, which answers those with the same
problem+json 500 and logs the traceback once.

Where gunicorn answers by itself, no application code runs: a request it cannot parse (a
malformed request line, a header or URL over its limits) gets gunicorn's plain error page,
and an error while the body of a response is being sent can only close the connection.
"""

import json
import sys
import uuid
from collections.abc import Iterable
from http import HTTPStatus
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import structlog

logger = structlog.get_logger(__name__)

_MAX_REQUEST_ID_LENGTH = 64


def _request_id(environ: WSGIEnvironment) -> str:
    """The client's X-Request-ID if it is a UUID (as the app's own logs have it), else new."""
    incoming = str(environ.get("HTTP_X_REQUEST_ID", ""))
    if incoming and len(incoming) <= _MAX_REQUEST_ID_LENGTH:
        try:
            uuid.UUID(incoming)
        except ValueError:
            pass
        else:
            return incoming
    return uuid.uuid4().hex


class ProblemOnCrash:
    """WSGI middleware: a 500 problem+json for an exception the application let through."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            return self.app(environ, start_response)
        except Exception:
            request_id = _request_id(environ)
            logger.exception(
                "unhandled_exception",
                method=environ.get("REQUEST_METHOD"),
                path=environ.get("PATH_INFO"),
                request_id=request_id,
            )
            status = HTTPStatus.INTERNAL_SERVER_ERROR
            body = json.dumps(
                {
                    "type": "about:blank",
                    "title": status.phrase,
                    "status": status.value,
                    "detail": "An unexpected error occurred.",
                    "request_id": request_id,
                }
            ).encode()
            headers = [
                ("Content-Type", "application/problem+json"),
                ("Content-Length", str(len(body))),
                ("X-Request-ID", request_id),
                ("X-Content-Type-Options", "nosniff"),
                ("Cache-Control", "no-store"),
            ]
            # With exc_info, this answer replaces one the app had started but not yet sent.
            start_response(f"{status.value} {status.phrase}", headers, sys.exc_info())
            return [body]
