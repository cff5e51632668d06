"""Slow: install rendered projects with uv and run what their README promises.

Each project gets a fresh virtualenv from uv's shared cache, then its own format check,
lint, strict type check, test suite, migrations and production server are run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from extensions.refusals import refusal, supported

from .projects import (
    database_url,
    production_server,
    rendered_and_installed,
    run_documented,
    suite_env,
    uv,
    uv_env,
)
from .rendering import accepted_combinations

pytestmark = pytest.mark.slow

# Python versions that can be installed here; 3.14 is rendered and linted by test_render.
INSTALLABLE = ["3.12", "3.13"]
# CI's selection covers every framework x auth pair and every framework x database pair the
# questionnaire accepts: each framework runs each of its auth schemes once, the databases
# cycling under them (and JWT on any database the cycle missed), the two installable
# Pythons alternating. The CI provider only changes static files, which test_render checks
# for every combination. TEMPLATE_FULL_MATRIX=1 installs every accepted combination.
DATABASES = ("sqlite", "postgresql", "mysql")
JOBS = supported("jobs")


def ci_cases() -> list[tuple[str, str, str, str, str]]:
    cases: list[tuple[str, str, str, str, str]] = []
    for framework in supported("framework"):
        databases = [name for name in DATABASES if not refusal("database", name, framework)]
        auths = supported("auth", framework)
        pairs = [(auth, databases[index % len(databases)]) for index, auth in enumerate(auths)]
        covered = {database for _, database in pairs}
        pairs += [("jwt", database) for database in databases if database not in covered]
        cases += [
            (
                framework,
                database,
                auth,
                INSTALLABLE[(index + len(cases)) % 2],
                # Background jobs every other case: each framework, scheme and database get
                # both values over the selection.
                JOBS[(index + len(cases) // 2) % 2],
            )
            for index, (auth, database) in enumerate(pairs)
        ]
    return cases


if os.environ.get("TEMPLATE_FULL_MATRIX") == "1":
    CASES = sorted(
        {
            (
                answers["framework"],
                answers["database"],
                answers["auth"],
                answers["python_version"],
                jobs,
            )
            for answers in accepted_combinations()
            for jobs in JOBS
            if answers["python_version"] in INSTALLABLE
        }
    )
else:
    CASES = ci_cases()


@pytest.fixture(scope="module", params=CASES, ids=["-".join(case) for case in CASES])
def installed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    framework, database, auth, python, jobs = request.param
    project = rendered_and_installed(
        tmp_path_factory.mktemp("gen") / "project",
        framework=framework,
        database=database,
        auth=auth,
        python=python,
        jobs=jobs,
    )
    return project


def test_format_lint_and_types(installed: Path) -> None:
    uv(installed, "run", "--locked", "ruff", "format", "--check", ".")
    uv(installed, "run", "--locked", "ruff", "check", ".")
    uv(installed, "run", "--locked", "mypy")


def test_pre_commit_hooks_pass(installed: Path) -> None:
    """The local hooks run from the lock file and leave a fresh render untouched."""
    subprocess.run(["git", "init", "-q"], cwd=installed, check=True)
    subprocess.run(["git", "add", "-A"], cwd=installed, check=True)
    uv(installed, "run", "--locked", "pre-commit", "run", "--all-files")


def test_own_test_suite_passes_with_coverage(installed: Path) -> None:
    """As the README has it: `cp .env.example .env`, then the suite (the `.env` goes again
    after it: the production server tests start without one)."""
    dotenv = installed / ".env"
    shutil.copyfile(installed / ".env.example", dotenv)
    command = ("run", "--locked", "pytest", "--cov", "-q", "-p", "no:cacheprovider")
    try:
        output = uv(installed, *command, env=suite_env(installed))
    finally:
        dotenv.unlink()
    assert "Required test coverage of 90.0% reached" in output


def test_migrations_apply_twice_and_match_the_models(installed: Path, tmp_path: Path) -> None:
    with database_url(installed, tmp_path) as url:
        env = uv_env(DATABASE_URL=url)
        applied = run_documented(installed, "migrate_command", env=env, stderr=True)
        # Each step is shown, as Django's migrate does ("Applying items.0001_initial... OK").
        assert "Running upgrade  -> 0001" in applied or "Applying items.0001" in applied, applied
        run_documented(installed, "migrate_command", env=env)
        run_documented(installed, "migration_check_command", env=env)


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
