"""Test helpers: accounts created through the public API."""

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response

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


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> Account:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    tokens = response.json()
    return Account(email, password, tokens["access_token"], tokens["refresh_token"])


def create_account(
    client: TestClient, email: str | None = None, password: str = PASSWORD
) -> Account:
    """Register and log in; fails the test if either step does."""
    email = email or new_email()
    registered = client.post("/api/v1/users", json={"email": email, "password": password})
    assert registered.status_code == 202, registered.text
    return log_in(client, email, password)


def assert_problem(response: Response, status: int) -> dict[str, Any]:
    """Assert an RFC 9457 problem+json response with this status; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["type"] == "about:blank"
    return body
