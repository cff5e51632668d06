from httpx2 import Client

from ..accounts import Account
from ..support import assert_problem, json_body


def test_me_returns_the_owner_of_the_key(client: Client, account: Account) -> None:
    response = client.get("/api/v1/users/me", headers=account.headers)
    assert response.status_code == 200
    body = json_body(response)
    assert body["email"] == account.email
    assert set(body) == {"id", "email", "is_active", "created_at"}


def test_me_requires_a_key(client: Client) -> None:
    response = client.get("/api/v1/users/me")
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "ApiKey"


def test_there_is_no_password_login(client: Client) -> None:
    for path in ("/api/v1/auth/login", "/api/v1/users"):
        assert_problem(client.post(path, json={}), 404)
