"""What logging needs from Flask's stack: gunicorn's and Werkzeug's loggers, the development
server's access line, and the request id that request_id.py keeps. (gunicorn's access line
is fields already: server.py.)"""

import re

from .request_id import current_request_id

__all__ = ["LEVELS", "ROUTED_LOGGERS", "access_fields", "current_request_id"]

# Loggers of the server and libraries that should go through our handler, not their own.
ROUTED_LOGGERS = ("gunicorn", "gunicorn.error", "gunicorn.access", "werkzeug", "alembic")
# Loggers at another level than LOG_LEVEL: none.
LEVELS: dict[str, int] = {}
_REQUEST_LINE_PARTS = 3  # "GET /path HTTP/1.1"; Werkzeug logs it with status and size
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # Werkzeug colours the request line by status


def access_fields(logger: str, args: tuple[object, ...]) -> dict[str, object] | None:
    """The development server's access line as fields: method, path, status."""
    if logger != "werkzeug" or len(args) != _REQUEST_LINE_PARTS:
        return None
    request_line, status, _ = args
    parts = _COLOUR.sub("", str(request_line)).split(" ")
    if len(parts) != _REQUEST_LINE_PARTS or not str(status).isdigit():
        return None
    method, path, _ = parts
    return {"method": method, "path": path, "status": int(str(status))}
