from fastapi import FastAPI
from fastapi.testclient import TestClient

from .support import assert_problem


def test_live_answers_without_touching_dependencies(client: TestClient) -> None:
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_when_the_database_answers(client: TestClient) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_is_503_when_the_database_is_down(app: FastAPI, client: TestClient) -> None:
    # A database file inside a missing, uncreatable directory cannot be opened.
    from sqlalchemy.ext.asyncio import create_async_engine  # noqa: PLC0415

    app.state.engine = create_async_engine("sqlite+aiosqlite:////proc/no/such/dir/db.sqlite")
    body = assert_problem(client.get("/health/ready"), 503)
    assert body["detail"] == "The database is not reachable."
