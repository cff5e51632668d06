import pytest
from django.test import Client

from ..support import JSON, PASSWORD, Account, assert_problem, new_email

USERS = "/api/v1/users"


def test_register_returns_the_user_without_secrets(client: Client) -> None:
    email = new_email()
    response = client.post(USERS, {"email": email, "password": PASSWORD}, content_type=JSON)
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == email
    assert body["is_active"] is True
    assert set(body) == {"id", "email", "is_active", "created_at"}


def test_email_is_case_insensitive(client: Client) -> None:
    email = new_email()
    client.post(USERS, {"email": email.upper(), "password": PASSWORD}, content_type=JSON)
    response = client.post(USERS, {"email": email, "password": PASSWORD}, content_type=JSON)
    assert_problem(response, 409)


def test_duplicate_email_is_a_conflict(client: Client, account: Account) -> None:
    payload = {"email": account.email, "password": PASSWORD}
    body = assert_problem(client.post(USERS, payload, content_type=JSON), 409)
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
    client: Client, payload: dict[str, object], field: str
) -> None:
    body = assert_problem(client.post(USERS, payload, content_type=JSON), 422)
    assert [error["loc"][-1] for error in body["errors"]] == [field]


def test_me_returns_the_current_user(client: Client, account: Account) -> None:
    response = client.get(f"{USERS}/me", headers=account.headers)
    assert response.status_code == 200
    assert response.json()["email"] == account.email


def test_me_requires_a_token(client: Client) -> None:
    response = client.get(f"{USERS}/me")
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
