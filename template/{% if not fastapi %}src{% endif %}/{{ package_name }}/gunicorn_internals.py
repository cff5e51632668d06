"""The one place the service reaches into gunicorn's internals, and the versions checked.

gunicorn has a setting or a hook for everything else the service asks of it (server.py: the
drain after SIGTERM hangs on the `when_ready` hook), but none to leave out the `Server`
header it adds to every response, which tells an attacker which exploits to try. So this
module replaces `gunicorn.http.wsgi.Response.default_headers`. tests/test_gunicorn_internals.py
fails, naming the method, when a gunicorn of another major version is installed or the
method no longer looks as this patch expects: check the patch, then update
CHECKED_MAJOR_VERSION.
"""

from gunicorn.http import wsgi

# The gunicorn release line this patch was last checked against.
CHECKED_MAJOR_VERSION = 27

# gunicorn's own method, kept before the patch replaces it.
gunicorn_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self: wsgi.Response) -> list[str]:
    return [line for line in gunicorn_default_headers(self) if not line.startswith("Server:")]


def drop_server_header() -> None:
    """Make gunicorn's responses leave out `Server: gunicorn` (idempotent)."""
    wsgi.Response.default_headers = _default_headers_without_server  # type: ignore[method-assign]
