"""Login, refresh rotation with reuse detection, logout and password change."""

from httpx2 import Client

from ..accounts import PASSWORD, Account, bearer, log_in
from ..support import assert_problem

ME = "/api/v1/users/me"


def refresh(client: Client, token: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": token})
    assert response.status_code == 200, response.text
    pair: dict[str, str] = response.json()
    return pair


def test_login_returns_a_token_pair_that_is_never_cached(client: Client, account: Account) -> None:
    response = client.post(
        "/api/v1/auth/login", json={"email": account.email.upper(), "password": account.password}
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert client.get(ME, headers=bearer(body["access_token"])).status_code == 200


def test_wrong_password_and_unknown_account_look_the_same(client: Client, account: Account) -> None:
    wrong = client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": "wrong password!"}
    )
    unknown = client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.com", "password": account.password}
    )
    wrong_body, unknown_body = assert_problem(wrong, 401), assert_problem(unknown, 401)
    assert wrong_body["detail"] == unknown_body["detail"]
    assert wrong.headers["www-authenticate"] == unknown.headers["www-authenticate"]


def test_refresh_rotates_the_pair(client: Client, account: Account) -> None:
    pair = refresh(client, account.refresh_token)
    assert pair["refresh_token"] != account.refresh_token
    assert client.get(ME, headers=bearer(pair["access_token"])).status_code == 200
    # The new refresh token is the current one: it rotates again.
    assert refresh(client, pair["refresh_token"])["access_token"]


def test_reused_refresh_token_revokes_the_whole_session(client: Client, account: Account) -> None:
    stolen = account.refresh_token
    pair = refresh(client, stolen)  # the owner rotates first

    response = client.post("/api/v1/auth/refresh", json={"refresh_token": stolen})
    assert_problem(response, 401)
    # Every token of that session is dead now, the owner's fresh ones included.
    assert_problem(client.get(ME, headers=bearer(pair["access_token"])), 401)
    assert_problem(client.get(ME, headers=account.headers), 401)
    again = client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert_problem(again, 401)


def test_reuse_in_one_session_leaves_other_sessions_alone(client: Client, account: Account) -> None:
    laptop = log_in(client, account.email)
    refresh(client, account.refresh_token)
    client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    assert client.get(ME, headers=laptop.headers).status_code == 200


def test_access_token_cannot_refresh(client: Client, account: Account) -> None:
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": account.access_token})
    assert_problem(response, 401)


def test_refresh_token_is_not_an_access_token(client: Client, account: Account) -> None:
    assert_problem(client.get(ME, headers=bearer(account.refresh_token)), 401)


def test_garbage_tokens_are_401(client: Client) -> None:
    assert_problem(client.get(ME, headers=bearer("not.a.jwt")), 401)
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": "garbage"})
    assert_problem(response, 401)


def test_login_body_is_validated(client: Client) -> None:
    assert_problem(client.post("/api/v1/auth/login", json={"email": "a@example.com"}), 422)


def test_logout_revokes_the_session(client: Client, account: Account) -> None:
    other_device = log_in(client, account.email)
    response = client.post("/api/v1/auth/logout", headers=account.headers)
    assert response.status_code == 204

    assert_problem(client.get(ME, headers=account.headers), 401)
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    assert_problem(refreshed, 401)
    assert_problem(client.post("/api/v1/auth/logout", headers=account.headers), 401)
    # Only that session ends: the other device stays logged in.
    assert client.get(ME, headers=other_device.headers).status_code == 200


def test_logout_requires_a_token(client: Client) -> None:
    assert_problem(client.post("/api/v1/auth/logout"), 401)


def change_password(client: Client, account: Account, current: str, new: str) -> int:
    response = client.post(
        "/api/v1/auth/password",
        json={"current_password": current, "new_password": new},
        headers=account.headers,
    )
    return response.status_code


def test_password_change_revokes_every_session(client: Client, account: Account) -> None:
    other_device = log_in(client, account.email)
    new_password = "a brand new passphrase"
    assert change_password(client, account, PASSWORD, new_password) == 204

    for device in (account, other_device):
        assert_problem(client.get(ME, headers=device.headers), 401)
        body = {"refresh_token": device.refresh_token}
        assert_problem(client.post("/api/v1/auth/refresh", json=body), 401)
    old = {"email": account.email, "password": PASSWORD}
    assert_problem(client.post("/api/v1/auth/login", json=old), 401)
    assert log_in(client, account.email, new_password).access_token


def test_password_change_needs_the_current_password(client: Client, account: Account) -> None:
    assert change_password(client, account, "not my password", "a brand new passphrase") == 401
    # A failed attempt ends nothing.
    assert client.get(ME, headers=account.headers).status_code == 200


def test_new_password_must_pass_the_policy(client: Client, account: Account) -> None:
    response = client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "password1234"},
        headers=account.headers,
    )
    assert_problem(response, 422)
    assert "password1234" not in response.text
    assert log_in(client, account.email).access_token


def test_password_change_requires_a_token(client: Client) -> None:
    body = {"current_password": PASSWORD, "new_password": "a brand new passphrase"}
    assert_problem(client.post("/api/v1/auth/password", json=body), 401)
