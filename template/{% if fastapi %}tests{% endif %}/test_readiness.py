"""Readiness when the database is down or too slow: 503 problem+json, in bounded time."""

from fastapi import FastAPI
from httpx2 import Client
from sqlalchemy.ext.asyncio import AsyncEngine

from .support import assert_problem


def test_ready_is_503_when_the_database_is_down(
    app: FastAPI, client: Client, unreachable_engine: AsyncEngine
) -> None:
    engine = app.state.engine
    app.state.engine = unreachable_engine
    try:
        body = assert_problem(client.get("/health/ready"), 503)
    finally:
        app.state.engine = engine  # so that shutdown disposes the real pool
    assert body["detail"] == "The database is not reachable."
