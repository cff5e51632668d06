"""Accounts for tests, created through the public API: register, then log in."""

import uuid
from dataclasses import dataclass

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

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


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> TestResponse:
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def create_account(
    client: FlaskClient, email: str | None = None, password: str = PASSWORD
) -> Account:
    """Register and log in; fails the test if either step does."""
    email = email or new_email()
    registered = client.post("/api/v1/users", json={"email": email, "password": password})
    assert registered.status_code == 202, registered.text
    logged_in = login(client, email, password)
    assert logged_in.status_code == 200, logged_in.text
    tokens = logged_in.json
    assert tokens is not None
    return Account(email, password, tokens["access_token"], tokens["refresh_token"])
