"""Test helpers: problem+json and JSON bodies."""

from typing import Any

from werkzeug.test import TestResponse


def assert_problem(response: TestResponse, status: int) -> dict[str, Any]:
    """Assert an RFC 9457 problem+json response with this status; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.get_json(force=True)
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["type"] == "about:blank"
    return body


def json_body(response: TestResponse) -> Any:
    """The response's JSON body; fails the test when there is none."""
    body = response.get_json(silent=True)
    assert body is not None, response.text
    return body
