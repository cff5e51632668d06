from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from .support import assert_problem


def test_live_answers_without_touching_dependencies(client: TestClient) -> None:
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_when_the_database_answers(client: TestClient) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_is_503_when_the_database_is_down(
    app: FastAPI, client: TestClient, unreachable_engine: AsyncEngine
) -> None:
    engine = app.state.engine
    app.state.engine = unreachable_engine
    try:
        body = assert_problem(client.get("/health/ready"), 503)
    finally:
        app.state.engine = engine  # so that shutdown disposes the real pool
    assert body["detail"] == "The database is not reachable."
