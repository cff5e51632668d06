"""Accounts for tests, created through the public API: register, then log in.

The test client keeps no cookies: an account's requests send its session cookie (and the
CSRF token) in their headers, so tests can mix accounts, and sessions, freely.
"""

import uuid
from dataclasses import dataclass

from httpx2 import Client, Response

PASSWORD = "correct horse battery staple"
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    cookie_name: str
    cookie: str
    csrf_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Cookie": f"{self.cookie_name}={self.cookie}", CSRF_HEADER: self.csrf_token}

    @property
    def cookie_only(self) -> dict[str, str]:
        """The session cookie without the CSRF token: what a cross-site form would send."""
        return {"Cookie": f"{self.cookie_name}={self.cookie}"}


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:12]}@example.com"


def login(
    client: Client, email: str, password: str = PASSWORD, headers: dict[str, str] | None = None
) -> Response:
    return client.post(
        "/api/v1/auth/login", json={"email": email, "password": password}, headers=headers or {}
    )


def session_cookie(response: Response) -> tuple[str, str]:
    """The name and value of the session cookie a response sets."""
    name, _, value = response.headers["Set-Cookie"].split(";", 1)[0].partition("=")
    return name, value


def logged_in(email: str, password: str, response: Response) -> Account:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body is not None
    name, value = session_cookie(response)
    return Account(email, password, name, value, body["csrf_token"])


def create_account(client: Client, email: str | None = None, password: str = PASSWORD) -> Account:
    """Register and log in; fails the test if either step does."""
    email = email or new_email()
    registered = client.post("/api/v1/users", json={"email": email, "password": password})
    assert registered.status_code == 202, registered.text
    return logged_in(email, password, login(client, email, password))
