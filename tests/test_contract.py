"""The HTTP contract every framework's service keeps: same paths, methods, status codes,
bodies, error shape, request ids and logs. One set of requests, run against each
framework's rendered service through its production server command.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import httpx
import pytest

from extensions.refusals import supported

from .projects import (
    Server,
    answer,
    collect_static,
    production_server,
    rendered_and_installed,
)

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery staple"
PROBLEM_FIELDS = {"type", "title", "status"}
# The detail texts every framework shares (src/<package>/messages.py).
INVALID_JSON = "The request body is not valid JSON."
EXPECTED_JSON = "Expected application/json."
CSRF_FAILED = "The X-CSRF-Token header is missing or wrong."


@pytest.fixture(scope="module", params=supported("framework"))
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp(f"contract-{request.param}")
    rendered = rendered_and_installed(root / "project", framework=request.param)
    if request.param == "django":
        collect_static(rendered)  # the docs page's assets, as the image has them
    return rendered


# Every request here comes from 127.0.0.1: lift the per-client login limit so the many
# logins of this module are not throttled; the per-account limit keeps its default.
GENEROUS = {"AUTH_RATE_LIMIT_PER_CLIENT": "10000 per minute"}
ACCOUNT_LIMIT = 10  # AUTH_RATE_LIMIT_PER_ACCOUNT: "10 per 15 minutes"


@pytest.fixture(scope="module")
def server(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with production_server(project, tmp_path_factory.mktemp("data"), **GENEROUS) as running:
        yield running


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        yield http


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """Assert an RFC 9457 problem+json response that carries the request id."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) >= PROBLEM_FIELDS
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    return body


def account(client: httpx.Client) -> dict[str, str]:
    """Register and log in a new user; return its email and token pair."""
    email = f"user-{uuid.uuid4().hex[:12]}@example.com"
    registered = client.post("/api/v1/users", json={"email": email, "password": PASSWORD})
    assert registered.status_code == 202, registered.text
    tokens = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.text
    return {"email": email, **tokens.json()}


