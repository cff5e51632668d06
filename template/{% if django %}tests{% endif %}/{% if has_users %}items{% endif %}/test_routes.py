import uuid

import pytest
from django.test import Client

from ..support import JSON, Account, assert_problem

ITEMS = "/api/v1/items"


def create(client: Client, account: Account, title: str = "Buy milk") -> dict[str, str]:
    response = client.post(ITEMS, {"title": title}, content_type=JSON, headers=account.headers)
    assert response.status_code == 201, response.text
    item: dict[str, str] = response.json()
    return item


def test_create_and_read(client: Client, account: Account) -> None:
    response = client.post(
        ITEMS,
        {"title": "  Buy milk ", "description": "2 litres"},
        content_type=JSON,
        headers=account.headers,
    )
    assert response.status_code == 201
    item = response.json()
    assert item["title"] == "Buy milk"
    assert item["description"] == "2 litres"
    read = client.get(f"{ITEMS}/{item['id']}", headers=account.headers)
    assert read.json() == item


def test_list_is_paginated_newest_first(client: Client, account: Account) -> None:
    titles = [f"item {n}" for n in range(5)]
    for title in titles:
        create(client, account, title)
    page = client.get(ITEMS, query_params={"limit": 2, "offset": 1}, headers=account.headers).json()
    assert page["total"] == 5
    assert (page["limit"], page["offset"]) == (2, 1)
    assert len(page["items"]) == 2
    everything = client.get(ITEMS, headers=account.headers).json()["items"]
    assert {item["title"] for item in everything} == set(titles)
    # Past the end: no items, and still the total.
    beyond = client.get(ITEMS, query_params={"offset": 5}, headers=account.headers).json()
    assert (beyond["items"], beyond["total"]) == ([], 5)


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}])
def test_page_bounds_are_enforced(client: Client, account: Account, params: dict[str, int]) -> None:
    assert_problem(client.get(ITEMS, query_params=params, headers=account.headers), 422)


def test_partial_update(client: Client, account: Account) -> None:
    item = create(client, account)
    response = client.patch(
        f"{ITEMS}/{item['id']}", {"description": "oat"}, content_type=JSON, headers=account.headers
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Buy milk"
    assert response.json()["description"] == "oat"
    renamed = client.patch(
        f"{ITEMS}/{item['id']}",
        {"title": "Buy oat milk", "description": None},
        content_type=JSON,
        headers=account.headers,
    )
    assert renamed.json()["title"] == "Buy oat milk"
    assert renamed.json()["description"] is None


def test_null_title_leaves_it_unchanged(client: Client, account: Account) -> None:
    item = create(client, account)
    response = client.patch(
        f"{ITEMS}/{item['id']}", {"title": None}, content_type=JSON, headers=account.headers
    )
    assert response.json()["title"] == "Buy milk"


def test_delete(client: Client, account: Account) -> None:
    item = create(client, account)
    assert client.delete(f"{ITEMS}/{item['id']}", headers=account.headers).status_code == 204
    assert_problem(client.get(f"{ITEMS}/{item['id']}", headers=account.headers), 404)


@pytest.mark.parametrize(
    "payload",
    [{}, {"title": ""}, {"title": "   "}, {"title": "x" * 201}, {"title": "t", "owner_id": "x"}],
)
def test_invalid_items_are_422(client: Client, account: Account, payload: dict[str, str]) -> None:
    assert_problem(client.post(ITEMS, payload, content_type=JSON, headers=account.headers), 422)


def test_unknown_and_malformed_ids(client: Client, account: Account) -> None:
    assert_problem(client.get(f"{ITEMS}/{uuid.uuid4()}", headers=account.headers), 404)
    assert_problem(client.get(f"{ITEMS}/not-a-uuid", headers=account.headers), 422)


def test_items_require_authentication(client: Client) -> None:
    assert_problem(client.get(ITEMS), 401)
    assert_problem(client.post(ITEMS, {"title": "x"}, content_type=JSON), 401)


def test_users_cannot_reach_each_others_items(
    client: Client, account: Account, other_account: Account
) -> None:
    item = create(client, account)
    url = f"{ITEMS}/{item['id']}"
    other = other_account.headers
    assert client.get(ITEMS, headers=other).json()["total"] == 0
    assert_problem(client.get(url, headers=other), 404)
    assert_problem(client.patch(url, {"title": "mine"}, content_type=JSON, headers=other), 404)
    assert_problem(client.delete(url, headers=other), 404)
    assert client.get(url, headers=account.headers).json()["title"] == "Buy milk"
