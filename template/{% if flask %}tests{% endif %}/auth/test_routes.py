from flask.testing import FlaskClient

from ..support import Account, assert_problem, bearer, json_body


def test_login_returns_a_token_pair(client: FlaskClient, account: Account) -> None:
    response = client.post(
        "/api/v1/auth/login", json={"email": account.email.upper(), "password": account.password}
    )
    assert response.status_code == 200
    body = json_body(response)
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert client.get("/api/v1/users/me", headers=bearer(body["access_token"])).status_code == 200


def test_wrong_password_and_unknown_account_look_the_same(
    client: FlaskClient, account: Account
) -> None:
    wrong = client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": "wrong password!"}
    )
    unknown = client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.com", "password": account.password}
    )
    wrong_body, unknown_body = assert_problem(wrong, 401), assert_problem(unknown, 401)
    assert wrong_body["detail"] == unknown_body["detail"]


def test_refresh_issues_a_new_pair(client: FlaskClient, account: Account) -> None:
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    assert response.status_code == 200
    access = json_body(response)["access_token"]
    assert client.get("/api/v1/users/me", headers=bearer(access)).status_code == 200


def test_access_token_cannot_refresh(client: FlaskClient, account: Account) -> None:
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": account.access_token})
    assert_problem(response, 401)


def test_refresh_token_is_not_an_access_token(client: FlaskClient, account: Account) -> None:
    response = client.get("/api/v1/users/me", headers=bearer(account.refresh_token))
    assert_problem(response, 401)


def test_garbage_tokens_are_401(client: FlaskClient) -> None:
    assert_problem(client.get("/api/v1/users/me", headers=bearer("not.a.jwt")), 401)
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": "garbage"})
    assert_problem(response, 401)


def test_login_body_is_validated(client: FlaskClient) -> None:
    assert_problem(client.post("/api/v1/auth/login", json={"email": "a@example.com"}), 422)
