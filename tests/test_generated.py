"""Slow: install rendered projects with uv and run what their README promises.

Each project gets a fresh virtualenv from uv's shared cache, then its own format check,
lint, strict type check, test suite, migrations and production server are run.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import BIN, python_for, render

pytestmark = pytest.mark.slow

# Python versions that can be installed here; 3.14 is rendered and linted by test_render.
INSTALLABLE = ["3.12", "3.13"]


def uv_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_PROJECT"))}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.pop("PYTHONPATH", None)
    return env


def run(project: Path, *command: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(BIN / "uv"), *command],
        cwd=project,
        env=env or uv_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def install(project: Path, python: str) -> None:
    interpreter = python_for(python)
    if interpreter is None:
        pytest.skip(f"no Python {python} on this machine")
    run(project, "sync", "--python", interpreter)
    assert (project / "uv.lock").is_file()


@pytest.fixture(scope="module", params=INSTALLABLE)
def installed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = render(tmp_path_factory.mktemp("gen") / "project", python_version=request.param)
    install(project, request.param)
    return project


def test_format_lint_and_types(installed: Path) -> None:
    run(installed, "run", "--locked", "ruff", "format", "--check", ".")
    run(installed, "run", "--locked", "ruff", "check", ".")
    run(installed, "run", "--locked", "mypy")


def test_own_test_suite_passes_with_coverage(installed: Path) -> None:
    output = run(installed, "run", "--locked", "pytest", "-q", "-p", "no:cacheprovider")
    assert "Required test coverage of 90% reached" in output


def test_migrations_apply_and_match_the_models(installed: Path) -> None:
    run(installed, "run", "--locked", "alembic", "upgrade", "head")
    run(installed, "run", "--locked", "alembic", "upgrade", "head")
    run(installed, "run", "--locked", "alembic", "check")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(installed: Path, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """The production server command from the README, in production mode with JSON logs."""
    env = uv_env() | {
        "ENVIRONMENT": "production",
        "SECRET_KEY": "a-very-random-production-value-" + "9" * 20,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "PORT": str(free_port()),
        "WORKERS": "2",
    }
    run(installed, "run", "--locked", "alembic", "upgrade", "head", env=env)
    package = next(path.name for path in (installed / "src").iterdir())
    process = subprocess.Popen(
        [str(installed / ".venv/bin/python"), "-m", package],
        cwd=installed,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{env['PORT']}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"server did not become ready:\n{process.communicate()[0]}")
    yield base, process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_production_server_serves_the_api_and_logs_json(
    server: tuple[str, subprocess.Popen[str]],
) -> None:
    base, process = server
    credentials = {"email": "ada@example.com", "password": "correct horse battery staple"}
    with httpx.Client(base_url=base, timeout=10) as client:
        assert client.get("/health/live").json() == {"status": "ok"}
        assert "server" not in client.get("/health/live").headers
        assert client.post("/api/v1/users", json=credentials).status_code == 201
        tokens = client.post("/api/v1/auth/login", json=credentials).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        created = client.post("/api/v1/items", json={"title": "first"}, headers=headers)
        assert created.status_code == 201
        listed = client.get("/api/v1/items", headers=headers)
        assert listed.json()["total"] == 1
        request_id = listed.headers["x-request-id"]
        missing = client.get("/api/v1/items", headers={"Authorization": "Bearer nope"})
        assert missing.status_code == 401
        assert missing.headers["content-type"] == "application/problem+json"
        assert client.get("/docs").status_code == 200

    # Graceful stop: SIGTERM ends the server with exit code 0 well inside the 30 s kill.
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert time.monotonic() - started < 25

    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert len(lines) == len([line for line in output.splitlines() if line.strip()]), output
    access = [line for line in lines if line.get("event") == "request"]
    assert any(
        line["path"] == "/api/v1/items" and line["request_id"] == request_id for line in access
    ), access
    assert all("password" not in json.dumps(line) for line in lines)
