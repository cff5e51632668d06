"""derive(answers) -> every value the template computes from the answers.

Pure: no I/O, no copier imports, so it is unit-tested directly and cheap enough to run
for every file copier renders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .catalog import (
    AUTHS,
    AXES,
    CI,
    CIS,
    COMMON_DEPENDENCIES,
    DATABASES,
    DEV_DEPENDENCIES,
    FRAMEWORKS,
    JOBS,
    KUBERNETES,
    KUBERNETES_ENVIRONMENTS,
    KUBERNETES_VERSION,
    PROPERTY_TEST_DEPENDENCIES,
    TEST_RUNNER,
    Auth,
    Database,
    Framework,
    JobQueue,
    KubernetesManifests,
)
from .naming import slugify
from .release import release_image

REQUIRED = ("project_name", "package_name", "python_version", "framework", "database", "auth", "ci")
# Every answer derive() reads: the required ones and those it reads when present. Callers
# that memoize derive() must key on all of them.
INPUTS = (*REQUIRED, "container_registry", "kubernetes", "jobs")


def _sorted_unique(requirements: tuple[str, ...]) -> list[str]:
    """Sorted by package name, as a person would list them."""
    return sorted(
        set(requirements), key=lambda requirement: re.split(r"[\[<>=!~ ]", requirement)[0].lower()
    )


@dataclass(frozen=True)
class _Choices:
    """The catalog rows the answers chose."""

    framework: Framework
    database: Database
    auth: Auth
    ci: CI
    manifests: KubernetesManifests
    jobs: JobQueue
    package: str
    slug: str

    @classmethod
    def of(cls, answers: Mapping[str, Any]) -> _Choices:
        return cls(
            framework=FRAMEWORKS[answers["framework"]],
            database=DATABASES[answers["database"]],
            auth=AUTHS[answers["auth"]],
            ci=CIS[answers["ci"]],
            manifests=KUBERNETES[answers.get("kubernetes") or "none"],
            jobs=JOBS[answers.get("jobs") or "none"],
            package=answers["package_name"],
            slug=slugify(answers["project_name"]),
        )


def _main_first(main: str, requirements: tuple[str, ...]) -> list[str]:
    """The main package first, then the others by name. Not sorted as a whole on purpose:
    `uv add` keeps a sorted list sorted, placing a team's package between the template's
    lines, where template updates change them; on this list it appends instead, below the
    "your own" comment of pyproject.toml, which updates never touch."""
    return [main, *_sorted_unique(tuple(item for item in requirements if item != main))]


def derive(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Return the derived context; empty while the answers are still being asked."""
    if any(key not in answers for key in REQUIRED) or not _known_choices(answers):
        # Still being asked, or an answer copier has yet to refuse at its own question:
        # computing from it here would report the error against whichever question
        # copier happens to be validating.
        return {}
    chosen = _Choices.of(answers)
    image = release_image(str(answers.get("container_registry") or ""), chosen.ci.key, chosen.slug)
    return {
        **_overlay_flags(chosen),
        **_labels(chosen, answers["python_version"]),
        **_dependencies(chosen),
        **_database(chosen),
        **_commands(chosen),
        **image,
        **_kubernetes(
            chosen.manifests.key,
            chosen.database,
            has_users=chosen.auth.key != "none",
            jobs=chosen.jobs.key != "none",
            local_passwords=chosen.auth.local_passwords,
            slug=chosen.slug,
            repository=image["image_repository"] if image["image_registry_is_own"] else "",
            ci=chosen.ci.key,
        ),
    }


