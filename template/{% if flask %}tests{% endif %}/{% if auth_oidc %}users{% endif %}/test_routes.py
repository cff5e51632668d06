from httpx2 import Client

from ..accounts import Account
from ..support import assert_problem, json_body


def test_me_returns_the_identity_and_permissions(client: Client, account: Account) -> None:
    body = json_body(client.get("/api/v1/users/me", headers=account.headers))
    assert body["subject"] == account.subject
    assert set(body) == {
        "id",
        "issuer",
        "subject",
        "email",
        "is_active",
        "created_at",
        "permissions",
    }


def test_me_requires_a_token(client: Client) -> None:
    response = client.get("/api/v1/users/me")
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


def test_there_is_no_local_login(client: Client) -> None:
    for path in ("/api/v1/auth/login", "/api/v1/users"):
        assert_problem(client.post(path, json={}), 404)