def auth(tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


# ── health and documents ─────────────────────────────────────────────────────


def test_health(client: httpx.Client) -> None:
    for path in ("/health/live", "/health/ready"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {"status": "ok"}


def test_openapi_and_docs(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {
        "/api/v1/users",
        "/api/v1/users/me",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/password",
        "/api/v1/auth/password-reset",
        "/api/v1/auth/password-reset/confirm",
        "/api/v1/auth/verify-email",
        "/api/v1/auth/verify-email/resend",
        "/api/v1/items",
        "/api/v1/items/{item_id}",
    } <= set(document["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "text/html" in docs.headers["content-type"]


def test_no_server_header(client: httpx.Client) -> None:
    assert "server" not in client.get("/health/live").headers


# ── users and auth ───────────────────────────────────────────────────────────


def test_register_does_not_reveal_taken_addresses(client: httpx.Client) -> None:
    email = f"new-{uuid.uuid4().hex[:8]}@example.com"
    response = client.post("/api/v1/users", json={"email": email, "password": PASSWORD})
    assert response.status_code == 202
    assert set(response.json()) == {"detail"}
    duplicate = client.post("/api/v1/users", json={"email": email.upper(), "password": PASSWORD})
    assert (duplicate.status_code, duplicate.json()) == (202, response.json())
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "canary-not-an-email", "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": "canary"}, "password"),
        ({"email": "a@example.com", "password": "x" * 129}, "password"),
        ({"email": "a@example.com", "password": "password1234"}, "password"),
        ({"email": "a@example.com"}, "password"),
        ({"email": "a@example.com", "password": PASSWORD, "is_admin": True}, "is_admin"),
    ],
)
def test_registration_validation(client: httpx.Client, payload: dict[str, Any], field: str) -> None:
    response = client.post("/api/v1/users", json=payload)
    body = problem(response, 422)
    # The policy check (common passwords) looks at the whole body: its loc may be the body.
    assert [error["loc"][-1] for error in body["errors"]] in ([field], ["body"], [])
    assert all(set(error) == {"loc", "message", "type"} for error in body["errors"])
    assert "canary" not in response.text


def test_malformed_json_is_422(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/users", content=b"{not json", headers={"content-type": "application/json"}
    )
    body = problem(response, 422)
    assert (body["detail"], "errors" in body) == (INVALID_JSON, False)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/users", "/api/v1/items"])
def test_a_body_not_declared_json_is_415(
    client: httpx.Client, path: str, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    if path == "/api/v1/items":
        headers |= auth(account(client))
    body = b'{"email": "a@example.com", "password": "x", "title": "t"}'
    response = client.post(path, content=body, headers=headers)
    assert problem(response, 415)["detail"] == EXPECTED_JSON


def test_validation_errors_name_the_field_alike(client: httpx.Client) -> None:
    response = client.post("/api/v1/items", json={"title": 1}, headers=auth(account(client)))
    errors = problem(response, 422)["errors"]
    assert [(error["loc"], error["type"]) for error in errors] == [
        (["body", "title"], "string_type")
    ]
    missing = client.post("/api/v1/users", json={"email": "a@example.com"})
    assert problem(missing, 422)["errors"] == [
        {"loc": ["body", "password"], "message": "Field required", "type": "missing"}
    ]


def test_a_header_over_8190_bytes_is_431(client: httpx.Client, project: Path) -> None:
    """gunicorn refuses it with a page of its own (the README says so); uvicorn passes any
    size on, and the FastAPI service answers the same 431 as a problem."""
    for size in (8_000, 100_000):
        response = client.get("/health/live", headers={"X-Large": "a" * size})
        if size < 8_190:
            assert response.status_code == 200
        elif answer(project, "framework") == "fastapi":
            problem(response, 431)
        else:
            assert response.status_code == 431


# Deeper than any JSON parser recurses: every framework answers the same 422, not a 500.
NESTED_BODIES = [b"[" * 10_000 + b"]" * 10_000, b'{"a":' * 10_000 + b"1" + b"}" * 10_000]


@pytest.mark.parametrize("body", NESTED_BODIES, ids=["array", "object"])
@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/users"])
def test_deeply_nested_json_is_422(client: httpx.Client, path: str, body: bytes) -> None:
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    assert problem(response, 422)["detail"] == "The request body is not valid JSON."


def logged(server: Server, response: httpx.Response) -> str:
    """The server's log once it holds the access line of this response."""
    request_id = response.headers["x-request-id"]
    for _ in range(50):
        if request_id in server.log:
            break
        time.sleep(0.1)
    return server.log


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "canary\x00@example.com", "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": f"canary\x00{PASSWORD}"}, "password"),
    ],
)
def test_nul_characters_are_422_naming_the_field_and_never_logged(
    client: httpx.Client, server: Server, payload: dict[str, Any], field: str
) -> None:
    """PostgreSQL cannot store U+0000: refused on every database, before any query."""
    response = client.post("/api/v1/users", json=payload)
    body = problem(response, 422)
    assert [error["loc"][-1] for error in body["errors"]] == [field]
    login = client.post("/api/v1/auth/login", json=payload)
    assert [error["loc"][-1] for error in problem(login, 422)["errors"]] == [field]
    assert "canary" not in response.text + login.text
    assert "canary" not in logged(server, login)


def test_login_refresh_and_me(client: httpx.Client) -> None:
    tokens = account(client)
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 900
    me = client.get("/api/v1/users/me", headers=auth(tokens))
    assert me.status_code == 200
    assert me.json()["email"] == tokens["email"]

    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    assert set(refreshed.json()) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert client.get("/api/v1/users/me", headers=auth(refreshed.json())).status_code == 200