def _overlay_flags(chosen: _Choices) -> dict[str, bool]:
    """The short names that conditions in file names and templates test."""
    flags = {
        f"{axis}_{key}": key == getattr(chosen, axis).key
        for axis, keys in _FLAG_AXES.items()
        for key in keys
    }
    return {
        **flags,
        # The framework overlays: {% if fastapi %}src{% endif %}.
        "fastapi": chosen.framework.key == "fastapi",
        "django": chosen.framework.key == "django",
        "flask": chosen.framework.key == "flask",
        "alembic": chosen.framework.orm == "sqlalchemy",
        # Accounts exist unless the API is public; passwords only for some schemes.
        "has_users": chosen.auth.key != "none",
        "local_passwords": chosen.auth.local_passwords,
        "database_server": chosen.database.is_server,
        # Background jobs on Celery: the jobs/ package, the worker and beat commands.
        "jobs_celery": chosen.jobs.key == "celery",
        # The service pools server connections per worker (DATABASE_POOL_* settings).
        "database_pool": chosen.database.is_server
        and chosen.database.key in dict(chosen.framework.pooled_databases),
    }


def _labels(chosen: _Choices, python: str) -> dict[str, Any]:
    """Names as the README and pyproject.toml print them."""
    return {
        "project_slug": chosen.slug,
        "python_target": "py" + python.replace(".", ""),
        "auth_summary": chosen.auth.summary,
        "database_label": chosen.database.label,
        "framework_label": chosen.framework.label,
        "migrations_label": chosen.framework.migrations.label,
        "mypy_plugins": list(chosen.framework.mypy_plugins),
    }


def _dependencies(chosen: _Choices) -> dict[str, list[str]]:
    """The project's runtime and development requirements, from the catalog rows."""
    framework, database, auth = chosen.framework, chosen.database, chosen.auth
    driver = database.async_driver if framework.is_async else database.sync_driver
    driver += dict(framework.pooled_databases).get(database.key, ())
    hashing = framework.password_hashing if auth.local_passwords else ()
    # Only services with accounts have security functions to property-test.
    properties = PROPERTY_TEST_DEPENDENCIES if auth.key != "none" else ()
    # The generated CI validates the manifests against the API schemas with it.
    kubernetes = ("kubernetes-validate>=1.37",) if chosen.manifests.key != "none" else ()
    database_dev = dict(framework.database_dev_dependencies).get(database.key, ())
    return {
        "dependencies": _main_first(
            framework.dependencies[0],
            COMMON_DEPENDENCIES
            + framework.dependencies
            + driver
            + auth.dependencies
            + hashing
            + chosen.jobs.dependencies,
        ),
        "dev_dependencies": _main_first(
            TEST_RUNNER,
            DEV_DEPENDENCIES
            + framework.dev_dependencies
            + database_dev
            + properties
            + kubernetes
            + chosen.jobs.dev_dependencies,
        ),
    }


def _database(chosen: _Choices) -> dict[str, Any]:
    """Where the service and its tests find their database, locally and in CI."""
    database_url, test_database_url = _database_urls(chosen.database.url_scheme, chosen.package)
    return {
        "database_url": database_url,
        "test_database_url": test_database_url,
        "ci_service": _ci_service(chosen.database),
    }


def _commands(chosen: _Choices) -> dict[str, Any]:
    """The commands a developer runs; the CI gates run these same strings."""
    migrations, package = chosen.framework.migrations, chosen.package
    migrate = f"uv run {migrations.apply}"
    migration_check = f"uv run {migrations.check}"
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
        # Every framework serves with `python -m <package>`: one command to learn.
        "serve_command": f"uv run python -m {package}",
        "dev_command": f"uv run python -m {package} --reload",
        "migrate_command": migrate,
        "migration_check_command": migration_check,
        "migration_create_command": f"uv run {migrations.create}",
        # Inside the image there is no uv: the virtualenv is on PATH.
        "image_migrate_command": migrations.apply,
        # Bootstrap command for the first API key (each framework's own CLI idiom).
        "api_key_command": _API_KEY_COMMANDS[chosen.framework.key].format(package=package),
        "test_command": "uv run pytest",
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
    }


def _known_choices(answers: Mapping[str, Any]) -> bool:
    """Every answer of a choice question names a row of its table."""
    return all(
        _hashable(answers[axis]) and answers[axis] in table
        for axis, table in AXES.items()
        if axis in answers
    )


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


_API_KEY_COMMANDS = {
    "fastapi": "uv run python -m {package}.cli create-api-key",
    "flask": "uv run flask --app {package}.app create-api-key",
    "django": "uv run python manage.py create_api_key",
}

