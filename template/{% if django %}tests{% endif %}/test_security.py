"""The HTTP surface: security headers on every response, CORS, body limit, methods, types."""

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
import pytest_django
from django.test import Client
from pydantic import ValidationError

from my_service.config import Settings

from .support import JSON, Account, assert_problem

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_KEY = "k3Jx9vQ2mZ7pL4tW8nR1sY6uB0cF5hG2dE9aV7xT"
ALLOWED_ORIGIN = "https://app.example.com"


def assert_security_headers(headers: Mapping[str, str]) -> None:
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert "server" not in headers


def settings_of(**env: str) -> subprocess.CompletedProcess[str]:
    """Load settings.py in a fresh interpreter with this environment; print the HTTP ones."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from my_service import settings as s; print(json.dumps({"
            "'SECURE_HSTS_SECONDS': getattr(s, 'SECURE_HSTS_SECONDS', 0), "
            "'DATA_UPLOAD_MAX_MEMORY_SIZE': s.DATA_UPLOAD_MAX_MEMORY_SIZE, "
            "'CORS_ALLOWED_ORIGINS': getattr(s, 'CORS_ALLOWED_ORIGINS', None)}))",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "SECRET_KEY": PRODUCTION_KEY, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def cors(settings: pytest_django.Settings) -> None:
    """CORS as settings.py sets it up when CORS_ORIGINS lists an origin."""
    common = settings.MIDDLEWARE.index("django.middleware.common.CommonMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:common],
        "corsheaders.middleware.CorsMiddleware",
        *settings.MIDDLEWARE[common:],
    ]
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED_ORIGIN]
    settings.CORS_ALLOW_HEADERS = ["authorization", "content-type", "x-request-id"]


def test_every_response_carries_the_security_headers(client: Client, account: Account) -> None:
    responses = [
        client.get("/health/live"),
        client.get("/api/v1/users/me", headers=account.headers),
        client.get("/no/such/route"),
        client.post("/api/v1/users", {}, content_type=JSON),
        client.put("/health/live"),
    ]
    assert [response.status_code for response in responses] == [200, 200, 404, 422, 405]
    for response in responses:
        assert_security_headers(response.headers)


def test_last_resort_500_carries_the_security_headers(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from my_service import health  # noqa: PLC0415

    def broken() -> None:
        msg = "unexpected"
        raise RuntimeError(msg)

    monkeypatch.setattr(health, "HealthStatus", broken)
    response = client.get("/health/live")
    assert_problem(response, 500)
    assert_security_headers(response.headers)


def test_production_sends_hsts(settings: pytest_django.Settings, client: Client) -> None:
    loaded = settings_of(ENVIRONMENT="production")
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["SECURE_HSTS_SECONDS"] >= 31_536_000
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get("/health/live", secure=True)
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


def test_body_limit_and_cors_come_from_the_environment() -> None:
    loaded = settings_of(MAX_REQUEST_BODY_BYTES="4096", CORS_ORIGINS=ALLOWED_ORIGIN)
    assert loaded.returncode == 0, loaded.stderr
    values = json.loads(loaded.stdout)
    assert values["DATA_UPLOAD_MAX_MEMORY_SIZE"] == 4096
    assert values["CORS_ALLOWED_ORIGINS"] == [ALLOWED_ORIGIN]


def test_start_up_refuses_any_origin_with_credentials() -> None:
    loaded = settings_of(CORS_ORIGINS="*", CORS_ALLOW_CREDENTIALS="true")
    assert loaded.returncode != 0
    assert "CORS_ORIGINS" in loaded.stderr


def test_docs_page_may_load_its_assets_but_not_be_framed(client: Client) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == "frame-ancestors 'none'"


def test_no_cors_headers_without_an_allow_list(client: Client) -> None:
    response = client.get("/health/live", headers={"Origin": ALLOWED_ORIGIN})
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.usefixtures("cors")
@pytest.mark.parametrize("origin", ["https://evil.example", "null", "https://app.example.com.evil"])
def test_cors_refuses_other_origins(client: Client, origin: str) -> None:
    simple = client.get("/health/live", headers={"Origin": origin})
    assert "access-control-allow-origin" not in simple.headers
    preflight = client.options(
        "/api/v1/items", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers


@pytest.mark.usefixtures("cors")
def test_cors_allows_the_listed_origin(client: Client) -> None:
    simple = client.get("/health/live", headers={"Origin": ALLOWED_ORIGIN})
    assert simple.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "origin" in simple.headers["vary"].lower()
    preflight = client.options(
        "/api/v1/items",
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert_security_headers(preflight.headers)


@pytest.mark.parametrize(
    ("origins", "credentials"),
    [("*", True), ("null", False), ("https://app.example.com/", False), ("app.example", False)],
)
def test_settings_refuse_unsafe_cors(
    app_settings: Settings, origins: str, *, credentials: bool
) -> None:
    with pytest.raises(ValidationError, match="CORS_ORIGINS"):
        Settings.model_validate(
            {
                **app_settings.model_dump(),
                "cors_origins": origins,
                "cors_allow_credentials": credentials,
            }
        )


def test_body_above_the_limit_is_413(client: Client, settings: pytest_django.Settings) -> None:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = b'{"email": "' + b"a" * limit + b'"}'
    response = client.post("/api/v1/users", body, content_type=JSON)
    assert_problem(response, 413)
    assert len(response.content) < 1024


def test_undeclared_method_is_405_with_every_allowed_method(
    client: Client, account: Account
) -> None:
    response = client.put("/api/v1/items", headers=account.headers)
    assert_problem(response, 405)
    assert set(response.headers["allow"].split(", ")) == {"GET", "POST"}
    trace = client.generic("TRACE", "/health/live")
    assert_problem(trace, 405)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"title": "x"}', "text/plain"),
        (b"title=x", "application/x-www-form-urlencoded"),
        (b"\xff\xfe not utf-8", JSON),
    ],
)
def test_wrong_content_type_or_encoding_is_4xx_not_500(
    client: Client, account: Account, content: bytes, content_type: str
) -> None:
    response = client.post(
        "/api/v1/items", content, content_type=content_type, headers=account.headers
    )
    assert response.status_code in {415, 422}, response.content
    assert_problem(response, response.status_code)


def test_openapi_documents_errors_as_problems(client: Client) -> None:
    document = client.get("/openapi.json").json()
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for path, path_item in document["paths"].items():
        for method, operation in path_item.items():
            responses = operation["responses"]
            assert "500" in responses, (method, path)
            if operation.get("security"):
                assert "401" in responses, (method, path)
            if "requestBody" in operation:
                assert {"413", "422"} <= set(responses), (method, path)
            for code, response in responses.items():
                if int(code) >= 400:
                    content = response["content"]
                    assert content == {"application/problem+json": {"schema": problem_ref}}