def test_refresh_rotates_and_reuse_revokes_the_session(client: httpx.Client) -> None:
    tokens = account(client)
    first = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert first.status_code == 200
    # The old refresh token was rotated away: presenting it again means it was copied.
    reused = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    problem(reused, 401)
    # ... so the whole session is revoked: the newest tokens die too.
    latest = first.json()
    newest = client.post("/api/v1/auth/refresh", json={"refresh_token": latest["refresh_token"]})
    problem(newest, 401)
    problem(client.get("/api/v1/users/me", headers=auth(latest)), 401)


def test_logout_revokes_the_session(client: httpx.Client) -> None:
    tokens = account(client)
    assert client.post("/api/v1/auth/logout", headers=auth(tokens)).status_code == 204
    problem(client.get("/api/v1/users/me", headers=auth(tokens)), 401)
    refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    problem(refresh, 401)


def test_password_change_revokes_every_session(client: httpx.Client) -> None:
    tokens = account(client)
    other = client.post("/api/v1/auth/login", json={"email": tokens["email"], "password": PASSWORD})
    new_password = "another long passphrase 42"
    wrong = client.post(
        "/api/v1/auth/password",
        json={"current_password": "not the password", "new_password": new_password},
        headers=auth(tokens),
    )
    problem(wrong, 401)
    changed = client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": new_password},
        headers=auth(tokens),
    )
    assert changed.status_code == 204
    for pair in (tokens, other.json()):
        problem(client.get("/api/v1/users/me", headers=auth(pair)), 401)
    login = client.post("/api/v1/auth/login", json={"email": tokens["email"], "password": PASSWORD})
    problem(login, 401)
    login = {"email": tokens["email"], "password": new_password}
    assert client.post("/api/v1/auth/login", json=login).status_code == 200


def test_login_is_throttled_per_account(client: httpx.Client) -> None:
    tokens = account(client)  # one login spent
    wrong = {"email": tokens["email"], "password": "not the password"}
    statuses = [
        client.post("/api/v1/auth/login", json=wrong).status_code for _ in range(ACCOUNT_LIMIT)
    ]
    assert statuses == [401] * (ACCOUNT_LIMIT - 1) + [429]
    right = client.post("/api/v1/auth/login", json={"email": tokens["email"], "password": PASSWORD})
    problem(right, 429)  # the right password does not get through a spent budget either
    assert 1 <= int(right.headers["retry-after"]) <= 15 * 60


def test_tokens_are_not_interchangeable(client: httpx.Client) -> None:
    tokens = account(client)
    as_refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["access_token"]})
    problem(as_refresh, 401)
    as_access = client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}
    )
    problem(as_access, 401)


def test_bad_credentials_look_the_same(client: httpx.Client) -> None:
    tokens = account(client)
    wrong = client.post("/api/v1/auth/login", json={"email": tokens["email"], "password": "x" * 12})
    unknown = client.post(
        "/api/v1/auth/login", json={"email": "no@example.com", "password": PASSWORD}
    )
    assert problem(wrong, 401)["detail"] == problem(unknown, 401)["detail"]


RESET = "/api/v1/auth/password-reset"
RESET_REQUESTED = "If the address has an account, a link to reset its password is on its way."
INVALID_RESET_TOKEN = "The reset link is invalid, already used or expired."
RESET_ACCOUNT_LIMIT = 3  # PASSWORD_RESET_RATE_LIMIT_PER_ACCOUNT: "3 per hour"


def test_password_reset_does_not_reveal_accounts(client: httpx.Client) -> None:
    """The same 202 and body for a known and an unknown address (tests/test_mail.py
    follows the mail's link against a real SMTP server)."""
    known = client.post(RESET, json={"email": account(client)["email"]})
    unknown = client.post(RESET, json={"email": f"nobody-{uuid.uuid4().hex[:12]}@example.com"})
    for response in (known, unknown):
        assert response.status_code == 202, response.text
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {"detail": RESET_REQUESTED}


