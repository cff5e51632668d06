"""Slow: each framework's production server reports a real server error to a Sentry endpoint.

The endpoint is the test's own (tests/sentry_ingest.py): an HTTP server on loopback that
answers ``POST /api/<project id>/envelope/`` and decodes the envelopes sentry-sdk sends, as
Sentry's ingest does. SENTRY_DSN points the service at it. The error is a genuine one, with
no route of the test's own: the table that authentication reads is broken under the running
server (renamed; for Django, its session key column retyped, so that PostgreSQL quotes the
cookie's value in its error message), so an authenticated request fails on a statement.
That is not an outage (which would be the handled 503) but an unexpected error, a 500.

Each framework uses another authentication scheme, so that the failing request carries
each kind of credential: FastAPI a bearer token, Django a session cookie (and its CSRF
token), Flask an API key header; its JSON body has password and token fields too. The
client must get a problem+json 500 with nothing internal in it; the endpoint exactly one
event, with the service's release and environment and the request id the client got, and
none of the credentials anywhere in the envelopes' bytes (nor in the server's log). With
the endpoint hanging, then gone, error requests still answer as fast as before and the
server keeps serving.
"""

from __future__ import annotations

import statistics
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from .projects import Server, answer, derived, production_server, rendered_and_installed
from .sentry_ingest import Ingest
from .test_fuzz import api_key, log_in, session_headers

pytestmark = pytest.mark.slow

COMMIT = "5e7e1a1"


@dataclass(frozen=True)
class Scheme:
    auth: str
    table: str  # what authentication reads on every request
    breakage: str  # SQL that makes that read fail on a statement error


def renamed(table: str) -> str:
    return f"ALTER TABLE {table} RENAME TO {table}_gone"


# One scheme per framework, so that between them each kind of credential is sent.
SCHEMES = {
    "fastapi": Scheme("jwt", "auth_sessions", renamed("auth_sessions")),
    # Django binds values into the statement's text, and the session is looked up by the
    # cookie's value: a column of the wrong type makes PostgreSQL quote it in its error.
    "django": Scheme(
        "session",
        "django_session",
        "ALTER TABLE django_session RENAME COLUMN session_key TO session_key_gone;"
        " ALTER TABLE django_session ADD COLUMN session_key uuid",
    ),
    "flask": Scheme("apikey", "api_keys", renamed("api_keys")),
}
# A statement failing for a missing table is not an outage on PostgreSQL (on SQLite every
# statement error is an OperationalError, which the services answer with 503).
DATABASE = "postgresql"
SAMPLES = 5


@pytest.fixture(scope="module", params=sorted(SCHEMES))
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    framework = request.param
    rendered = rendered_and_installed(
        tmp_path_factory.mktemp(f"sentry-{framework}") / "project",
        framework=framework,
        auth=SCHEMES[framework].auth,
        database=DATABASE,
    )
    return rendered


