import uuid

import pytest
from flask.testing import FlaskClient

from ..accounts import Account
from ..support import assert_problem, json_body

ITEMS = "/api/v1/items"


def create(client: FlaskClient, account: Account, title: str = "Buy milk") -> dict[str, str]:
    response = client.post(ITEMS, json={"title": title}, headers=account.headers)
    assert response.status_code == 201, response.text
    item: dict[str, str] = json_body(response)
    return item


def test_create_and_read(client: FlaskClient, account: Account) -> None:
    response = client.post(
        ITEMS, json={"title": "  Buy milk ", "description": "2 litres"}, headers=account.headers
    )
    assert response.status_code == 201
    item = json_body(response)
    assert item["title"] == "Buy milk"
    assert item["description"] == "2 litres"
    read = client.get(f"{ITEMS}/{item['id']}", headers=account.headers)
    assert json_body(read) == item


def test_list_is_paginated_newest_first(client: FlaskClient, account: Account) -> None:
    titles = [f"item {n}" for n in range(5)]
    for title in titles:
        create(client, account, title)
    page = json_body(
        client.get(ITEMS, query_string={"limit": 2, "offset": 1}, headers=account.headers)
    )
    assert page["total"] == 5
    assert (page["limit"], page["offset"]) == (2, 1)
    assert len(page["items"]) == 2
    everything = json_body(client.get(ITEMS, headers=account.headers))["items"]
    assert {item["title"] for item in everything} == set(titles)
    # Past the end: no items, and still the total.
    beyond = json_body(client.get(ITEMS, query_string={"offset": 5}, headers=account.headers))
    assert (beyond["items"], beyond["total"]) == ([], 5)


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}])
def test_page_bounds_are_enforced(
    client: FlaskClient, account: Account, params: dict[str, int]
) -> None:
    assert_problem(client.get(ITEMS, query_string=params, headers=account.headers), 422)


def test_partial_update(client: FlaskClient, account: Account) -> None:
    item = create(client, account)
    response = client.patch(
        f"{ITEMS}/{item['id']}", json={"description": "oat"}, headers=account.headers
    )
    assert response.status_code == 200
    assert json_body(response)["title"] == "Buy milk"
    assert json_body(response)["description"] == "oat"
    renamed = client.patch(
        f"{ITEMS}/{item['id']}",
        json={"title": "Buy oat milk", "description": None},
        headers=account.headers,
    )
    assert json_body(renamed)["title"] == "Buy oat milk"
    assert json_body(renamed)["description"] is None


def test_null_title_leaves_it_unchanged(client: FlaskClient, account: Account) -> None:
    item = create(client, account)
    response = client.patch(f"{ITEMS}/{item['id']}", json={"title": None}, headers=account.headers)
    assert json_body(response)["title"] == "Buy milk"


def test_delete(client: FlaskClient, account: Account) -> None:
    item = create(client, account)
    assert client.delete(f"{ITEMS}/{item['id']}", headers=account.headers).status_code == 204
    assert_problem(client.get(f"{ITEMS}/{item['id']}", headers=account.headers), 404)


@pytest.mark.parametrize(
    "payload",
    [{}, {"title": ""}, {"title": "   "}, {"title": "x" * 201}, {"title": "t", "owner_id": "x"}],
)
def test_invalid_items_are_422(
    client: FlaskClient, account: Account, payload: dict[str, str]
) -> None:
    assert_problem(client.post(ITEMS, json=payload, headers=account.headers), 422)


def test_unknown_and_malformed_ids(client: FlaskClient, account: Account) -> None:
    assert_problem(client.get(f"{ITEMS}/{uuid.uuid4()}", headers=account.headers), 404)
    assert_problem(client.get(f"{ITEMS}/not-a-uuid", headers=account.headers), 422)


def test_items_require_authentication(client: FlaskClient) -> None:
    assert_problem(client.get(ITEMS), 401)
    assert_problem(client.post(ITEMS, json={"title": "x"}), 401)


def test_users_cannot_reach_each_others_items(
    client: FlaskClient, account: Account, other_account: Account
) -> None:
    item = create(client, account)
    url = f"{ITEMS}/{item['id']}"
    other = other_account.headers
    assert json_body(client.get(ITEMS, headers=other))["total"] == 0
    assert_problem(client.get(url, headers=other), 404)
    assert_problem(client.patch(url, json={"title": "mine"}, headers=other), 404)
    assert_problem(client.delete(url, headers=other), 404)
    assert json_body(client.get(url, headers=account.headers))["title"] == "Buy milk"