def test_password_reset_is_throttled_per_address(client: httpx.Client) -> None:
    email = f"nobody-{uuid.uuid4().hex[:12]}@example.com"
    statuses = [
        client.post(RESET, json={"email": email}).status_code for _ in range(RESET_ACCOUNT_LIMIT)
    ]
    assert statuses == [202] * RESET_ACCOUNT_LIMIT
    limited = client.post(RESET, json={"email": email.upper()})  # the same address
    problem(limited, 429)
    assert int(limited.headers["retry-after"]) >= 1


@pytest.mark.parametrize("token", ["not-a-token", "A" * 43])
def test_an_unknown_reset_token_is_400(client: httpx.Client, token: str) -> None:
    confirm = {"token": token, "new_password": "amber lantern meadow seven"}
    body = problem(client.post(f"{RESET}/confirm", json=confirm), 400)
    assert body["detail"] == INVALID_RESET_TOKEN


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("", {"email": "not-an-email"}, "email"),
        ("", {}, "email"),
        ("/confirm", {"token": "t", "new_password": "short"}, "new_password"),
        ("/confirm", {"new_password": "amber lantern meadow seven"}, "token"),
        ("/confirm", {"token": "", "new_password": "amber lantern meadow seven"}, "token"),
    ],
)
def test_password_reset_validation(
    client: httpx.Client, path: str, payload: dict[str, Any], field: str
) -> None:
    body = problem(client.post(f"{RESET}{path}", json=payload), 422)
    assert [error["loc"][-1] for error in body["errors"]] == [field]


VERIFY = "/api/v1/auth/verify-email"
VERIFICATION_RESENT = "If the address has an account to verify, a new link is on its way."
INVALID_VERIFICATION_TOKEN = "The verification link is invalid, already used or expired."


def test_verification_resend_does_not_reveal_accounts(client: httpx.Client) -> None:
    """The same 202 and body for an unverified, a verified-or-not known and an unknown
    address (tests/test_mail.py follows the verification link against a real SMTP server)."""
    known = client.post(f"{VERIFY}/resend", json={"email": account(client)["email"]})
    unknown = client.post(
        f"{VERIFY}/resend", json={"email": f"nobody-{uuid.uuid4().hex[:12]}@example.com"}
    )
    for response in (known, unknown):
        assert response.status_code == 202, response.text
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {"detail": VERIFICATION_RESENT}


def test_verification_resend_is_throttled_per_address(client: httpx.Client) -> None:
    email = f"nobody-{uuid.uuid4().hex[:12]}@example.com"
    for _ in range(RESET_ACCOUNT_LIMIT):
        assert client.post(f"{VERIFY}/resend", json={"email": email}).status_code == 202
    limited = client.post(f"{VERIFY}/resend", json={"email": email.upper()})
    problem(limited, 429)
    assert int(limited.headers["retry-after"]) >= 1


@pytest.mark.parametrize("token", ["not-a-token", "A" * 43])
def test_an_unknown_verification_token_is_400(client: httpx.Client, token: str) -> None:
    body = problem(client.post(VERIFY, json={"token": token}), 400)
    assert body["detail"] == INVALID_VERIFICATION_TOKEN


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("", {}, "token"),
        ("", {"token": ""}, "token"),
        ("", {"token": "t", "extra": 1}, "extra"),
        ("/resend", {"email": "not-an-email"}, "email"),
        ("/resend", {}, "email"),
    ],
)
def test_email_verification_validation(
    client: httpx.Client, path: str, payload: dict[str, Any], field: str
) -> None:
    body = problem(client.post(f"{VERIFY}{path}", json=payload), 422)
    assert [error["loc"][-1] for error in body["errors"]] == [field]


def test_a_new_account_is_not_verified_yet(client: httpx.Client) -> None:
    me = client.get("/api/v1/users/me", headers=auth(account(client)))
    assert me.status_code == 200, me.text
    assert me.json()["email_verified"] is False


def test_missing_or_bad_token_is_401_with_challenge(client: httpx.Client) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic eA=="}):
        response = client.get("/api/v1/users/me", headers=headers)
        problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"


