"""Test helpers: accounts created through the public API, and problem+json checks."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pytest
    from django.test import Client

    # The test client's response type (with .json()), which exists only in django-stubs.
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

PASSWORD = "correct horse battery staple"
JSON = "application/json"


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


def create_account(client: Client, email: str | None = None, password: str = PASSWORD) -> Account:
    """Register and log in; fails the test if either step does."""
    email = email or new_email()
    credentials = {"email": email, "password": password}
    registered = client.post("/api/v1/users", credentials, content_type=JSON)
    assert registered.status_code == 202, registered.content
    logged_in = client.post("/api/v1/auth/login", credentials, content_type=JSON)
    assert logged_in.status_code == 200, logged_in.content
    tokens = logged_in.json()
    return Account(email, password, tokens["access_token"], tokens["refresh_token"])


def assert_problem(response: Response, status: int) -> dict[str, Any]:
    """Assert an RFC 9457 problem+json response with this status; return its body."""
    assert response.status_code == status, response.content
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["type"] == "about:blank"
    assert body["request_id"] == response.headers["x-request-id"]
    return body


class JsonLog:
    """The structured log lines written during this test (see the `json_log` fixture)."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self._caplog = caplog

    def lines(self) -> list[dict[str, Any]]:
        # structlog hands the standard library its event dict; JSON is what would be written.
        return [
            json.loads(json.dumps(record.msg, default=str))
            for record in self._caplog.records
            if isinstance(record.msg, dict)
        ]

    def events(self) -> set[str]:
        return {str(line["event"]) for line in self.lines()}
