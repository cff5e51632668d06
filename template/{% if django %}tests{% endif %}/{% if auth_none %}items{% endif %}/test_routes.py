"""The items API is public: anyone may read and write every item, with no credentials."""

import uuid

import pytest
from django.test import Client

from ..support import JSON, assert_problem

ITEMS = "/api/v1/items"


def create(client: Client, title: str = "Buy milk") -> dict[str, str]:
    response = client.post(ITEMS, {"title": title}, content_type=JSON)
    assert response.status_code == 201, response.text
    item: dict[str, str] = response.json()
    return item


def test_create_and_read_without_credentials(client: Client) -> None:
    response = client.post(
        ITEMS, {"title": "  Buy milk ", "description": "2 litres"}, content_type=JSON
    )
    assert response.status_code == 201
    item = response.json()
    assert item["title"] == "Buy milk"
    assert item["description"] == "2 litres"
    assert set(item) == {"id", "title", "description", "created_at", "updated_at"}
    assert client.get(f"{ITEMS}/{item['id']}").json() == item


def test_list_is_paginated_newest_first(client: Client) -> None:
    titles = [f"item {n}" for n in range(5)]
    for title in titles:
        create(client, title)
    page = client.get(ITEMS, query_params={"limit": 2, "offset": 1}).json()
    assert page["total"] == 5
    assert (page["limit"], page["offset"]) == (2, 1)
    assert len(page["items"]) == 2
    everything = client.get(ITEMS).json()["items"]
    assert {item["title"] for item in everything} == set(titles)
    # Past the end: no items, and still the total.
    beyond = client.get(ITEMS, query_params={"offset": 5}).json()
    assert (beyond["items"], beyond["total"]) == ([], 5)


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}])
def test_page_bounds_are_enforced(client: Client, params: dict[str, int]) -> None:
    assert_problem(client.get(ITEMS, query_params=params), 422)


def test_partial_update(client: Client) -> None:
    item = create(client)
    url = f"{ITEMS}/{item['id']}"
    response = client.patch(url, {"description": "oat"}, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["title"] == "Buy milk"
    assert response.json()["description"] == "oat"
    renamed = client.patch(url, {"title": "Buy oat milk", "description": None}, content_type=JSON)
    assert renamed.json()["title"] == "Buy oat milk"
    assert renamed.json()["description"] is None
    assert client.patch(url, {"title": None}, content_type=JSON).json()["title"] == "Buy oat milk"


def test_delete(client: Client) -> None:
    item = create(client)
    assert client.delete(f"{ITEMS}/{item['id']}").status_code == 204
    assert_problem(client.get(f"{ITEMS}/{item['id']}"), 404)


@pytest.mark.parametrize(
    "payload",
    [{}, {"title": ""}, {"title": "   "}, {"title": "x" * 201}, {"title": "t", "owner_id": "x"}],
)
def test_invalid_items_are_422(client: Client, payload: dict[str, str]) -> None:
    assert_problem(client.post(ITEMS, payload, content_type=JSON), 422)


def test_unknown_and_malformed_ids(client: Client) -> None:
    assert_problem(client.get(f"{ITEMS}/{uuid.uuid4()}"), 404)
    assert_problem(client.get(f"{ITEMS}/not-a-uuid"), 422)


def test_there_are_no_accounts_and_no_auth_routes(client: Client) -> None:
    for path in ("/api/v1/users", "/api/v1/users/me", "/api/v1/auth/login", "/admin/"):
        assert_problem(client.get(path), 404)
    assert "securitySchemes" not in client.get("/openapi.json").json().get("components", {})