# Axes whose every accepted value gets a flag (database_sqlite, auth_jwt, ci_github, ...);
# frameworks have their short names instead (fastapi, django, flask).
_FLAG_AXES = {
    axis: tuple(key for key, row in table.items() if row.refusal is None)
    for axis, table in (("database", DATABASES), ("auth", AUTHS), ("ci", CIS))
}


_IMAGE_HINTS = {"github": "ghcr.io/OWNER/REPOSITORY", "gitlab": "REGISTRY/GROUP/PROJECT"}


def _kubernetes(
    manifests: str,
    database: Database,
    *,
    has_users: bool,
    jobs: bool,
    local_passwords: bool,
    slug: str,
    repository: str,
    ci: str,
) -> dict[str, Any]:
    """What the Kubernetes manifests (deploy/kubernetes/) are made of."""
    # SQLite's file lives on one volume that one pod at a time may write: one replica, no
    # autoscaler, and migrations in that pod before it serves (no Job beside it).
    single = not database.is_server
    environments = {
        environment.name: {
            "name": environment.name,
            "replicas": 1 if single else environment.replicas,
            "max_replicas": 1 if single else environment.max_replicas,
            "autoscaled": not single,
            "cpu_request": environment.cpu_request,
            "cpu_limit": environment.cpu_limit,
            "memory_request": environment.memory_request,
            "memory_limit": environment.memory_limit,
            "log_level": environment.log_level,
            "expose_docs": environment.expose_docs,
            "host": environment.host.format(slug=slug),
            "namespace": slug if environment.name == "production" else f"{slug}-{environment.name}",
        }
        for environment in KUBERNETES_ENVIRONMENTS
    }
    # Each overlay built into build/ (git-ignored), then every file checked against the API
    # schemas. kubectl embeds kustomize; CI images without kubectl run `kustomize build`.
    built = [f"build/kubernetes/{name}.yaml" for name in environments]
    builds = [
        f"deploy/kubernetes/overlays/{name} > build/kubernetes/{name}.yaml" for name in environments
    ]
    return {
        "kubernetes_kustomize": manifests == "kustomize",
        "kubernetes_single_replica": single,
        "kubernetes_migration_job": not single,
        # By overlay name (deploy/kubernetes/overlays/<name>), in the catalog's order.
        "kubernetes_environments": environments,
        # The release image (CI pushes tags like v1.2.3): the organisation's registry when
        # known; otherwise the local build's name, which each overlay sets to the real one.
        "kubernetes_image": repository or slug,
        "kubernetes_image_tag": "v0.1.0",
        # The release image as the README names it, where only the CI provider knows it.
        "kubernetes_image_hint": repository or _IMAGE_HINTS.get(ci, "REGISTRY/REPOSITORY"),
        # Keys of the Secret the deployment reads (created outside git; see the README).
        "kubernetes_secret_keys": [
            "SECRET_KEY",
            *(["DATABASE_URL"] if not single else []),
            # The broker's URL may carry its password.
            *(["JOBS_BROKER_URL"] if jobs else []),
        ],
        # Read when present: Redis shares the rate-limit counters between replicas; Sentry
        # receives the unhandled exceptions.
        "kubernetes_optional_secret_keys": [
            *(["RATE_LIMIT_STORAGE_URL"] if has_users else []),
            "SENTRY_DSN",
            # The mail server's URL may carry its password (mail/smtp.py), or the password
            # comes alone (SMTP_HOST and friends).
            *(["SMTP_URL", "SMTP_PASSWORD"] if local_passwords else []),
        ],
        "kubernetes_manifest_files": built,
        "kubernetes_build_commands": [
            "mkdir -p build/kubernetes",
            *(f"kubectl kustomize {build}" for build in builds),
        ],
        "kubernetes_kustomize_build_commands": [
            "mkdir -p build/kubernetes",
            *(f"kustomize build {build}" for build in builds),
        ],
        "kubernetes_validate_command": (
            f"uv run kubernetes-validate --strict --quiet --kubernetes-version {KUBERNETES_VERSION} "
            + " ".join(built)
        ),
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
