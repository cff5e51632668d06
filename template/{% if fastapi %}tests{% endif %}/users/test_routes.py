import pytest
from fastapi.testclient import TestClient

from ..support import PASSWORD, Account, assert_problem, log_in, new_email

ACCEPTED = {"detail": "If the address can be registered, the account is ready: log in with it."}


def register(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, object]:
    response = client.post("/api/v1/users", json={"email": email, "password": password})
    assert response.status_code == 202, response.text
    body: dict[str, object] = response.json()
    return body


def test_register_answers_202_and_the_account_works(client: TestClient) -> None:
    email = new_email()
    assert register(client, email) == ACCEPTED
    assert log_in(client, email).access_token


def test_taken_and_free_addresses_get_the_same_answer(
    client: TestClient, account: Account
) -> None:
    free = client.post("/api/v1/users", json={"email": new_email(), "password": PASSWORD})
    taken = client.post("/api/v1/users", json={"email": account.email, "password": PASSWORD})
    assert (free.status_code, free.json()) == (taken.status_code, taken.json())
    # The taken address keeps its own password.
    assert log_in(client, account.email, account.password).access_token


def test_email_is_case_insensitive(client: TestClient) -> None:
    email = new_email()
    register(client, email.upper())
    assert log_in(client, email).access_token


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
    client: TestClient, payload: dict[str, object], field: str
) -> None:
    body = assert_problem(client.post("/api/v1/users", json=payload), 422)
    assert [error["loc"][-1] for error in body["errors"]] == [field]


@pytest.mark.parametrize(
    "password",
    ["password1234", "qwertyuiopasdfgh", "alice.smith@example.com", "alice.smith-2024"],
    ids=["common", "common-keyboard", "the-email", "the-local-part"],
)
def test_weak_passwords_are_refused_without_echo(client: TestClient, password: str) -> None:
    response = client.post(
        "/api/v1/users", json={"email": "alice.smith@example.com", "password": password}
    )
    assert_problem(response, 422)
    assert password not in response.text


def test_long_passwords_are_accepted_and_never_truncated(client: TestClient) -> None:
    email = new_email()
    password = "a-long passphrase " * 7 + "x" * 2  # 128 characters
    assert len(password) == 128
    register(client, email, password)
    assert log_in(client, email, password).access_token
    almost = {"email": email, "password": password[:-1]}
    assert_problem(client.post("/api/v1/auth/login", json=almost), 401)


def test_64_character_passwords_are_accepted(client: TestClient) -> None:
    email, password = new_email(), "correct-horse-battery-staple-" * 2 + "xxxxxx"
    assert len(password) == 64
    register(client, email, password)
    assert log_in(client, email, password).access_token


def test_me_returns_the_current_user(client: TestClient, account: Account) -> None:
    response = client.get("/api/v1/users/me", headers=account.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == account.email
    assert body["is_active"] is True
    assert set(body) == {"id", "email", "is_active", "created_at"}


def test_me_requires_a_token(client: TestClient) -> None:
    response = client.get("/api/v1/users/me")
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
