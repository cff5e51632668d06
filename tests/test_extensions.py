"""Unit tests of extensions/: derived values, name checks, refusals, and catalog consistency."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from extensions.catalog import AUTH_PAIR_REFUSALS, AXES, PAIR_REFUSALS, PYTHON_VERSIONS
from extensions.derive import INPUTS, derive
from extensions.naming import (
    branch_name_error,
    email_error,
    package_name_error,
    project_name_error,
    slugify,
    team_name_error,
    to_package_name,
)
from extensions.refusals import refusal, supported

COPIER_YML = yaml.safe_load((Path(__file__).resolve().parents[1] / "copier.yml").read_text())
DEFAULTS: dict[str, Any] = {
    "project_name": "Payments API",
    "package_name": "payments_api",
    "python_version": "3.13",
    "framework": "fastapi",
    "database": "sqlite",
    "auth": "jwt",
    "ci": "github",
}


@pytest.mark.parametrize(
    ("name", "slug", "package"),
    [
        ("Payments API", "payments-api", "payments_api"),
        ("my.service_v2", "my-service-v2", "my_service_v2"),
        ("  Spaced   Out  ", "spaced-out", "spaced_out"),
        ("3D Printer", "3d-printer", "svc_3d_printer"),
    ],
)
def test_names_are_derived(name: str, slug: str, package: str) -> None:
    assert slugify(name) == slug
    assert to_package_name(name) == package
    assert package_name_error(package) == ""


@pytest.mark.parametrize(
    ("package", "fragment"),
    [
        ("Payments", "not a valid package name"),
        ("1st", "not a valid package name"),
        ("my-service", "not a valid package name"),
        ("", "not a valid package name"),
        ("class", "Python keyword"),
        ("match", "Python keyword"),
        ("json", "standard library"),
        ("logging", "standard library"),
        ("fastapi", "shadow a package"),
        ("tests", "shadow a package"),
    ],
)
def test_bad_package_names_are_refused(package: str, fragment: str) -> None:
    assert fragment in package_name_error(package)


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "empty"),
        ("  ", "empty"),
        ("9lives", "start with a letter"),
        ("a/b", "not a valid"),
        ("x" * 65, "64 at most"),
    ],
)
def test_bad_project_names_are_refused(name: str, fragment: str) -> None:
    assert fragment in project_name_error(name)


def test_good_project_name_passes() -> None:
    assert project_name_error("Payments API v2") == ""


@pytest.mark.parametrize("email", ["a@example.com", "first.last+tag@sub.example.co.uk"])
def test_good_emails_pass(email: str) -> None:
    assert email_error(email) == ""


@pytest.mark.parametrize(
    "email", ["", "nobody", "a@b", "a @example.com", "a@exa mple.com", "@x.com"]
)
def test_bad_emails_are_refused(email: str) -> None:
    assert "not a valid email address" in email_error(email)


@pytest.mark.parametrize("name", ["", 'Team "Quote"', "back\\slash", "x" * 101])
def test_bad_team_names_are_refused(name: str) -> None:
    assert team_name_error(name) != ""


def test_derive_is_empty_until_every_answer_is_known() -> None:
    partial = dict(DEFAULTS)
    del partial["ci"]
    assert derive(partial) == {}


@pytest.mark.parametrize(
    ("axis", "value"), [("ci", "jenkins"), ("framework", "rails"), ("auth", ["jwt", "oidc"])]
)
def test_derive_is_empty_while_an_answer_is_unknown(axis: str, value: object) -> None:
    """copier refuses the answer at its own question; derive must not fail first elsewhere."""
    assert derive({**DEFAULTS, axis: value}) == {}


def test_derive_defaults() -> None:
    derived = derive(DEFAULTS)
    assert derived["fastapi"] is True
    assert derived["django"] is False
    assert derived["alembic"] is True
    assert derived["database_sqlite"] is True
    assert derived["database_postgresql"] is False
    assert derived["auth_jwt"] is True
    assert derived["ci_github"] is True
    assert derived["ci_none"] is False
    assert derived["project_slug"] == "payments-api"
    assert derived["python_target"] == "py313"
    assert derived["serve_command"] == "uv run python -m payments_api"
    assert derived["database_url"] == "sqlite:///var/app.db"


@pytest.mark.parametrize(
    ("database", "url", "test_url", "driver"),
    [
        (
            "postgresql",
            "postgresql://payments_api:payments_api@127.0.0.1:5432/payments_api",
            "postgresql://payments_api:payments_api@127.0.0.1:5432/payments_api",
            "asyncpg",
        ),
        (
            "mysql",
            "mysql://payments_api:payments_api@127.0.0.1:3306/payments_api",
            "mysql://root:payments_api@127.0.0.1:3306/payments_api",
            "aiomysql",
        ),
    ],
)
def test_server_databases(database: str, url: str, test_url: str, driver: str) -> None:
    derived = derive({**DEFAULTS, "database": database})
    assert derived["database_server"] is True
    assert (derived["database_url"], derived["test_database_url"]) == (url, test_url)
    assert any(requirement.startswith(driver) for requirement in derived["dependencies"])
    assert not any(requirement.startswith("aiosqlite") for requirement in derived["dependencies"])


def test_dependencies_are_the_framework_then_sorted_unique_and_complete() -> None:
    derived = derive(DEFAULTS)
    names = [requirement.split(">=")[0].split("[")[0] for requirement in derived["dependencies"]]
    assert names[0] == "fastapi"
    assert names[1:] == sorted(names[1:], key=str.lower)
    assert len(names) == len(set(names))
    assert {"fastapi", "aiosqlite", "pyjwt", "pwdlib", "structlog", "alembic"} <= set(names)
    dev = [requirement.split(">=")[0] for requirement in derived["dev_dependencies"]]
    assert {"pytest", "pytest-cov", "ruff", "mypy", "httpx2"} <= set(dev)


def test_django_dependencies_and_commands() -> None:
    derived = derive({**DEFAULTS, "framework": "django"})
    assert (derived["django"], derived["fastapi"], derived["alembic"]) == (True, False, False)
    names = {requirement.split(">=")[0].split("[")[0] for requirement in derived["dependencies"]}
    assert {"django", "django-ninja", "dj-database-url", "gunicorn", "whitenoise"} <= names
    assert {"pyjwt", "email-validator", "pydantic-settings", "structlog"} <= names
    # Django hashes passwords itself (argon2 through django[argon2]): no pwdlib, no SQLAlchemy.
    assert not names & {"pwdlib", "sqlalchemy", "alembic", "aiosqlite", "fastapi", "uvicorn"}
    assert "django[argon2]>=6.1" in derived["dependencies"]
    dev = {requirement.split(">=")[0] for requirement in derived["dev_dependencies"]}
    assert {"django-stubs", "pytest-django", "httpx2"} <= dev
    assert derived["mypy_plugins"] == ["mypy_django_plugin.main", "pydantic.mypy"]
    assert derived["migrations_label"] == "Django"
    assert derived["migrate_command"] == "uv run python manage.py migrate"
    assert derived["image_migrate_command"] == "python manage.py migrate"
    assert derived["serve_command"] == "uv run python -m payments_api"


@pytest.mark.parametrize(
    ("framework", "database", "pool", "drivers"),
    [
        ("fastapi", "postgresql", True, {"asyncpg"}),
        ("fastapi", "mysql", True, {"aiomysql"}),
        ("fastapi", "sqlite", False, {"aiosqlite"}),
        # Django keeps one persistent connection per thread (no pool) on both servers.
        ("django", "postgresql", False, {"psycopg"}),
        ("django", "mysql", False, {"pymysql"}),
        ("django", "sqlite", False, set()),
    ],
)
def test_server_databases_get_their_driver_and_pool(
    framework: str, database: str, pool: bool, drivers: set[str]
) -> None:
    derived = derive({**DEFAULTS, "framework": framework, "database": database})
    assert derived["database_pool"] is pool
    names = {requirement.split(">=")[0].split("[")[0] for requirement in derived["dependencies"]}
    known = {"asyncpg", "aiomysql", "aiosqlite", "psycopg", "psycopg-pool", "pymysql"}
    assert names & known == drivers


@pytest.mark.parametrize("auth", ["jwt", "session", "apikey", "oidc", "none"])
def test_services_with_accounts_get_hypothesis(auth: str) -> None:
    """The property tests of hashing, tokens and keys exist only where accounts do."""
    derived = derive({**DEFAULTS, "auth": auth})
    dev = {requirement.split(">=")[0] for requirement in derived["dev_dependencies"]}
    assert ("hypothesis" in dev) is (auth != "none")


def test_django_on_mysql_type_checks_pymysql() -> None:
    derived = derive({**DEFAULTS, "framework": "django", "database": "mysql"})
    assert "types-pymysql>=1.2" in derived["dev_dependencies"]


def test_fastapi_hashes_passwords_with_pwdlib() -> None:
    derived = derive(DEFAULTS)
    assert "pwdlib[argon2]>=0.3" in derived["dependencies"]
    assert derived["migrations_label"] == "Alembic"


def test_every_requirement_has_a_lower_bound() -> None:
    for framework in supported("framework"):
        derived = derive({**DEFAULTS, "framework": framework})
        for requirement in derived["dependencies"] + derived["dev_dependencies"]:
            assert ">=" in requirement, requirement


def test_derive_does_not_mutate_answers() -> None:
    answers = dict(DEFAULTS)
    derive(answers)
    assert answers == DEFAULTS


def test_refusal_of_supported_and_refused_choices() -> None:
    assert refusal("framework", "fastapi") == ""
    assert refusal("framework", "django") == ""
    assert refusal("framework", "flask") == ""
    assert "choose SQLite" in refusal("database", "mongodb")
    assert refusal("database", "postgresql", "fastapi") == ""
    assert refusal("database", "postgresql") == ""
    for framework in ("django", "flask"):
        assert refusal("database", "postgresql", framework) == ""
        assert refusal("database", "mysql", framework) == ""
    assert "not a known framework" in refusal("framework", "rails")
    assert f"accepted: {', '.join(supported('framework'))}." in refusal("framework", "rails")


def test_derive_flask() -> None:
    derived = derive({**DEFAULTS, "framework": "flask"})
    assert (derived["flask"], derived["fastapi"], derived["django"]) == (True, False, False)
    assert derived["alembic"] is True
    assert derived["framework_label"] == "Flask"
    assert derived["serve_command"] == "uv run python -m payments_api"
    assert derived["migrate_command"] == "uv run alembic upgrade head"
    assert derived["mypy_plugins"] == ["pydantic.mypy"]
    names = {requirement.split(">=")[0] for requirement in derived["dependencies"]}
    # Sync stack: SQLite through the standard library's driver, no async extras.
    assert {"flask", "flask-openapi3", "gunicorn", "sqlalchemy", "alembic", "pyjwt"} <= names
    assert not names & {"fastapi", "uvicorn[standard]", "aiosqlite", "sqlalchemy[asyncio]"}
    dev = {requirement.split(">=")[0] for requirement in derived["dev_dependencies"]}
    assert {"types-gunicorn", "httpx2"} <= dev


@pytest.mark.parametrize(
    ("database", "driver", "scheme"),
    [("postgresql", "psycopg[binary]", "postgresql"), ("mysql", "pymysql", "mysql")],
)
def test_derive_flask_on_a_server_database(database: str, driver: str, scheme: str) -> None:
    derived = derive({**DEFAULTS, "framework": "flask", "database": database})
    names = {requirement.split(">=")[0] for requirement in derived["dependencies"]}
    # The sync driver, never the async one FastAPI uses.
    assert driver in names
    assert not names & {"asyncpg", "aiomysql", "sqlalchemy[asyncio]"}
    assert derived["database_server"] is True
    assert str(derived["database_url"]).startswith(f"{scheme}://")
    assert str(derived["test_database_url"]).startswith(f"{scheme}://")


@pytest.mark.parametrize("axis", list(AXES))
def test_copier_choices_match_the_catalog(axis: str) -> None:
    """copier.yml and the catalog list the same values, and each choice is validated."""
    choices = COPIER_YML[axis]["choices"]
    values = [choice["value"] for choice in choices.values()]
    assert values == list(AXES[axis])
    context = ", framework" if axis in ("database", "auth") else ""
    for choice in choices.values():
        assert choice["validator"] == f"{{{{ refusal('{axis}', '{choice['value']}'{context}) }}}}"
    assert COPIER_YML[axis]["default"] in supported(axis)


def test_python_versions_match_the_catalog() -> None:
    assert list(COPIER_YML["python_version"]["choices"].values()) == list(PYTHON_VERSIONS)


def test_every_question_has_help_and_a_default() -> None:
    questions = {key: value for key, value in COPIER_YML.items() if not key.startswith("_")}
    for name, question in questions.items():
        assert question.get("help"), name
        assert "default" in question, name


@pytest.mark.parametrize("name", ["main", "trunk", "release/2026", "dev_1.x"])
def test_good_branch_names_pass(name: str) -> None:
    assert branch_name_error(name) == ""


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "The branch name is empty"),
        ("a..b", "'..' is not allowed"),
        ("/main", "must not start with '/'"),
        ("main/", "must not end with '/'"),
        ("a b", "' ' is not allowed"),
        ("x.lock", "must not end with '.lock'"),
        ("-x", "must not start with '-'"),
        ("a//b", "'//'"),
        ("a@{b", "'@' is not allowed"),
        ("feature/.hidden", "must not start with '.'"),
    ],
)
def test_bad_branch_names_are_refused_naming_the_wrong_part(name: str, why: str) -> None:
    assert why in branch_name_error(name)


def test_pair_refusals_refuse_only_their_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(PAIR_REFUSALS, ("flask", "mysql"), "Flask on MySQL: choose PostgreSQL.")
    assert refusal("database", "mysql", "flask") == "Flask on MySQL: choose PostgreSQL."
    assert refusal("database", "mysql", "django") == ""
    assert refusal("database", "postgresql", "flask") == ""


def test_auth_pair_refusals_refuse_only_their_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(AUTH_PAIR_REFUSALS, ("flask", "jwt"), "JWT on Flask: choose a session.")
    assert refusal("auth", "jwt", "flask") == "JWT on Flask: choose a session."
    assert refusal("auth", "jwt", "django") == ""
    assert "jwt" not in supported("auth", "flask")
    assert "jwt" in supported("auth", "fastapi")


def test_auth_pairs_without_a_refusal_are_supported() -> None:
    for framework in supported("framework"):
        accepted = supported("auth", framework)
        assert "jwt" in accepted
        for auth in AXES["auth"]:
            assert (auth in accepted) == ((framework, auth) not in AUTH_PAIR_REFUSALS)


@pytest.mark.parametrize("auth", ["jwt", "oidc", "session", "apikey", "none"])
def test_derive_auth_flags(auth: str) -> None:
    derived = derive({**DEFAULTS, "auth": auth})
    assert derived[f"auth_{auth}"] is True
    assert sum(derived[f"auth_{key}"] for key in AXES["auth"]) == 1
    assert derived["has_users"] is (auth != "none")
    assert derived["local_passwords"] is (auth in ("jwt", "session"))
    names = {requirement.split(">=")[0] for requirement in derived["dependencies"]}
    assert ("pwdlib[argon2]" in names) is (auth in ("jwt", "session"))
    assert ("limits[redis]" in names) is (auth != "none")


def test_derive_reads_only_the_answers_it_declares() -> None:
    """context.py memoizes derive() on INPUTS: an answer read but not declared would be
    served stale from an earlier answer set."""

    class Recording(dict[str, object]):
        read: ClassVar[set[str]] = set()

        def __getitem__(self, key: str) -> object:
            self.read.add(key)
            return super().__getitem__(key)

        def get(self, key: str, default: object = None) -> object:
            self.read.add(key)
            return super().get(key, default)

        def __contains__(self, key: object) -> bool:
            self.read.add(str(key))
            return super().__contains__(key)

    answers = Recording({**DEFAULTS, "container_registry": "registry.example/x"})
    derive(answers)
    assert Recording.read <= set(INPUTS)


def test_every_derived_value_is_used_by_the_template() -> None:
    """No dead weight: each key derive() returns is read by a template file or its name,
    or by copier.yml."""
    root = Path(__file__).resolve().parents[1]
    sources = [(root / "copier.yml").read_text()]
    for path in (root / "template").rglob("*"):
        sources.append(str(path.relative_to(root)))
        if path.is_file() and path.suffix != ".gz":
            sources.append(path.read_text())
    text = "\n".join(sources)
    keys: set[str] = set()
    for framework, database, auth, manifests in itertools.product(
        supported("framework"), supported("database"), supported("auth"), ("none", "kustomize")
    ):
        keys |= set(
            derive(
                {**DEFAULTS, "framework": framework, "database": database, "auth": auth}
                | {"kubernetes": manifests}
            )
        )
    unused = sorted(key for key in keys if not re.search(rf"\b{re.escape(key)}\b", text))
    assert unused == []


@pytest.mark.parametrize("framework", ["fastapi", "django", "flask"])
def test_derive_jobs_celery(framework: str) -> None:
    """Background jobs add Celery with its Redis client, the stubs that type it, the flag the
    jobs/ directories test, and the broker's URL to the Kubernetes Secret."""
    derived = derive({**DEFAULTS, "framework": framework, "jobs": "celery"})
    assert derived["jobs_celery"] is True
    assert "celery[redis]>=5.7" in derived["dependencies"]
    assert "celery-types>=0.26" in derived["dev_dependencies"]
    assert "JOBS_BROKER_URL" in derived["kubernetes_secret_keys"]


@pytest.mark.parametrize("answers", [{}, {"jobs": "none"}])
def test_derive_without_jobs_adds_nothing(answers: dict[str, Any]) -> None:
    """No answer (a project of an earlier release) is the default: no jobs, no broker."""
    derived = derive({**DEFAULTS, **answers})
    assert derived["jobs_celery"] is False
    assert not any("celery" in requirement for requirement in derived["dependencies"])
    assert not any("celery" in requirement for requirement in derived["dev_dependencies"])
    assert "JOBS_BROKER_URL" not in derived["kubernetes_secret_keys"]
    assert derived == derive(DEFAULTS)


def test_an_unknown_jobs_answer_is_refused_and_derives_nothing() -> None:
    assert refusal("jobs", "rq") == "'rq' is not a known jobs; accepted: none, celery."
    assert derive({**DEFAULTS, "jobs": "rq"}) == {}
    assert "jobs" in INPUTS
