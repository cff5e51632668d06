import pytest
from flask.testing import FlaskClient

from ..support import PASSWORD, Account, assert_problem, json_body, new_email


def test_register_returns_the_user_without_secrets(client: FlaskClient) -> None:
    email = new_email()
    response = client.post("/api/v1/users", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201
    body = json_body(response)
    assert body["email"] == email
    assert body["is_active"] is True
    assert set(body) == {"id", "email", "is_active", "created_at"}


def test_email_is_case_insensitive(client: FlaskClient) -> None:
    email = new_email()
    client.post("/api/v1/users", json={"email": email.upper(), "password": PASSWORD})
    response = client.post("/api/v1/users", json={"email": email, "password": PASSWORD})
    assert_problem(response, 409)


def test_duplicate_email_is_a_conflict(client: FlaskClient, account: Account) -> None:
    response = client.post("/api/v1/users", json={"email": account.email, "password": PASSWORD})
    body = assert_problem(response, 409)
    assert "already exists" in body["detail"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": "short"}, "password"),
        ({"email": "a@example.com", "password": "x" * 129}, "password"),
        ({"email": "a@example.com"}, "password"),
        ({"email": "a@example.com", "password": PASSWORD, "is_active": False}, "is_active"),
    ],
)
def test_invalid_registrations_are_422(
    client: FlaskClient, payload: dict[str, object], field: str
) -> None:
    body = assert_problem(client.post("/api/v1/users", json=payload), 422)
    assert [error["loc"][-1] for error in body["errors"]] == [field]


def test_me_returns_the_current_user(client: FlaskClient, account: Account) -> None:
    response = client.get("/api/v1/users/me", headers=account.headers)
    assert response.status_code == 200
    assert json_body(response)["email"] == account.email


def test_me_requires_a_token(client: FlaskClient) -> None:
    response = client.get("/api/v1/users/me")
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