@pytest.fixture(scope="module")
def ingest(project: Path) -> Iterator[Ingest]:
    """The endpoint of one project's server (a test stops it)."""
    running = Ingest()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def server(
    project: Path, ingest: Ingest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    settings = {"SENTRY_DSN": ingest.dsn, "GIT_COMMIT": COMMIT}
    with production_server(project, tmp_path_factory.mktemp("data"), 1, **settings) as running:
        yield running


@pytest.fixture(scope="module")
def credentials(project: Path, server: Server) -> dict[str, str]:
    """The headers that authenticate a new user, obtained as a client would."""
    email = f"sentry-{uuid.uuid4().hex[:12]}@example.com"
    auth = answer(project, "auth")
    if auth == "apikey":
        return {"X-API-Key": api_key(project, server, email)}
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        login = log_in(client, email)
    if auth == "session":
        return {header["name"]: header["value"] for header in session_headers(login)}
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


@pytest.fixture(scope="module")
def broken(project: Path, server: Server, credentials: dict[str, str]) -> None:
    """The table authentication reads is broken under the running server."""
    sql = SCHEMES[answer(project, "framework")].breakage
    psql = ["psql", server.env["DATABASE_URL"], "-v", "ON_ERROR_STOP=1", "-qc", sql]
    subprocess.run(psql, check=True, capture_output=True, timeout=60)


def body_secrets() -> dict[str, str]:
    return {
        "title": "a failing write",
        "password": f"leaked-password-{uuid.uuid4().hex}",
        "token": f"leaked-token-{uuid.uuid4().hex}",
    }


def failing_request(
    server: Server, credentials: dict[str, str], body: dict[str, str] | None = None
) -> tuple[httpx.Response, float]:
    """An authenticated write, which the broken table makes a 500; and the seconds it took."""
    started = time.perf_counter()
    response = httpx.post(
        f"{server.base_url}/api/v1/items",
        headers=credentials,
        json=body or body_secrets(),
        timeout=30,
    )
    return response, time.perf_counter() - started


def secret_values(credentials: dict[str, str], body: dict[str, str]) -> list[str]:
    """Every secret the request carried, also each part a server reads alone: the token of
    "Bearer <token>", the value of "<cookie name>=<value>"."""
    values = [body["password"], body["token"]]
    for value in credentials.values():
        values += [value, value.split()[-1], value.split("=", 1)[-1]]
    return values


def assert_opaque_500(response: httpx.Response, table: str) -> dict[str, Any]:
    """A problem+json 500 that says nothing of what failed."""
    assert response.status_code == 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    assert problem["status"] == 500
    assert problem["detail"] == "An unexpected error occurred."
    assert set(problem) == {"type", "title", "status", "detail", "request_id"}
    text = response.text.lower()
    internals = ("traceback", "programming", "dataerror", "invalid input", "sql", "psycopg")
    for internal in (*internals, "asyncpg", "relation", table):
        assert internal not in text, response.text
    return problem


def test_a_server_error_is_one_event_without_secrets(
    project: Path, server: Server, ingest: Ingest, credentials: dict[str, str], broken: None
) -> None:
    framework = answer(project, "framework")
    table = SCHEMES[framework].table
    body = body_secrets()
    response, _ = failing_request(server, credentials, body)
    assert_opaque_500(response, table)
    request_id = response.headers["x-request-id"]

    event = ingest.wait_for_event(lambda event: event.get("level") == "error")
    time.sleep(2)  # a second report of the same error would have arrived by now
    events = ingest.events()
    raised = [[(v["type"], v.get("value")) for v in e["exception"]["values"]] for e in events]
    assert len(events) == 1, raised
    slug = derived(project)["project_slug"]
    assert event["release"] == f"{slug}@0.1.0+{COMMIT}"
    assert event["environment"] == "production"
    exception = event["exception"]["values"][-1]  # the last raised; its causes before it
    assert "Error" in exception["type"], exception  # the database's, not a test's own

    secrets = secret_values(credentials, body)
    raw = b"".join(envelope.raw for envelope in ingest.received())
    leaked = [secret for secret in secrets if secret.encode() in raw]
    assert leaked == [], raw.decode(errors="replace")
    # Nor in the server's own log lines (the error's, with its traceback, among them).
    assert [secret for secret in secrets if secret in server.log] == [], server.log
    assert ingest.refused == []
    assert event["tags"]["request_id"] == request_id
    print(f"\n{framework}: {exception['type']}, request {request_id}, {len(raw)} bytes")


def timed_errors(server: Server, credentials: dict[str, str], table: str) -> list[float]:
    durations = []
    for _ in range(SAMPLES):
        response, seconds = failing_request(server, credentials)
        assert_opaque_500(response, table)
        durations.append(seconds)
    return durations


def test_a_hanging_or_gone_endpoint_never_holds_up_a_request(
    project: Path, server: Server, ingest: Ingest, credentials: dict[str, str], broken: None
) -> None:
    framework = answer(project, "framework")
    table = SCHEMES[framework].table
    answered = timed_errors(server, credentials, table)
    ingest.hang()
    sent = len(ingest.received())
    hanging = timed_errors(server, credentials, table)
    deadline = time.monotonic() + 10
    while len(ingest.received()) == sent and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(ingest.received()) > sent  # the SDK is waiting for an answer now
    ingest.stop()
    time.sleep(0.5)
    refused = timed_errors(server, credentials, table)
    baseline = statistics.median(answered)
    print(
        f"\n{framework}: error request median {baseline * 1000:.0f} ms with Sentry answering, "
        f"{statistics.median(hanging) * 1000:.0f} ms hanging "
        f"(max {max(hanging) * 1000:.0f}), {statistics.median(refused) * 1000:.0f} ms refusing "
        f"(max {max(refused) * 1000:.0f})"
    )
    for durations in (hanging, refused):
        # Loose bounds: noise on shared cores, never a wait for Sentry (its timeout is 30 s).
        assert max(durations) < max(2.0, 10 * baseline), durations
        assert statistics.median(durations) < 3 * baseline + 0.25, durations
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        assert client.get("/health/ready").status_code == 200
        assert client.get("/health/live").status_code == 200
    assert server.process.poll() is None  # still serving
