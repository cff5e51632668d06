"""Bad input is a 422 problem naming where it is, a body that is not JSON a 415, and nothing
sent is echoed."""

import pytest
from httpx2 import Client

from .support import assert_problem


def test_validation_error_lists_fields_without_echoing_input(
    client: Client, auth_headers: dict[str, str]
) -> None:
    secret = "do-not-echo-this-value"
    payload = {"title": "", "description": secret * 200}
    response = client.post("/api/v1/items", json=payload, headers=auth_headers)
    body = assert_problem(response, 422)
    assert secret not in response.text
    locations = {tuple(error["loc"]) for error in body["errors"]}
    assert locations == {("body", "title"), ("body", "description")}
    assert all(set(error) == {"loc", "message", "type"} for error in body["errors"])


def test_query_and_path_errors_name_their_location(
    client: Client, auth_headers: dict[str, str]
) -> None:
    query = client.get("/api/v1/items", params={"limit": 0}, headers=auth_headers)
    assert [error["loc"] for error in assert_problem(query, 422)["errors"]] == [["query", "limit"]]
    path = client.get("/api/v1/items/not-a-uuid", headers=auth_headers)
    assert [error["loc"] for error in assert_problem(path, 422)["errors"]] == [["path", "item_id"]]


@pytest.mark.parametrize(
    ("sent", "answer"),
    [
        ((b"{not json", "application/json"), (422, "The request body is not valid JSON.")),
        ((b"title=a", "application/x-www-form-urlencoded"), (415, "Expected application/json.")),
        ((b'{"title": "a"}', "text/plain"), (415, "Expected application/json.")),
    ],
)
def test_malformed_json_is_422_and_non_json_bodies_are_415(
    client: Client, auth_headers: dict[str, str], sent: tuple[bytes, str], answer: tuple[int, str]
) -> None:
    content, content_type = sent
    response = client.post(
        "/api/v1/items", content=content, headers={**auth_headers, "content-type": content_type}
    )
    body = assert_problem(response, answer[0])
    assert (body["detail"], "errors" in body) == (answer[1], False)


def test_json_null_is_a_422_listing_the_body(client: Client, auth_headers: dict[str, str]) -> None:
    headers = {**auth_headers, "content-type": "application/json"}
    response = client.post("/api/v1/items", content=b"null", headers=headers)
    assert assert_problem(response, 422)["errors"][0]["loc"] == ["body"]
