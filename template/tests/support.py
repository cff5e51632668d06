"""Test helpers of every framework: problem+json and JSON bodies, security headers, from
httpx2 responses."""

from typing import Any

from httpx2 import Headers, Response


def assert_problem(response: Response, status: int) -> dict[str, Any]:
    """Assert an RFC 9457 problem+json response with this status; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["type"] == "about:blank"
    return body


def json_body(response: Response) -> Any:
    """The response's JSON body; fails the test, showing the body, when there is none."""
    assert response.headers.get("content-type", "").startswith("application/json"), response.text
    return response.json()


def assert_security_headers(headers: Headers) -> None:
    """The headers every response carries, whichever part of the service answered."""
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cache-control"] == "no-store"
    assert "server" not in headers
