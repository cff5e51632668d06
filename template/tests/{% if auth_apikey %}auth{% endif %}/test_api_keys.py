"""API keys over HTTP: strong, shown once, header only, revocable, private, throttled.

What the API cannot show (storage, the admin commands, the log) is in test_api_key_internals.
"""

import base64
import json
import uuid

import pytest
from httpx2 import Client

from ..accounts import Account
from ..support import assert_problem, json_body

KEYS = "/api/v1/api-keys"
ME = "/api/v1/users/me"


def new_key(client: Client, account: Account, name: str = "laptop") -> dict[str, str]:
    response = client.post(KEYS, json={"name": name}, headers=account.headers)
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    created: dict[str, str] = json_body(response)
    return created


def own_keys(client: Client, account: Account) -> list[dict[str, str]]:
    listed: list[dict[str, str]] = json_body(client.get(KEYS, headers=account.headers))
    return listed


def test_a_new_key_is_shown_once_and_works(client: Client, account: Account) -> None:
    created = new_key(client, account, "deploy bot")
    key = created["key"]
    assert key.startswith("sk_")
    assert created["prefix"] == key[3:11]
    assert json_body(client.get(ME, headers={"X-API-Key": key}))["email"] == account.email

    listed = own_keys(client, account)
    # Oldest first, but keys made within the same second (MySQL's resolution) tie.
    assert sorted(entry["name"] for entry in listed) == ["deploy bot", "tests"]
    assert key not in json.dumps(listed)
    assert all("key" not in entry and "key_hash" not in entry for entry in listed)


def test_names_are_stripped_and_blank_ones_refused(client: Client, account: Account) -> None:
    assert new_key(client, account, " deploy bot ")["name"] == "deploy bot"
    assert_problem(client.post(KEYS, json={"name": "  "}, headers=account.headers), 422)


def test_keys_carry_at_least_128_random_bits(account: Account) -> None:
    random_part = account.key.removeprefix("sk_")
    # base64url: 6 bits a character; 43 characters = 256 bits.
    raw = base64.urlsafe_b64decode(random_part + "=" * (-len(random_part) % 4))
    assert len(raw) * 8 >= 256


def test_keys_are_read_from_the_header_only(client: Client, account: Account) -> None:
    assert client.get(ME, headers=account.headers).status_code == 200
    for response in (
        client.get(ME, params={"api_key": account.key}),
        client.get(ME, params={"X-API-Key": account.key}),
        client.get(ME, headers={"Authorization": f"Bearer {account.key}"}),
    ):
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == "ApiKey"


@pytest.mark.parametrize(
    "key",
    ["", "sk_", "sk_not-a-real-key", "sk_" + "A" * 43, "not-even-a-key", "x" * 500],
    ids=repr,
)
def test_unknown_keys_are_401(client: Client, key: str) -> None:
    response = client.get(ME, headers={"X-API-Key": key})
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "ApiKey"


def test_a_key_with_its_last_character_changed_is_401(client: Client, account: Account) -> None:
    changed = account.key[:-1] + ("x" if account.key[-1] != "x" else "y")
    assert_problem(client.get(ME, headers={"X-API-Key": changed}), 401)


def test_a_revoked_key_stops_working(client: Client, account: Account) -> None:
    created = new_key(client, account)
    spare = {"X-API-Key": created["key"]}
    assert client.delete(f"{KEYS}/{created['id']}", headers=account.headers).status_code == 204
    assert_problem(client.get(ME, headers=spare), 401)
    # Revoking twice is harmless; the account's other key still works.
    assert client.delete(f"{KEYS}/{created['id']}", headers=account.headers).status_code == 204
    listed = own_keys(client, account)
    assert next(entry for entry in listed if entry["id"] == created["id"])["revoked_at"]


def test_a_key_can_revoke_itself(client: Client, account: Account) -> None:
    (own,) = own_keys(client, account)
    assert client.delete(f"{KEYS}/{own['id']}", headers=account.headers).status_code == 204
    assert_problem(client.get(ME, headers=account.headers), 401)


def test_users_cannot_see_or_revoke_each_others_keys(
    client: Client, account: Account, other_account: Account
) -> None:
    created = new_key(client, account)
    assert [entry["name"] for entry in own_keys(client, other_account)] == ["tests"]
    response = client.delete(f"{KEYS}/{created['id']}", headers=other_account.headers)
    assert_problem(response, 404)
    assert client.get(ME, headers={"X-API-Key": created["key"]}).status_code == 200
    assert_problem(client.delete(f"{KEYS}/{uuid.uuid4()}", headers=account.headers), 404)


def test_key_names_are_validated(client: Client, account: Account) -> None:
    for body in (
        {},
        {"name": ""},
        {"name": "x" * 101},
        {"name": "ok", "user_id": "x"},
        {"name": "ok", "key": "sk_mine"},
    ):
        assert_problem(client.post(KEYS, json=body, headers=account.headers), 422)


def test_last_use_is_shown(client: Client, account: Account) -> None:
    assert own_keys(client, account)[0]["last_used_at"] is not None  # the listing is a use


def test_guessing_keys_from_one_client_is_stopped_by_attempt_21(
    client: Client, account: Account
) -> None:
    statuses = [
        client.get(ME, headers={"X-API-Key": f"sk_guess-{n}"}).status_code for n in range(21)
    ]
    assert statuses == [401] * 20 + [429]
    response = client.get(ME, headers={"X-API-Key": "sk_one-more"})
    assert_problem(response, 429)
    assert int(response.headers["retry-after"]) > 0
    # Guesses do not lock out the rightful key: only failures count against the client.
    assert client.get(ME, headers=account.headers).status_code == 200
