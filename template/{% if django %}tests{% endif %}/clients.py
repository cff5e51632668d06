"""The tests' HTTP client: httpx2 over Django's WSGI handler, in the test's own thread.

Every framework's tests speak to their app through an ``httpx2.Client`` (FastAPI's
TestClient is one), so a test reads the same whichever framework it runs on. The handler
runs in the test's thread, inside pytest-django's transaction, which is rolled back after
the test. Unlike Django's own test client, it does not skip the CSRF checks.
"""

from collections.abc import Iterable
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any
from wsgiref.types import StartResponse

import httpx2
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

# https, as in production: the session cookie is a __Host- cookie, sent over HTTPS only.
BASE_URL = "https://testserver"
# Browsers name the page's origin on every unsafe request; Django's CSRF check over HTTPS
# wants it (or a Referer).
BROWSER_HEADERS = {"Origin": BASE_URL}


class TestApplication:
    """Django's WSGI handler as a test needs it (as django.test.client.ClientHandler does):
    the middleware is loaded at the first request, so settings a test changes before it
    apply, and the database connection stays open after a request: it holds the test's
    transaction."""

    def __init__(self) -> None:
        self._handler: WSGIHandler | None = None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self._handler is None:
            self._handler = WSGIHandler()
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self._handler(environ, start_response)
            body = b"".join(response)
            response.close()  # the server's part: it sends request_finished
            return [body]
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


def client_for(*, remote_addr: str = "127.0.0.1", cookies: bool = True) -> httpx2.Client:
    """A client of the service from this address. Without cookies, a request carries only the
    cookies it names itself (each account's own), as with several browsers."""
    jar = None if cookies else CookieJar(DefaultCookiePolicy(allowed_domains=[]))
    transport = httpx2.WSGITransport(app=TestApplication(), remote_addr=remote_addr)
    return httpx2.Client(
        transport=transport, base_url=BASE_URL, cookies=jar, headers=BROWSER_HEADERS
    )
