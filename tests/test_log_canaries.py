"""Slow: no secret reaches the logs, and user input cannot forge a log line.

Each framework's production server (JSON logs) runs on PostgreSQL with a DATABASE_URL that
carries a password. A user registers and logs in with a canary password, uses the canary
tokens, fails a login with another canary, and sends log-injection attempts in every place
input reaches a log line (email, path, query, headers). Then every captured line must be one
JSON object, none may contain a canary, and no forged event may appear.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import pytest

from extensions.refusals import refusal, supported

from .projects import database_url, rendered_and_installed, serve_on

pytestmark = pytest.mark.slow

FORGED = '\n{"level":"critical","event":"forged"}'
FRAMEWORKS = [
    name for name in supported("framework") if not refusal("database", "postgresql", name)
]


def with_password(url: str, password: str) -> str:
    """The same database URL, with a password (the test server trusts loopback anyway)."""
    parts = urlsplit(url)
    netloc = f"{parts.username}:{password}@{parts.hostname}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def exercise(base_url: str, canaries: dict[str, str]) -> None:
    """Drive the API the way that would leak, if anything leaks."""
    email = f"canary-{secrets.token_hex(4)}@example.com"
    with httpx.Client(base_url=base_url, timeout=10) as client:
        credentials = {"email": email, "password": canaries["password"]}
        assert client.post("/api/v1/users", json=credentials).status_code in {201, 202}
        login = client.post("/api/v1/auth/login", json=credentials)
        assert login.status_code == 200, login.text
        tokens = login.json()
        canaries["access token"] = tokens["access_token"]
        canaries["refresh token"] = tokens["refresh_token"]
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert client.get("/api/v1/users/me", headers=headers).status_code == 200
        refreshed = client.post(
            "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert refreshed.status_code == 200
        wrong = {"email": email, "password": canaries["wrong password"]}
        assert client.post("/api/v1/auth/login", json=wrong).status_code == 401
        # Log injection: a forged line in every input that may reach a log line.
        forged_email = {"email": f"a{FORGED}@example.com", "password": canaries["password"]}
        assert client.post("/api/v1/users", json=forged_email).status_code == 422
        assert client.post("/api/v1/auth/login", json=forged_email).status_code in {401, 422}
        client.get(f"/api/v1/items/{quote(FORGED)}", headers=headers)
        client.get("/api/v1/items", params={"limit": FORGED}, headers=headers)
        client.get(
            "/health/live",
            headers={"X-Request-ID": quote(FORGED), "User-Agent": quote(FORGED)},
        )
        bad_token = {"Authorization": f"Bearer {canaries['forged token']}"}
        assert client.get("/api/v1/users/me", headers=bad_token).status_code == 401


def assert_clean(log: str, canaries: dict[str, str]) -> int:
    """Every line is one JSON event, no canary anywhere, nothing forged; return the count."""
    lines = [line for line in log.splitlines() if line.strip()]
    for line in lines:
        event = json.loads(line)  # a forged line would not parse, or parse on its own
        assert isinstance(event, dict), line
        assert event.get("event") != "forged", line
    for name, canary in canaries.items():
        assert canary not in log, f"the {name} is in the log"
    return len(lines)


def assert_no_secret_in_logs(project: Path, data: Path) -> int:
    canaries = {
        "password": f"CANARY-password-{secrets.token_hex(8)}",
        "wrong password": f"CANARY-wrong-{secrets.token_hex(8)}",
        "database password": f"CANARY-db-{secrets.token_hex(8)}",
        "forged token": f"CANARY.{secrets.token_hex(16)}.token",
    }
    with database_url(project, data) as url:
        database = with_password(url, canaries["database password"])
        with serve_on(project, database, workers=1) as server:
            exercise(server.base_url, canaries)
            code, _ = server.stop()
    assert code == 0, server.log
    return assert_clean(server.log, canaries)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_logs_hold_no_secret_and_no_forged_line(
    framework: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    project = rendered_and_installed(
        tmp_path_factory.mktemp(f"canary-{framework}") / "project",
        framework=framework,
        database="postgresql",
    )
    assert assert_no_secret_in_logs(project, tmp_path_factory.mktemp("data")) > 10
