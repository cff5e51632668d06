"""What logging needs from FastAPI's stack: uvicorn's loggers and access line, and the
request id that asgi-correlation-id keeps for the request being served."""

from asgi_correlation_id import correlation_id

# Loggers of the server and libraries that should go through our handler, not their own.
ROUTED_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "alembic", "asgi_correlation_id")
# Loggers at another level than LOG_LEVEL: none.
LEVELS: dict[str, int] = {}
_ACCESS_LINE_ARGS = 5  # client, method, path, HTTP version, status


def current_request_id() -> str | None:
    """The id of the request being served, or None outside a request."""
    return correlation_id.get()


def access_fields(logger: str, args: tuple[object, ...]) -> dict[str, object] | None:
    """uvicorn's access line as fields: client, method, path, status."""
    if logger != "uvicorn.access" or len(args) != _ACCESS_LINE_ARGS:
        return None
    client, method, path, _, status = args
    return {"client": client, "method": method, "path": path, "status": status}
