"""The template's own shape: where conditions go, which files carry Jinja, the same module
names in every framework, and the map from output paths to template files (docs/layout.md).

The rule (README, "How the template is built"): a file's presence is decided by conditions
on directory names only; every file name ends in its real extension, plus `.jinja` only
when it contains Jinja. So ruff, type checkers and duplicate finders see a `.py` file.
"""

from __future__ import annotations

import re

import pytest

from extensions.refusals import supported

from .layout import LAYOUT_MAP, PACKAGE, TEMPLATE_ROOT, layout_map, sources, template_files
from .rendering import TEMPLATE

# Files at the project root: no directory can carry their condition there (a templated
# `_exclude` could, but copier renders it with the old template's answers on update).
ROOT_CONDITIONAL = {
    "{% if alembic %}alembic.ini{% endif %}",
    "{% if django %}manage.py{% endif %}.jinja",
    "{% if ci_gitlab %}.gitlab-ci.yml{% endif %}.jinja",
    "{% if ci_gitlab %}renovate.json{% endif %}",
}
JINJA = re.compile(r"\{\{-?\s*[A-Za-z_][\w.]*|\{%-?\s*[a-z]+|\{#")
FRAMEWORKS = tuple(supported("framework"))

# Modules that only some frameworks have, with the frameworks that have them and why. Every
# other module under src/<package>/ and tests/ has the same name in every framework.
FRAMEWORK_ONLY: dict[str, tuple[set[str], str]] = {
    # Django's own layout: names and places Django requires.
    "src/<package>/settings.py": ({"django"}, "Django reads its settings from a module"),
    "src/<package>/urls.py": ({"django"}, "Django's URL configuration (ROOT_URLCONF)"),
    "src/<package>/items/apps.py": ({"django"}, "Django app registry"),
    "src/<package>/users/apps.py": ({"django"}, "Django app registry"),
    "src/<package>/items/admin.py": ({"django"}, "the Django admin"),
    "src/<package>/users/admin_site.py": ({"django"}, "the Django admin (its own CSP)"),
    "src/<package>/csp_header.py": (
        {"fastapi", "flask"},
        "their docs pages configure Swagger UI inline, allowed by hash; Ninja's has no inline code",
    ),
    "src/<package>/hosts.py": (
        {"fastapi", "flask"},
        "the Host check (ALLOWED_HOSTS) with Django's rules; Django has it built in",
    ),
    "src/<package>/headers.py": (
        {"fastapi", "flask"},
        "security and CORS header values they add themselves; Django's are settings",
    ),
    "src/<package>/users/admin.py": ({"django"}, "the Django admin"),
    "src/<package>/users/admin_middleware.py": (
        {"django"},
        "Django's session, auth and message middleware, kept off the API's paths",
    ),
    "src/<package>/prepared.py": (
        {"django"},
        "Django ORM queries compiled once; SQLAlchemy caches its compiled statements itself",
    ),
    "src/<package>/renderer.py": ({"django"}, "Django Ninja's JSON renderer (orjson)"),
    "src/<package>/db_backend/__init__.py": (
        {"django"},
        "Django's database backend: its health check only for idle connections",
    ),
    "src/<package>/db_backend/base.py": (
        {"django"},
        "Django's database backend: its health check only for idle connections",
    ),
    "tests/test_prepared.py": ({"django"}, "Django ORM queries compiled once"),
    "tests/test_read_connections.py": (
        {"fastapi", "flask"},
        "SQLAlchemy's reads on a connection of their own; Django holds one per thread",
    ),
    "tests/test_renderer.py": ({"django"}, "Django Ninja's JSON renderer (orjson)"),
    "tests/users/test_admin.py": ({"django"}, "the Django admin"),
    "src/<package>/items/migrations/__init__.py": ({"django"}, "Django migrations, per app"),
    "src/<package>/items/migrations/0001_initial.py": ({"django"}, "Django migrations, per app"),
    "src/<package>/users/migrations/__init__.py": ({"django"}, "Django migrations, per app"),
    "src/<package>/users/migrations/0001_initial.py": ({"django"}, "Django migrations, per app"),
    "src/<package>/users/migrations/0002_apikey.py": ({"django"}, "Django migrations, per app"),
    "src/<package>/users/migrations/0002_loginsession.py": (
        {"django"},
        "Django migrations, per app",
    ),
    "src/<package>/users/migrations/0003_passwordresettoken.py": (
        {"django"},
        "Django migrations, per app",
    ),
    "src/<package>/users/migrations/0004_email_verification.py": (
        {"django"},
        "Django migrations, per app",
    ),
    "src/<package>/users/management/__init__.py": ({"django"}, "manage.py commands"),
    "src/<package>/users/management/commands/__init__.py": ({"django"}, "manage.py commands"),
    "src/<package>/users/management/commands/create_api_key.py": (
        {"django"},
        "manage.py commands (the others' cli.py)",
    ),
    "src/<package>/users/management/commands/revoke_api_key.py": (
        {"django"},
        "manage.py commands (the others' cli.py)",
    ),
    "src/<package>/cli.py": ({"fastapi", "flask"}, "Django's are manage.py commands"),
    "tests/test_deploy.py": ({"django"}, "`manage.py check --deploy`, Django's own checklist"),
    "src/<package>/api.py": ({"django"}, "the NinjaAPI instance; FastAPI and Flask are the app"),
    "src/<package>/auth/sessions.py": (
        {"django"},
        "Django keeps sessions in django.contrib.sessions: only timeouts and the CSRF view",
    ),
    "tests/apps.py": (
        {"fastapi", "flask"},
        "clients of apps built with other settings: Django's tests change its settings module",
    ),
    "src/<package>/auth/csrf.py": (
        {"fastapi", "flask"},
        "the session scheme's CSRF check (Django's CsrfViewMiddleware does it there)",
    ),
    "src/<package>/auth/service.py": (
        {"fastapi", "flask"},
        "cookie sessions stored by the service (Django's are django.contrib.sessions)",
    ),
    "src/<package>/auth/passwords.py": (
        {"django"},
        "Django's admin signs staff in with passwords under every auth scheme",
    ),
    "src/<package>/auth/password_policy.py": (
        {"django"},
        "Django's admin signs staff in with passwords under every auth scheme",
    ),
    # SQLAlchemy and Alembic (FastAPI, Flask); Django has its ORM and migrations.
    "src/<package>/models.py": ({"fastapi", "flask"}, "SQLAlchemy declarative base"),
    "src/<package>/orm.py": (
        {"fastapi", "flask"},
        "SQLAlchemy's base, driver URL and engine options; Django's ORM reads DATABASES",
    ),
    "src/<package>/timestamps.py": ({"fastapi", "flask"}, "SQLAlchemy timezone-aware column"),
    "src/<package>/pool_metrics.py": (
        {"fastapi", "flask"},
        "SQLAlchemy's connection pool as metrics; Django keeps no pool",
    ),
    "tests/test_timestamps.py": ({"fastapi", "flask"}, "SQLAlchemy timezone-aware column"),
    "src/<package>/auth/models.py": (
        {"fastapi", "flask"},
        "SQLAlchemy models; Django keeps every model of the users app in users/models.py",
    ),
    "src/<package>/password_reset/models.py": (
        {"fastapi", "flask"},
        "SQLAlchemy models; Django keeps every model of the users app in users/models.py",
    ),
    "src/<package>/email_verification/models.py": (
        {"fastapi", "flask"},
        "SQLAlchemy models; Django keeps every model of the users app in users/models.py",
    ),
    "src/<package>/auth/mailed_token_rows.py": (
        {"fastapi", "flask"},
        "SQLAlchemy columns and statements of token tables; Django's are in users/models.py",
    ),
    "src/<package>/password_reset/queries.py": (
        {"fastapi", "flask"},
        "SQLAlchemy statements shared by the async and the sync service; Django uses its ORM",
    ),
    "src/<package>/auth/common-passwords.txt.gz": (
        {"fastapi", "flask"},
        "Django ships its own list (CommonPasswordValidator)",
    ),
    "tests/auth/test_passwords.py": (
        {"fastapi", "flask"},
        "pwdlib hashing; Django's hashers and validators are Django's own",
    ),
    "tests/databases.py": (
        {"fastapi", "flask"},
        "on SQLite Django's test databases come from pytest-django",
    ),
    "tests/sqlalchemy_fixtures.py": (
        {"fastapi", "flask"},
        "the SQLAlchemy database and settings fixtures; Django's come from pytest-django",
    ),
    "tests/test_database_url.py": (
        {"fastapi", "flask"},
        "SQLAlchemy needs the driver in the URL; Django's ENGINE is tested per database kind",
    ),
    "tests/test_event_loop.py": (
        {"fastapi"},
        "FastAPI hands a plain `def` endpoint or dependency to a worker thread",
    ),
    "tests/test_server_errors.py": (
        {"fastapi", "flask"},
        "failures injected into SQLAlchemy's pool; Django's are in test_errors.py",
    ),
    # Servers: uvicorn (FastAPI) and gunicorn (Django, Flask).
    "src/<package>/server.py": ({"django", "flask"}, "gunicorn's application and logger"),
    "tests/test_server.py": ({"django", "flask"}, "gunicorn's application and logger"),
    "src/<package>/gunicorn_internals.py": (
        {"django", "flask"},
        "the one patch of gunicorn's internals (no setting drops its Server header)",
    ),
    "tests/test_gunicorn_internals.py": (
        {"django", "flask"},
        "fails loudly when the patched gunicorn internals change",
    ),
    "src/<package>/last_resort.py": (
        {"django", "flask"},
        "a problem+json 500 where gunicorn would answer with its HTML page (uvicorn has none)",
    ),
    "tests/test_last_resort.py": (
        {"django", "flask"},
        "a problem+json 500 where gunicorn would answer with its HTML page (uvicorn has none)",
    ),
    "src/<package>/proxies.py": ({"django", "flask"}, "uvicorn has --forwarded-allow-ips"),
    "tests/test_proxies.py": ({"django", "flask"}, "uvicorn has --forwarded-allow-ips"),
    # Framework glue.
    "src/<package>/request_id.py": ({"django", "flask"}, "FastAPI uses asgi-correlation-id"),
    "src/<package>/dependencies.py": (
        {"fastapi", "flask"},
        "request-scoped resources; Django's come from its settings and ORM",
    ),
    "src/<package>/responses.py": ({"flask"}, "FastAPI and Ninja serialize return values"),
    "src/<package>/auth/rate_limits.py": (
        {"django", "flask"},
        "FastAPI builds its throttles in auth/dependencies.py, as dependencies",
    ),
    # Tests not yet shared (issue #17: each goes when its area moves to a shared overlay).
    "tests/auth/test_token_attacks.py": (
        {"fastapi", "flask"},
        "Django's JWT attacks are in tests/auth/test_routes.py",
    ),
    "tests/auth/test_events.py": (
        {"fastapi", "flask"},
        "Django's security events are checked in its route tests",
    ),
    "tests/auth/test_accounts.py": (
        {"django"},
        "with sessions, FastAPI's and Flask's account states are in test_sessions.py",
    ),
    "tests/log_capture.py": (
        {"django"},
        "Django's tests read the log records through caplog; the others read stdout",
    ),
    "tests/auth/test_rate_limits.py": (
        {"django"},
        "with API keys or OIDC, Django's throttle configuration checks",
    ),
}


