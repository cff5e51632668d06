"""The HTTP surface as FastAPI's stack needs it on top of the shared tests (test_security.py):
uvicorn refuses no header size, so the service does."""

from httpx2 import Client

from .support import assert_problem


def test_a_header_line_over_gunicorns_limit_is_431(client: Client) -> None:
    """uvicorn passes headers of any size on: the service refuses a line over 8190 bytes
    as gunicorn does for the Django and Flask services, with a problem."""
    assert client.get("/health/live", headers={"X-Large": "a" * 8_000}).status_code == 200
    response = client.get("/health/live", headers={"X-Large": "a" * 100_000})
    assert assert_problem(response, 431)["detail"] == "A request header is too large."
    assert response.headers["x-request-id"] == response.json()["request_id"]
