"""Accounts for tests, created through the public API: register, then log in."""

import uuid
from dataclasses import dataclass

from httpx2 import Client, Response

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:12]}@example.com"


def login(client: Client, email: str, password: str = PASSWORD) -> Response:
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def log_in(client: Client, email: str, password: str = PASSWORD) -> Account:
    """Log in; fails the test if it does not succeed."""
    response = login(client, email, password)
    assert response.status_code == 200, response.text
    tokens = response.json()
    return Account(email, password, tokens["access_token"], tokens["refresh_token"])


def create_account(client: Client, email: str | None = None, password: str = PASSWORD) -> Account:
    """Register and log in; fails the test if either step does."""
    email = email or new_email()
    registered = client.post("/api/v1/users", json={"email": email, "password": password})
    assert registered.status_code == 202, registered.text
    return log_in(client, email, password)
