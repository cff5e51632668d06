from django.test import Client

from ..support import JSON, Account, assert_problem, bearer

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"


def test_login_returns_a_token_pair(client: Client, account: Account) -> None:
    credentials = {"email": account.email.upper(), "password": account.password}
    response = client.post(LOGIN, credentials, content_type=JSON)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert client.get("/api/v1/users/me", headers=bearer(body["access_token"])).status_code == 200


def test_wrong_password_and_unknown_account_look_the_same(client: Client, account: Account) -> None:
    wrong = client.post(
        LOGIN, {"email": account.email, "password": "wrong password!"}, content_type=JSON
    )
    unknown = client.post(
        LOGIN, {"email": "nobody@example.com", "password": account.password}, content_type=JSON
    )
    wrong_body, unknown_body = assert_problem(wrong, 401), assert_problem(unknown, 401)
    assert wrong_body["detail"] == unknown_body["detail"]
    assert wrong.headers["www-authenticate"] == "Bearer"


def test_refresh_issues_a_new_pair(client: Client, account: Account) -> None:
    response = client.post(REFRESH, {"refresh_token": account.refresh_token}, content_type=JSON)
    assert response.status_code == 200
    access = response.json()["access_token"]
    assert client.get("/api/v1/users/me", headers=bearer(access)).status_code == 200


def test_access_token_cannot_refresh(client: Client, account: Account) -> None:
    response = client.post(REFRESH, {"refresh_token": account.access_token}, content_type=JSON)
    assert_problem(response, 401)


def test_refresh_token_is_not_an_access_token(client: Client, account: Account) -> None:
    response = client.get("/api/v1/users/me", headers=bearer(account.refresh_token))
    assert_problem(response, 401)


def test_garbage_tokens_are_401(client: Client) -> None:
    assert_problem(client.get("/api/v1/users/me", headers=bearer("not.a.jwt")), 401)
    response = client.post(REFRESH, {"refresh_token": "garbage"}, content_type=JSON)
    assert_problem(response, 401)


def test_login_body_is_validated(client: Client) -> None:
    assert_problem(client.post(LOGIN, {"email": "a@example.com"}, content_type=JSON), 422)
