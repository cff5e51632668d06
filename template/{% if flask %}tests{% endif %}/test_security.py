"""The HTTP surface: security headers on every response, CORS, body limit, methods, types."""

import io
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from flask_openapi3.openapi import OpenAPI
from pydantic import ValidationError
from werkzeug.datastructures import Headers

from my_service.app import create_app
from my_service.config import Settings
from my_service.dependencies import resources

from .support import Account, assert_problem

ALLOWED_ORIGIN = "https://app.example.com"


def assert_security_headers(headers: Headers) -> None:
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert "server" not in headers


def app_with(settings: Settings, **changes: object) -> Iterator[FlaskClient]:
    app = create_app(settings.model_copy(update=changes))
    yield app.test_client()
    resources(app).engine.dispose()


@pytest.fixture
def cors_client(settings: Settings) -> Iterator[FlaskClient]:
    yield from app_with(settings, cors_origins=[ALLOWED_ORIGIN])


def test_every_response_carries_the_security_headers(app: OpenAPI, client: FlaskClient) -> None:
    @app.get("/boom")
    def boom() -> None:
        msg = "unexpected"
        raise RuntimeError(msg)

    responses = [
        client.get("/health/live"),
        client.get("/no/such/route"),
        client.post("/api/v1/users", json={}),
        client.get("/boom"),
    ]
    account_headers = {"Authorization": f"Bearer {_login(client)}"}
    responses.append(client.get("/api/v1/users/me", headers=account_headers))
    assert [response.status_code for response in responses] == [200, 404, 422, 500, 200]
    for response in responses:
        assert_security_headers(response.headers)
    # Outside production the service speaks plain HTTP: no HSTS.
    assert "strict-transport-security" not in responses[0].headers


def _login(client: FlaskClient) -> str:
    from .support import create_account  # noqa: PLC0415  (after the test's route is added)

    return create_account(client).access_token


def test_production_sends_hsts(settings: Settings) -> None:
    for client in app_with(settings, environment="production"):
        response = client.get("/health/live")
        hsts = response.headers["strict-transport-security"]
        assert hsts == f"max-age={settings.hsts_seconds}; includeSubDomains"
    assert settings.hsts_seconds >= 31_536_000


def test_docs_page_may_load_its_assets_but_not_be_framed(client: FlaskClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == "frame-ancestors 'none'"


def test_no_cors_headers_without_an_allow_list(client: FlaskClient) -> None:
    response = client.get("/health/live", headers={"Origin": ALLOWED_ORIGIN})
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "https://app.example.com.evil"])
def test_cors_refuses_other_origins(cors_client: FlaskClient, origin: str) -> None:
    simple = cors_client.get("/health/live", headers={"Origin": origin})
    assert "access-control-allow-origin" not in simple.headers
    preflight = cors_client.options(
        "/api/v1/items",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-methods" not in preflight.headers


def test_cors_allows_the_listed_origin(cors_client: FlaskClient) -> None:
    simple = cors_client.get("/health/live", headers={"Origin": ALLOWED_ORIGIN})
    assert simple.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "Origin" in simple.headers["vary"]
    assert "access-control-allow-credentials" not in simple.headers
    preflight = cors_client.options(
        "/api/v1/items",
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "Authorization" in preflight.headers["access-control-allow-headers"]
    assert_security_headers(preflight.headers)


def test_cors_any_origin_and_credentials(settings: Settings) -> None:
    for client in app_with(settings, cors_origins=["*"]):
        response = client.get("/health/live", headers={"Origin": "https://any.example"})
        assert response.headers["access-control-allow-origin"] == "*"
    for client in app_with(settings, cors_origins=[ALLOWED_ORIGIN], cors_allow_credentials=True):
        response = client.get("/health/live", headers={"Origin": ALLOWED_ORIGIN})
        assert response.headers["access-control-allow-credentials"] == "true"


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


def test_body_above_the_limit_is_413(client: FlaskClient, settings: Settings) -> None:
    body = b'{"email": "' + b"a" * settings.max_request_body_bytes + b'"}'
    response = client.post(
        "/api/v1/users", data=body, headers={"content-type": "application/json"}
    )
    assert_problem(response, 413)
    assert len(response.data) < 1024


def test_streamed_body_above_the_limit_is_413(client: FlaskClient, settings: Settings) -> None:
    body = b'{"email": "' + b"a" * settings.max_request_body_bytes + b'"}'
    # A chunked upload, as gunicorn hands it over: no Content-Length, the size is only
    # known by counting.
    response = client.post(
        "/api/v1/users",
        input_stream=io.BytesIO(body),
        headers={"content-type": "application/json", "transfer-encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert_problem(response, 413)


def test_undeclared_method_is_405_with_every_allowed_method(
    client: FlaskClient, account: Account
) -> None:
    response = client.put("/api/v1/items", headers=account.headers)
    assert_problem(response, 405)
    assert {"GET", "POST"} <= set(response.headers["allow"].split(", "))
    assert "PUT" not in response.headers["allow"]
    trace = client.open("/health/live", method="TRACE")
    assert_problem(trace, 405)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"title": "x"}', "text/plain"),
        (b"title=x", "application/x-www-form-urlencoded"),
        (b"\xff\xfe not utf-8", "application/json"),
    ],
)
def test_wrong_content_type_or_encoding_is_4xx_not_500(
    client: FlaskClient, account: Account, content: bytes, content_type: str
) -> None:
    response = client.post(
        "/api/v1/items",
        data=content,
        headers={**account.headers, "content-type": content_type},
    )
    assert response.status_code in {415, 422}, response.text
    assert_problem(response, response.status_code)


def test_openapi_documents_errors_as_problems(client: FlaskClient) -> None:
    document = client.get("/openapi.json").get_json()
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
    assert "ValidationErrorModel" not in document["components"]["schemas"]