def test_conditions_are_on_directory_names() -> None:
    conditional = [
        source for source in template_files() if "{%" in source.rsplit("/", maxsplit=1)[-1]
    ]
    assert sorted(conditional) == sorted(ROOT_CONDITIONAL)


def test_jinja_only_in_jinja_files() -> None:
    """A plain file has no Jinja (tools read it as it is); a .jinja file has some."""
    plain_with_jinja = []
    jinja_without = []
    for source in template_files():
        if source.endswith(".gz") or source.endswith(".mako"):
            continue
        text = (TEMPLATE_ROOT / source).read_text()
        if source.endswith(".jinja") and not JINJA.search(text):
            jinja_without.append(source)
        if source.endswith(".py") and JINJA.search(text):
            plain_with_jinja.append(source)
    assert plain_with_jinja == []
    assert jinja_without == []


def modules(framework: str, auth: str, database: str) -> set[str]:
    return {
        output
        for output in sources(framework=framework, auth=auth, database=database)
        if output.startswith((f"src/{PACKAGE}/", "tests/"))
    }


def test_the_same_modules_in_every_framework() -> None:
    """Same role, same name: a module only some frameworks have is listed with a reason."""
    used = set()
    unexplained = []
    for auth in supported("auth"):
        for database in ("sqlite", "postgresql"):
            found = {framework: modules(framework, auth, database) for framework in FRAMEWORKS}
            for output in sorted(set().union(*found.values())):
                having = {framework for framework in FRAMEWORKS if output in found[framework]}
                if len(having) == len(FRAMEWORKS):
                    continue
                allowed = FRAMEWORK_ONLY.get(output, (set(), ""))[0]
                if having == allowed:
                    used.add(output)
                else:
                    unexplained.append(f"{output}: only {sorted(having)} ({auth}, {database})")
    assert unexplained == []
    assert sorted(set(FRAMEWORK_ONLY) - used) == []  # no entry outlives its reason


def test_layout_map_is_current() -> None:
    assert LAYOUT_MAP.read_text() == layout_map(), "run `uv run python -m tests.layout`"


def test_readme_names_every_overlay_root() -> None:
    readme = (TEMPLATE / "README.md").read_text()
    roots = {source.split("/")[0] for source in template_files() if "/" in source}
    missing = sorted(root for root in roots if "{%" in root and root not in readme)
    assert missing == []


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_layout_sees_the_package_directory(framework: str) -> None:
    assert f"src/{PACKAGE}/app.py" in sources(framework=framework)