# ── items ────────────────────────────────────────────────────────────────────


def test_items_crud(client: httpx.Client) -> None:
    headers = auth(account(client))
    created = client.post(
        "/api/v1/items", json={"title": " Buy milk ", "description": "2 l"}, headers=headers
    )
    assert created.status_code == 201
    item = created.json()
    assert set(item) == {"id", "title", "description", "created_at", "updated_at"}
    assert (item["title"], item["description"]) == ("Buy milk", "2 l")
    for stamp in (item["created_at"], item["updated_at"]):  # never a naive timestamp
        assert stamp.endswith(("Z", "+00:00")), stamp
    url = f"/api/v1/items/{item['id']}"

    assert client.get(url, headers=headers).json() == item
    patched = client.patch(url, json={"description": None}, headers=headers)
    assert patched.status_code == 200
    assert (patched.json()["title"], patched.json()["description"]) == ("Buy milk", None)

    deleted = client.delete(url, headers=headers)
    assert deleted.status_code == 204
    assert deleted.content == b""
    problem(client.get(url, headers=headers), 404)


def test_items_pagination(client: httpx.Client) -> None:
    headers = auth(account(client))
    for number in range(3):
        client.post("/api/v1/items", json={"title": f"item {number}"}, headers=headers)
    page = client.get("/api/v1/items", params={"limit": 2, "offset": 1}, headers=headers).json()
    assert set(page) == {"items", "total", "limit", "offset"}
    assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (3, 2, 1, 2)
    default = client.get("/api/v1/items", headers=headers).json()
    assert (default["limit"], default["offset"]) == (20, 0)
    for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}):
        problem(client.get("/api/v1/items", params=params, headers=headers), 422)


@pytest.mark.parametrize(
    "payload",
    [{}, {"title": ""}, {"title": "   "}, {"title": "x" * 201}, {"title": "t", "owner_id": 1}],
)
def test_item_validation(client: httpx.Client, payload: dict[str, Any]) -> None:
    headers = auth(account(client))
    problem(client.post("/api/v1/items", json=payload, headers=headers), 422)


def test_items_created_in_quick_succession_list_newest_first(client: httpx.Client) -> None:
    """Within one second: the timestamps keep microseconds on every database."""
    headers = auth(account(client))
    for number in range(4):
        client.post("/api/v1/items", json={"title": f"W{number}"}, headers=headers)
    listed = client.get("/api/v1/items", headers=headers).json()["items"]
    assert [item["title"] for item in listed] == ["W3", "W2", "W1", "W0"]


def test_nul_in_an_item_is_422_naming_the_field_and_never_logged(
    client: httpx.Client, server: Server
) -> None:
    headers = auth(account(client))
    created = client.post("/api/v1/items", json={"title": "canary\x00"}, headers=headers)
    assert [error["loc"][-1] for error in problem(created, 422)["errors"]] == ["title"]
    item = client.post("/api/v1/items", json={"title": "t"}, headers=headers).json()
    url = f"/api/v1/items/{item['id']}"
    patched = client.patch(url, json={"description": "canary\x00"}, headers=headers)
    assert [error["loc"][-1] for error in problem(patched, 422)["errors"]] == ["description"]
    assert "canary" not in created.text + patched.text
    assert "canary" not in logged(server, patched)


@pytest.mark.parametrize("body", NESTED_BODIES, ids=["array", "object"])
def test_deeply_nested_item_is_422(client: httpx.Client, body: bytes) -> None:
    headers = {"content-type": "application/json", **auth(account(client))}
    response = client.post("/api/v1/items", content=body, headers=headers)
    assert problem(response, 422)["detail"] == "The request body is not valid JSON."


