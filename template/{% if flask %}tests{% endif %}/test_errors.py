"""Every error is RFC 9457 problem+json, carries the request id, and never leaks internals."""

import uuid

import pytest
from flask.testing import FlaskClient
from flask_openapi3.openapi import OpenAPI

from .support import Account, assert_problem


def test_unknown_route_is_a_problem(client: FlaskClient) -> None:
    body = assert_problem(client.get("/no/such/route"), 404)
    assert body["title"] == "Not Found"


def test_wrong_method_is_405_with_allow(client: FlaskClient) -> None:
    response = client.put("/health/live")
    assert_problem(response, 405)
    assert "GET" in response.headers["allow"]


def test_validation_error_lists_fields_without_echoing_input(client: FlaskClient) -> None:
    secret = "do-not-echo-this-value"
    response = client.post("/api/v1/users", json={"email": secret, "password": "x"})
    body = assert_problem(response, 422)
    assert secret not in response.text
    locations = {tuple(error["loc"]) for error in body["errors"]}
    assert locations == {("body", "email"), ("body", "password")}
    assert all(set(error) == {"loc", "message", "type"} for error in body["errors"])


def test_query_and_path_errors_name_their_location(client: FlaskClient, account: Account) -> None:
    query = client.get("/api/v1/items", query_string={"limit": 0}, headers=account.headers)
    assert [error["loc"] for error in assert_problem(query, 422)["errors"]] == [["query", "limit"]]
    path = client.get("/api/v1/items/not-a-uuid", headers=account.headers)
    assert [error["loc"] for error in assert_problem(path, 422)["errors"]] == [["path", "item_id"]]


def test_validator_messages_do_not_quote_the_input(client: FlaskClient) -> None:
    address = "canary<>@exa mple.com"
    response = client.post("/api/v1/users", json={"email": address, "password": "x" * 12})
    body = assert_problem(response, 422)
    assert "canary" not in response.text
    assert "exa mple" not in response.text
    assert body["errors"][0]["message"] == "value is not a valid email address"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(b"{not json", "application/json"), (b"email=a", "application/x-www-form-urlencoded")],
)
def test_malformed_or_non_json_bodies_are_422(
    client: FlaskClient, content: bytes, content_type: str
) -> None:
    response = client.post("/api/v1/users", data=content, headers={"content-type": content_type})
    assert_problem(response, 422)


def test_unhandled_exception_is_a_generic_500(app: OpenAPI, client: FlaskClient) -> None:
    @app.get("/boom")
    def boom() -> None:
        msg = "internal detail that must not leak"
        raise RuntimeError(msg)

    response = client.get("/boom")
    body = assert_problem(response, 500)
    assert "internal detail" not in response.text
    assert "Traceback" not in response.text
    assert body["request_id"] == response.headers["x-request-id"]


def test_request_id_is_generated_and_echoed(client: FlaskClient, account: Account) -> None:
    generated = client.get("/health/live").headers["x-request-id"]
    assert uuid.UUID(generated)

    incoming = uuid.uuid4().hex
    response = client.get(
        f"/api/v1/items/{uuid.uuid4()}", headers={**account.headers, "X-Request-ID": incoming}
    )
    body = assert_problem(response, 404)
    assert response.headers["x-request-id"] == incoming
    assert body["request_id"] == incoming


def test_request_id_that_is_not_a_uuid_is_replaced(client: FlaskClient) -> None:
    forged = "forged id; level=critical"
    response = client.get("/health/live", headers={"X-Request-ID": forged})
    assert uuid.UUID(response.headers["x-request-id"])
