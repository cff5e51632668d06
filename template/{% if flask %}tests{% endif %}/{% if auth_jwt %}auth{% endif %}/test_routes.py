"""Login, refresh-token rotation, logout and password changes, through the HTTP API."""

from httpx2 import Client

from ..accounts import Account, bearer, login
from ..support import assert_problem, json_body

ME = "/api/v1/users/me"
NEW_PASSWORD = "a different long passphrase"


def refresh(client: Client, token: str) -> tuple[int, dict[str, object]]:
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": token})
    return response.status_code, response.json()


def test_login_returns_an_uncached_token_pair(client: Client, account: Account) -> None:
    response = login(client, account.email.upper(), account.password)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = json_body(response)
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert client.get(ME, headers=bearer(body["access_token"])).status_code == 200


def test_wrong_password_and_unknown_account_look_the_same(client: Client, account: Account) -> None:
    wrong = login(client, account.email, "wrong password!")
    unknown = login(client, "nobody@example.com", account.password)
    wrong_body, unknown_body = assert_problem(wrong, 401), assert_problem(unknown, 401)
    wrong_body.pop("request_id"), unknown_body.pop("request_id")
    assert wrong_body == unknown_body


def test_refresh_rotates_the_pair(client: Client, account: Account) -> None:
    status, body = refresh(client, account.refresh_token)
    assert status == 200
    assert body["refresh_token"] != account.refresh_token
    assert client.get(ME, headers=bearer(str(body["access_token"]))).status_code == 200
    # The new refresh token is the session's current one.
    assert refresh(client, str(body["refresh_token"]))[0] == 200


def test_refresh_token_reuse_revokes_the_session(client: Client, account: Account) -> None:
    _, rotated = refresh(client, account.refresh_token)
    # The old refresh token again: a stolen copy is in use, so the session ends.
    status, body = refresh(client, account.refresh_token)
    assert status == 401
    assert body["status"] == 401
    assert refresh(client, str(rotated["refresh_token"]))[0] == 401
    assert_problem(client.get(ME, headers=bearer(str(rotated["access_token"]))), 401)
    assert_problem(client.get(ME, headers=account.headers), 401)


def test_reuse_ends_only_that_session(client: Client, account: Account) -> None:
    other_device = json_body(login(client, account.email, account.password))
    refresh(client, account.refresh_token)
    refresh(client, account.refresh_token)
    assert client.get(ME, headers=bearer(other_device["access_token"])).status_code == 200


def test_logout_revokes_access_and_refresh_tokens(client: Client, account: Account) -> None:
    response = client.post("/api/v1/auth/logout", headers=account.headers)
    assert response.status_code == 204
    assert_problem(client.get(ME, headers=account.headers), 401)
    assert refresh(client, account.refresh_token)[0] == 401
    assert_problem(client.post("/api/v1/auth/logout", headers=account.headers), 401)


def test_password_change_revokes_every_session(client: Client, account: Account) -> None:
    second = json_body(login(client, account.email, account.password))
    change = {"current_password": account.password, "new_password": NEW_PASSWORD}
    response = client.post("/api/v1/auth/password", json=change, headers=account.headers)
    assert response.status_code == 204

    for access, refresh_token in (
        (account.access_token, account.refresh_token),
        (second["access_token"], second["refresh_token"]),
    ):
        assert_problem(client.get(ME, headers=bearer(access)), 401)
        assert refresh(client, refresh_token)[0] == 401
    assert_problem(login(client, account.email, account.password), 401)
    assert login(client, account.email, NEW_PASSWORD).status_code == 200


def test_password_change_needs_the_current_password(client: Client, account: Account) -> None:
    change = {"current_password": "not my password", "new_password": NEW_PASSWORD}
    response = client.post("/api/v1/auth/password", json=change, headers=account.headers)
    assert_problem(response, 401)
    assert client.get(ME, headers=account.headers).status_code == 200


def test_new_password_must_pass_the_policy(client: Client, account: Account) -> None:
    change = {"current_password": account.password, "new_password": "password1234"}
    response = client.post("/api/v1/auth/password", json=change, headers=account.headers)
    body = assert_problem(response, 422)
    assert [error["loc"] for error in body["errors"]] == [["body", "new_password"]]
    assert "password1234" not in response.text
    assert client.get(ME, headers=account.headers).status_code == 200


def test_password_change_requires_a_token(client: Client) -> None:
    change = {"current_password": "x" * 12, "new_password": NEW_PASSWORD}
    assert_problem(client.post("/api/v1/auth/password", json=change), 401)


def test_access_token_cannot_refresh(client: Client, account: Account) -> None:
    assert refresh(client, account.access_token)[0] == 401


def test_refresh_token_is_not_an_access_token(client: Client, account: Account) -> None:
    assert_problem(client.get(ME, headers=bearer(account.refresh_token)), 401)


def test_garbage_tokens_are_401(client: Client) -> None:
    response = client.get(ME, headers=bearer("not.a.jwt"))
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert_problem(client.get(ME, headers={"Authorization": "Basic abc"}), 401)
    assert refresh(client, "garbage")[0] == 401


def test_login_body_is_validated(client: Client) -> None:
    assert_problem(client.post("/api/v1/auth/login", json={"email": "a@example.com"}), 422)
