"""Slow: install rendered projects with uv and run what their README promises.

Each project gets a fresh virtualenv from uv's shared cache, then its own format check,
lint, strict type check, test suite, migrations and production server are run.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from extensions.refusals import supported

from .conftest import render
from .projects import install, production_server, run_documented, uv

pytestmark = pytest.mark.slow

# Python versions that can be installed here; 3.14 is rendered and linted by test_render.
INSTALLABLE = ["3.12", "3.13"]
CASES = [(framework, python) for framework in supported("framework") for python in INSTALLABLE]


@pytest.fixture(scope="module", params=CASES, ids=["-".join(case) for case in CASES])
def installed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    framework, python = request.param
    project = render(
        tmp_path_factory.mktemp("gen") / "project", framework=framework, python_version=python
    )
    install(project, python)
    return project


def test_format_lint_and_types(installed: Path) -> None:
    uv(installed, "run", "--locked", "ruff", "format", "--check", ".")
    uv(installed, "run", "--locked", "ruff", "check", ".")
    uv(installed, "run", "--locked", "mypy")


def test_own_test_suite_passes_with_coverage(installed: Path) -> None:
    output = uv(installed, "run", "--locked", "pytest", "-q", "-p", "no:cacheprovider")
    assert "Required test coverage of 90% reached" in output


def test_migrations_apply_twice_and_match_the_models(installed: Path) -> None:
    run_documented(installed, "migrate_command")
    run_documented(installed, "migrate_command")
    run_documented(installed, "migration_check_command")


def test_production_server_with_two_workers_logs_json_and_stops_cleanly(
    installed: Path, tmp_path: Path
) -> None:
    with production_server(installed, tmp_path, workers=2) as server:
        with httpx.Client(base_url=server.base_url, timeout=10) as client:
            live = client.get("/health/live")
            assert live.json() == {"status": "ok"}
            assert "server" not in live.headers
            request_id = client.get("/health/ready").headers["x-request-id"]
        code, seconds = server.stop()

    assert code == 0, server.log
    assert seconds < 25
    lines = [line for line in server.log.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is JSON
    access = [record for record in records if record.get("event") == "request"]
    assert any(
        record["path"] == "/health/ready" and record["request_id"] == request_id
        for record in access
    ), access
