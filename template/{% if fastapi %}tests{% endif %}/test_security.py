"""The HTTP surface: security headers on every response, CORS, body limit, methods, types."""

from collections.abc import Iterator, Mapping

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from my_service.app import create_app
from my_service.config import Settings

from .support import Account, assert_problem

ALLOWED_ORIGIN = "https://app.example.com"


def assert_security_headers(headers: Mapping[str, str]) -> None:
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert "server" not in headers


@pytest.fixture
def cors_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"cors_origins": [ALLOWED_ORIGIN]}))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_every_response_carries_the_security_headers(
    app: FastAPI, client: TestClient, account: Account
) -> None:
    @app.get("/boom")
    async def boom() -> None:
        msg = "unexpected"
        raise RuntimeError(msg)

    responses = [
        client.get("/health/live"),
        client.get("/api/v1/users/me", headers=account.headers),
        client.get("/no/such/route"),
        client.post("/api/v1/users", json={}),
        client.get("/boom"),
    ]
    assert [response.status_code for response in responses] == [200, 200, 404, 422, 500]
    for response in responses:
        assert_security_headers(response.headers)
    # Outside production the service speaks plain HTTP: no HSTS.
    assert "strict-transport-security" not in responses[0].headers


def test_production_sends_hsts(settings: Settings) -> None:
    production = settings.model_copy(update={"environment": "production"})
    with TestClient(create_app(production)) as client:
        response = client.get("/health/live")
    hsts = response.headers["strict-transport-security"]
    assert hsts == f"max-age={settings.hsts_seconds}; includeSubDomains"
    assert settings.hsts_seconds >= 31_536_000


def test_docs_page_may_load_its_assets_but_not_be_framed(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == "frame-ancestors 'none'"


def test_no_cors_headers_without_an_allow_list(client: TestClient) -> None:
    response = client.get("/health/live", headers={"Origin": ALLOWED_ORIGIN})
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "https://app.example.com.evil"])
def test_cors_refuses_other_origins(cors_client: TestClient, origin: str) -> None:
    simple = cors_client.get("/health/live", headers={"Origin": origin})
    assert "access-control-allow-origin" not in simple.headers
    preflight = cors_client.options(
        "/api/v1/items",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_allows_the_listed_origin(cors_client: TestClient) -> None:
    simple = cors_client.get("/health/live", headers={"Origin": ALLOWED_ORIGIN})
    assert simple.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "Origin" in simple.headers["vary"]
    preflight = cors_client.options(
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
    settings: Settings, origins: str, *, credentials: bool
) -> None:
    with pytest.raises(ValidationError, match="CORS_ORIGINS"):
        Settings.model_validate(
            {
                **settings.model_dump(),
                "cors_origins": origins,
                "cors_allow_credentials": credentials,
            }
        )


def test_cors_origins_read_from_a_comma_separated_variable(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, http://localhost:3000")
    loaded = Settings(_env_file=None, database_url=settings.database_url)
    assert loaded.cors_origins == ["https://a.example", "http://localhost:3000"]


def test_body_above_the_limit_is_413(client: TestClient, settings: Settings) -> None:
    body = b'{"email": "' + b"a" * settings.max_request_body_bytes + b'"}'
    response = client.post(
        "/api/v1/users", content=body, headers={"content-type": "application/json"}
    )
    assert_problem(response, 413)
    assert len(response.content) < 1024


def test_streamed_body_above_the_limit_is_413(client: TestClient, settings: Settings) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the size is only known by counting
        yield b'{"email": "'
        for _ in range(settings.max_request_body_bytes // 65_536 + 1):
            yield b"a" * 65_536
        yield b'"}'

    response = client.post(
        "/api/v1/users", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_problem(response, 413)


def test_undeclared_method_is_405_with_every_allowed_method(
    client: TestClient, account: Account
) -> None:
    response = client.put("/api/v1/items", headers=account.headers)
    assert_problem(response, 405)
    assert set(response.headers["allow"].split(", ")) == {"GET", "POST"}
    trace = client.request("TRACE", "/health/live")
    assert_problem(trace, 405)
    assert trace.headers["allow"] == "GET"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"title": "x"}', "text/plain"),
        (b"title=x", "application/x-www-form-urlencoded"),
        (b"\xff\xfe not utf-8", "application/json"),
    ],
)
def test_wrong_content_type_or_encoding_is_4xx_not_500(
    client: TestClient, account: Account, content: bytes, content_type: str
) -> None:
    response = client.post(
        "/api/v1/items",
        content=content,
        headers={**account.headers, "content-type": content_type},
    )
    assert response.status_code in {415, 422}, response.text
    assert_problem(response, response.status_code)


def test_openapi_documents_errors_as_problems(client: TestClient) -> None:
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
    assert "HTTPValidationError" not in document["components"]["schemas"]