def chunked(body: bytes, size: int = 65_536) -> Iterator[bytes]:
    """The body as a chunked upload: no Content-Length, the size is known by counting."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def test_chunked_bodies_are_read_and_limited(client: httpx.Client) -> None:
    headers = {"content-type": "application/json", **auth(account(client))}
    body = b'{"title": "streamed"}'
    created = client.post("/api/v1/items", content=chunked(body), headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["title"] == "streamed"
    # Far above MAX_REQUEST_BODY_BYTES (1 MiB by default).
    large = b'{"title": "' + b"a" * 20 * 1_048_576 + b'"}'
    problem(client.post("/api/v1/items", content=chunked(large), headers=headers), 413)


def test_items_are_private(client: httpx.Client) -> None:
    owner, other = auth(account(client)), auth(account(client))
    item = client.post("/api/v1/items", json={"title": "mine"}, headers=owner).json()
    url = f"/api/v1/items/{item['id']}"
    assert client.get("/api/v1/items", headers=other).json()["total"] == 0
    problem(client.get(url, headers=other), 404)
    problem(client.patch(url, json={"title": "theirs"}, headers=other), 404)
    problem(client.delete(url, headers=other), 404)
    problem(client.get("/api/v1/items"), 401)
    problem(client.get(f"/api/v1/items/{uuid.uuid4()}", headers=owner), 404)
    problem(client.get("/api/v1/items/not-a-uuid", headers=owner), 422)


# ── a browser page on another origin, with the session scheme ────────────────

APP_ORIGIN = "https://app.example.com"


@pytest.mark.parametrize("framework", supported("framework"))
def test_cross_origin_writes_with_the_session_cookie(framework: str, tmp_path: Path) -> None:
    """A page on an origin CORS allows with credentials signs in, then writes with the
    session cookie and its CSRF token, as fetch(..., {credentials: "include"}) does: the
    preflight allows the CSRF header, and the write is a 201 in every framework."""
    project = rendered_and_installed(tmp_path / "project", framework=framework, auth="session")
    cors = {"CORS_ORIGINS": APP_ORIGIN, "CORS_ALLOW_CREDENTIALS": "true"}
    with (
        production_server(project, tmp_path / "data", **GENEROUS, **cors) as server,
        httpx.Client(
            base_url=server.base_url, timeout=10, headers={"Origin": APP_ORIGIN}
        ) as client,
    ):
        preflight = client.options(
            "/api/v1/items",
            headers={
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,x-csrf-token",
            },
        )
        assert preflight.status_code in {200, 204}, preflight.text
        assert preflight.headers["access-control-allow-origin"] == APP_ORIGIN
        assert preflight.headers["access-control-allow-credentials"] == "true"
        assert "POST" in preflight.headers["access-control-allow-methods"]
        allowed = preflight.headers["access-control-allow-headers"].lower().replace(" ", "")
        assert {"content-type", "x-csrf-token"} <= set(allowed.split(","))

        email = f"app-{uuid.uuid4().hex[:12]}@example.com"
        credentials = {"email": email, "password": PASSWORD}
        assert client.post("/api/v1/users", json=credentials).status_code == 202
        login = client.post("/api/v1/auth/login", json=credentials)
        assert login.status_code == 200, login.text
        assert login.headers["access-control-allow-credentials"] == "true"
        # The cookie is Secure: over plain HTTP the client would not send it back by itself.
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(login.headers["set-cookie"])
        session = "; ".join(f"{name}={morsel.value}" for name, morsel in cookie.items())
        client.cookies.clear()
        write = {"Cookie": session, "X-CSRF-Token": str(login.json()["csrf_token"])}

        created = client.post("/api/v1/items", json={"title": "from the app"}, headers=write)
        assert created.status_code == 201, created.text
        assert created.headers["access-control-allow-origin"] == APP_ORIGIN
        assert created.headers["access-control-allow-credentials"] == "true"
        # The cookie alone (what another site's form would carry) is not enough to write.
        forged = client.post("/api/v1/items", json={"title": "forged"}, headers={"Cookie": session})
        assert problem(forged, 403)["detail"] == CSRF_FAILED
        listed = client.get("/api/v1/items", headers={"Cookie": session})
        assert [item["title"] for item in listed.json()["items"]] == ["from the app"]


# ── framework-level errors and request ids ───────────────────────────────────


def test_unknown_route_and_wrong_method(client: httpx.Client) -> None:
    problem(client.get("/no/such/route"), 404)
    response = client.put("/health/live")
    problem(response, 405)
    assert "GET" in response.headers["allow"]


@pytest.mark.parametrize("path", ["/health/live", "/health/live/", "/health//live", "/nowhere"])
def test_another_host_is_refused_and_never_named(client: httpx.Client, path: str) -> None:
    """A forged Host header behind the trusted proxy (https): a 400 problem, never a redirect
    to that host; the path spelled otherwise is a 404 for an allowed host too, no redirect."""
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    forged = client.get(path, headers={**proxied, "Host": "evil.example"})
    problem(forged, 400)
    assert "evil.example" not in forged.headers.get("location", "")
    allowed = client.get(path, headers=proxied)
    assert allowed.status_code in {200, 404}, allowed.text
    assert "location" not in allowed.headers


def test_request_ids(client: httpx.Client) -> None:
    generated = client.get("/health/live").headers["x-request-id"]
    assert uuid.UUID(generated)
    incoming = str(uuid.uuid4())
    echoed = client.get("/health/live", headers={"X-Request-ID": incoming}).headers["x-request-id"]
    assert uuid.UUID(echoed) == uuid.UUID(incoming)
    forged = client.get("/health/live", headers={"X-Request-ID": "forged; level=critical"})
    assert uuid.UUID(forged.headers["x-request-id"])


def test_logs_are_json_with_request_ids_and_access_fields(project: Path, tmp_path: Path) -> None:
    """A server of its own: it is stopped to read everything it logged."""
    incoming = str(uuid.uuid4())
    with production_server(project, tmp_path) as server:
        with httpx.Client(base_url=server.base_url, timeout=10) as client:
            client.get("/health/ready", headers={"X-Request-ID": incoming})
            account(client)
        code, seconds = server.stop()
    assert code == 0, server.log
    assert seconds < 25
    records = [json.loads(line) for line in server.log.splitlines() if line.strip()]
    access = [
        record
        for record in records
        if record.get("event") == "request" and record.get("path") == "/health/ready"
    ]
    assert any(
        uuid.UUID(record["request_id"]) == uuid.UUID(incoming)
        and record["status"] == 200
        and record["method"] == "GET"
        for record in access
    ), access
    assert PASSWORD not in server.log


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(path, method) -> what a client relies on: success codes, body fields, parameters, and
    the summary its docs and generated code show."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    schemas = document.get("components", {}).get("schemas", {})

    def properties(schema: dict[str, Any]) -> set[str]:
        while "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
        return set(schema.get("properties", {}))

    for path, methods in document["paths"].items():
        if not path.startswith(("/api/", "/health/")):
            continue
        for method, operation in methods.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            found[(path, method)] = {
                "success": sorted(
                    code for code in map(str, operation["responses"]) if code < "300"
                ),
                "body": properties(body["schema"]) if body else set(),
                "query": sorted(
                    parameter["name"]
                    for parameter in operation.get("parameters", [])
                    if parameter["in"] == "query"
                ),
                "summary": operation.get("summary"),
            }
    return found


def test_openapi_documents_agree_across_frameworks(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Every framework documents the same operations, success codes, request fields and
    summaries."""
    documents = {}
    for framework in supported("framework"):
        root = tmp_path_factory.mktemp(f"openapi-{framework}")
        rendered = rendered_and_installed(root / "project", framework=framework)
        with production_server(rendered, root) as running:
            documents[framework] = operations(httpx.get(f"{running.base_url}/openapi.json").json())
            running.stop()
    reference = documents["fastapi"]
    # 2 health, register, me, login, refresh, logout, password, 2 password reset,
    # 2 email verification, 5 on items
    assert len(reference) == 17
    for framework, document in documents.items():
        assert document == reference, framework
