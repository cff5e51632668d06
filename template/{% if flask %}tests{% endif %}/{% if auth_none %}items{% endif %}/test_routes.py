"""The items API without authentication: a public collection."""

import uuid

import pytest
from flask.testing import FlaskClient

from ..support import assert_problem, json_body

ITEMS = "/api/v1/items"


def create(client: FlaskClient, title: str = "Buy milk") -> dict[str, str]:
    response = client.post(ITEMS, json={"title": title})
    assert response.status_code == 201, response.text
    item: dict[str, str] = json_body(response)
    return item


def test_create_and_read_without_credentials(client: FlaskClient) -> None:
    response = client.post(ITEMS, json={"title": "  Buy milk ", "description": "2 litres"})
    assert response.status_code == 201
    item = json_body(response)
    assert item["title"] == "Buy milk"
    assert item["description"] == "2 litres"
    assert set(item) == {"id", "title", "description", "created_at", "updated_at"}
    assert json_body(client.get(f"{ITEMS}/{item['id']}")) == item


def test_list_is_paginated_newest_first(client: FlaskClient) -> None:
    titles = [f"item {n}" for n in range(5)]
    for title in titles:
        create(client, title)
    page = json_body(client.get(ITEMS, query_string={"limit": 2, "offset": 1}))
    assert page["total"] == 5
    assert (page["limit"], page["offset"]) == (2, 1)
    assert len(page["items"]) == 2
    everything = json_body(client.get(ITEMS))["items"]
    assert {item["title"] for item in everything} == set(titles)
    # Past the end: no items, and still the total.
    beyond = json_body(client.get(ITEMS, query_string={"offset": 5}))
    assert (beyond["items"], beyond["total"]) == ([], 5)


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}])
def test_page_bounds_are_enforced(client: FlaskClient, params: dict[str, int]) -> None:
    assert_problem(client.get(ITEMS, query_string=params), 422)


def test_partial_update(client: FlaskClient) -> None:
    item = create(client)
    response = client.patch(f"{ITEMS}/{item['id']}", json={"description": "oat"})
    assert response.status_code == 200
    assert json_body(response)["title"] == "Buy milk"
    assert json_body(response)["description"] == "oat"
    renamed = client.patch(f"{ITEMS}/{item['id']}", json={"title": None, "description": None})
    assert json_body(renamed)["title"] == "Buy milk"
    assert json_body(renamed)["description"] is None


def test_delete(client: FlaskClient) -> None:
    item = create(client)
    assert client.delete(f"{ITEMS}/{item['id']}").status_code == 204
    assert_problem(client.get(f"{ITEMS}/{item['id']}"), 404)
    assert_problem(client.delete(f"{ITEMS}/{item['id']}"), 404)


@pytest.mark.parametrize(
    "payload", [{}, {"title": ""}, {"title": "   "}, {"title": "x" * 201}, {"title": "t", "x": 1}]
)
def test_invalid_items_are_422(client: FlaskClient, payload: dict[str, object]) -> None:
    assert_problem(client.post(ITEMS, json=payload), 422)


def test_unknown_and_malformed_ids(client: FlaskClient) -> None:
    assert_problem(client.get(f"{ITEMS}/{uuid.uuid4()}"), 404)
    assert_problem(client.get(f"{ITEMS}/not-a-uuid"), 422)


def test_there_are_no_auth_routes(client: FlaskClient) -> None:
    for path in ("/api/v1/users", "/api/v1/auth/login", "/api/v1/users/me"):
        assert_problem(client.post(path, json={}), 404)
