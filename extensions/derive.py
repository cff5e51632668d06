"""derive(answers) -> every value the template computes from the answers.

Pure: no I/O, no copier imports, so it is unit-tested directly and cheap enough to run
for every file copier renders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .catalog import (
    AUTHS,
    CIS,
    COMMON_DEPENDENCIES,
    DATABASES,
    DEV_DEPENDENCIES,
    FRAMEWORKS,
    PROPERTY_TEST_DEPENDENCIES,
    TEST_RUNNER,
    Database,
)
from .naming import slugify
from .release import release_image

REQUIRED = ("project_name", "package_name", "python_version", "framework", "database", "auth", "ci")
# Every answer derive() reads: the required ones and those it reads when present. Callers
# that memoize derive() must key on all of them.
INPUTS = (*REQUIRED, "container_registry")


def _sorted_unique(requirements: tuple[str, ...]) -> list[str]:
    """Sorted by package name, as a person would list them."""
    return sorted(
        set(requirements), key=lambda requirement: re.split(r"[\[<>=!~ ]", requirement)[0].lower()
    )


def _main_first(main: str, requirements: tuple[str, ...]) -> list[str]:
    """The main package first, then the others by name. Not sorted as a whole on purpose:
    `uv add` keeps a sorted list sorted, placing a team's package between the template's
    lines, where template updates change them; on this list it appends instead, below the
    "your own" comment of pyproject.toml, which updates never touch."""
    return [main, *_sorted_unique(tuple(item for item in requirements if item != main))]


def derive(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Return the derived context; empty while the answers are still being asked."""
    if any(key not in answers for key in REQUIRED):
        return {}
    framework = FRAMEWORKS[answers["framework"]]
    database = DATABASES[answers["database"]]
    auth = AUTHS[answers["auth"]]
    ci = CIS[answers["ci"]]
    package = answers["package_name"]
    python = answers["python_version"]

    database_url, test_database_url = _database_urls(database.url_scheme, package)
    driver = database.async_driver if framework.is_async else database.sync_driver
    pools = dict(framework.pooled_databases)
    database_pool = database.is_server and database.key in pools
    driver += pools.get(database.key, ())
    hashing = framework.password_hashing if auth.local_passwords else ()
    dependencies = _main_first(
        framework.dependencies[0],
        COMMON_DEPENDENCIES + framework.dependencies + driver + auth.dependencies + hashing,
    )
    database_dev = dict(framework.database_dev_dependencies).get(database.key, ())
    # Accounts exist unless the API is public; only they have security functions to test.
    has_users = auth.key != "none"
    properties = PROPERTY_TEST_DEPENDENCIES if has_users else ()
    dev_dependencies = _main_first(
        TEST_RUNNER, DEV_DEPENDENCIES + framework.dev_dependencies + database_dev + properties
    )

    flags = {f"{axis}_{key}": False for axis, keys in _FLAG_AXES.items() for key in keys}
    flags.update(
        {
            f"framework_{framework.key}": True,
            f"database_{database.key}": True,
            f"auth_{auth.key}": True,
            f"ci_{ci.key}": True,
        }
    )
    # The commands a developer runs; the CI gates below run these same strings.
    migrate = f"uv run {framework.migrations.apply}"
    migration_check = f"uv run {framework.migrations.check}"
    test = "uv run pytest"
    # Coverage tracing roughly doubles the suite's time: CI and `coverage_command` measure it
    # (fail_under in [tool.coverage.report]), the everyday run does not.
    coverage = "uv run pytest --cov"
    typecheck = "uv run mypy"
    lint = ["uv run ruff format --check .", "uv run ruff check ."]
    security = [
        "uv run bandit --configfile pyproject.toml --severity-level medium --recursive src",
        # --strict: a dependency that cannot be audited fails the job instead of passing it.
        "uv export --no-emit-project --no-dev --format requirements-txt --output-file "
        "requirements-audit.txt && uv run pip-audit --strict --disable-pip "
        "--requirement requirements-audit.txt",
    ]
    return {
        **flags,
        # Short names for the framework overlays in file names: {% if fastapi %}src{% endif %}.
        "fastapi": framework.key == "fastapi",
        "django": framework.key == "django",
        "flask": framework.key == "flask",
        "alembic": framework.orm == "sqlalchemy",
        # Auth overlays: accounts (has_users), and passwords only for some schemes.
        "has_users": has_users,
        "auth_label": auth.label,
        "auth_summary": auth.summary,
        # Bootstrap command for the first API key (each framework's own CLI idiom).
        "api_key_command": _API_KEY_COMMANDS[framework.key].format(package=package),
        "local_passwords": auth.local_passwords,
        "project_slug": slugify(answers["project_name"]),
        "python_target": "py" + python.replace(".", ""),
        "dependencies": dependencies,
        "dev_dependencies": dev_dependencies,
        "database_server": database.is_server,
        # The service pools server connections per worker (DATABASE_POOL_* settings).
        "database_pool": database_pool,
        "database_label": database.label,
        "database_url": database_url,
        "test_database_url": test_database_url,
        "framework_label": framework.label,
        "migrations_label": framework.migrations.label,
        "mypy_plugins": list(framework.mypy_plugins),
        # Every framework serves with `python -m <package>`: one command to learn.
        "serve_command": f"uv run python -m {package}",
        "dev_command": f"uv run python -m {package} --reload",
        "migrate_command": migrate,
        "migration_check_command": migration_check,
        "migration_create_command": f"uv run {framework.migrations.create}",
        # Inside the image there is no uv: the virtualenv is on PATH.
        "image_migrate_command": framework.migrations.apply,
        "test_command": test,
        "coverage_command": coverage,
        "lint_commands": lint,
        "typecheck_command": typecheck,
        # The gates every CI provider runs, job for job, with the same commands.
        "ci_gates": {
            "lint": lint,
            "typecheck": [typecheck],
            "test": [coverage, f"{migrate} && {migration_check}"],
            "security": security,
        },
        "ci_service": _ci_service(database),
        **release_image(
            str(answers.get("container_registry") or ""), ci.key, slugify(answers["project_name"])
        ),
    }


_API_KEY_COMMANDS = {
    "fastapi": "uv run python -m {package}.cli create-api-key",
    "flask": "uv run flask --app {package}.app create-api-key",
    "django": "uv run python manage.py create_api_key",
}

_FLAG_AXES = {
    "framework": tuple(FRAMEWORKS),
    "database": tuple(DATABASES),
    "auth": tuple(AUTHS),
    "ci": tuple(CIS),
}


def _ci_service(database: Database) -> dict[str, Any] | None:
    service = database.ci_service
    if service is None:
        return None
    return {
        "image": service.image,
        "environment": dict(service.environment),
        "port": service.port,
        "health_command": service.health_command,
        "url": service.url,
    }


def _database_urls(scheme: str, package: str) -> tuple[str, str]:
    """The development URL (the compose database on localhost) and the tests' admin URL."""
    if scheme == "sqlite":
        # Relative to the working directory; var/ is git-ignored and created at start-up.
        return "sqlite:///var/app.db", ""
    port = {"postgresql": 5432, "mysql": 3306}.get(scheme)
    if port is None:
        raise ValueError(f"no default URL for {scheme}")
    # Tests create databases of their own: PostgreSQL's compose user may, MariaDB's needs root.
    admin = "root" if scheme == "mysql" else package
    server = f"127.0.0.1:{port}/{package}"
    return f"{scheme}://{package}:{package}@{server}", f"{scheme}://{admin}:{package}@{server}"
