"""The tests' HTTP client: httpx2 over WSGI, in the test's own thread.

Every framework's tests speak to their app through an ``httpx2.Client`` (FastAPI's
TestClient is one), so a test reads the same whichever framework it runs on.
"""

from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx2
from flask import Flask

# https, as in production: the session cookie is a __Host- cookie, sent over HTTPS only.
BASE_URL = "https://testserver"


def client_for(
    app: Flask, *, remote_addr: str = "127.0.0.1", cookies: bool = True
) -> httpx2.Client:
    """A client of this app from this address. Without cookies, a request carries only the
    cookies it names itself (each account's own), as with several browsers."""
    jar = None if cookies else CookieJar(DefaultCookiePolicy(allowed_domains=[]))
    transport = httpx2.WSGITransport(app=app, remote_addr=remote_addr)
    return httpx2.Client(transport=transport, base_url=BASE_URL, cookies=jar)
