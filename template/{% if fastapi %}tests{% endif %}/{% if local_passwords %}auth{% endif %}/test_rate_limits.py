"""Brute force: login and password checks are limited per account and per client."""

from httpx2 import Client

from ..accounts import PASSWORD, Account, new_email
from ..support import assert_problem

LOGIN = "/api/v1/auth/login"


def test_brute_force_on_one_account_is_stopped_by_attempt_11(client: Client) -> None:
    email = new_email()
    client.post("/api/v1/users", json={"email": email, "password": PASSWORD})
    for _ in range(10):
        wrong = {"email": email, "password": "guess guess guess"}
        assert client.post(LOGIN, json=wrong).status_code == 401
    response = client.post(LOGIN, json={"email": email, "password": "another guess!"})
    assert_problem(response, 429)
    assert 0 < int(response.headers["retry-after"]) <= 15 * 60
    # The right password is refused too: the limit bounds the guesses, whatever they are.
    right = client.post(LOGIN, json={"email": email.upper(), "password": PASSWORD})
    assert_problem(right, 429)


def test_limit_per_account_covers_unknown_accounts(client: Client) -> None:
    email = new_email()
    statuses = [
        client.post(LOGIN, json={"email": email, "password": PASSWORD}).status_code
        for _ in range(11)
    ]
    assert statuses == [401] * 10 + [429]


def test_one_client_cannot_spray_many_accounts(client: Client) -> None:
    statuses = [
        client.post(LOGIN, json={"email": new_email(), "password": PASSWORD}).status_code
        for _ in range(31)
    ]
    assert statuses == [401] * 30 + [429]


def test_password_change_is_limited_like_login(client: Client, account: Account) -> None:
    body = {"current_password": "guess guess guess", "new_password": "a brand new passphrase"}
    for _ in range(9):  # the login that created the account counted as the first attempt
        response = client.post("/api/v1/auth/password", json=body, headers=account.headers)
        assert response.status_code == 401
    response = client.post("/api/v1/auth/password", json=body, headers=account.headers)
    assert_problem(response, 429)
    assert "retry-after" in response.headers


def test_registration_is_limited_per_client(client: Client) -> None:
    statuses = [
        client.post("/api/v1/users", json={"email": new_email(), "password": PASSWORD}).status_code
        for _ in range(31)
    ]
    assert statuses == [202] * 30 + [429]
