"""The tests' HTTP client: FastAPI's TestClient, an ``httpx2.Client`` that also runs the
app's lifespan (use it in a ``with`` block).

Every framework's tests speak to their app through an ``httpx2.Client``, so a test reads
the same whichever framework it runs on.
"""

from fastapi import FastAPI
from fastapi.testclient import TestClient

# https, as in production: the session cookie is a __Host- cookie, sent over HTTPS only.
BASE_URL = "https://testserver"


def client_for(app: FastAPI, *, raise_server_exceptions: bool = True) -> TestClient:
    """A client of this app. With ``raise_server_exceptions=False`` an unhandled error is
    the 500 response a client would see, not an exception in the test."""
    return TestClient(app, base_url=BASE_URL, raise_server_exceptions=raise_server_exceptions)
