"""What logging needs from Django's stack: gunicorn's and Django's loggers, the development
server's access line, and the request id that request_id.py keeps."""

import logging

from .request_id import current_request_id

__all__ = ["LEVELS", "ROUTED_LOGGERS", "access_fields", "current_request_id"]

# Loggers of the server and libraries that should go through our handler, not their own.
ROUTED_LOGGERS = ("gunicorn", "gunicorn.error", "gunicorn.access", "django", "django.server")
# Django also logs every 4xx answer as a warning: the access log has them already.
LEVELS = {"django.request": logging.ERROR}
_REQUEST_LINE_PARTS = 3  # "GET /path HTTP/1.1"; runserver logs it with status and size


def access_fields(logger: str, args: tuple[object, ...]) -> dict[str, object] | None:
    """The development server's access line as fields: method, path, status."""
    if logger != "django.server" or len(args) != _REQUEST_LINE_PARTS:
        return None
    request_line, status, _ = args
    parts = str(request_line).split(" ")
    if len(parts) != _REQUEST_LINE_PARTS:
        return None
    method, path, _ = parts
    return {"method": method, "path": path, "status": int(str(status))}
