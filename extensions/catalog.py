"""Data tables: what each answer means for the rendered project.

Every choice copier.yml offers has one row here. A row with a ``refusal`` is refused at
the question with that message (the choice is shown greyed out at the prompt).
Version floors are the releases the template is tested with; the generated project's
``uv.lock`` pins the exact versions.
"""

from __future__ import annotations

from dataclasses import dataclass

LATER = "is not available in this release of the template yet"


@dataclass(frozen=True)
class Migrations:
    """The migration tool's commands, as a developer types them (prefixed with `uv run`)."""

    label: str  # the tool's name, as the README says it
    apply: str
    check: str  # fails when the models changed without a migration
    create: str  # writes a new migration from the model changes


ALEMBIC = Migrations(
    label="Alembic",
    apply="alembic upgrade head",
    check="alembic check",
    create='alembic revision --autogenerate -m "describe the change"',
)
DJANGO_MIGRATIONS = Migrations(
    label="Django",
    apply="python manage.py migrate",
    check="python manage.py makemigrations --check --dry-run",
    create="python manage.py makemigrations",
)


@dataclass(frozen=True)
class Framework:
    key: str
    label: str
    dependencies: tuple[str, ...]
    dev_dependencies: tuple[str, ...]
    is_async: bool
    orm: str  # "sqlalchemy" or "django"
    migrations: Migrations
    mypy_plugins: tuple[str, ...]
    refusal: str | None = None
    # What hashes local passwords; Django ships its own hashers (argon2 via django[argon2]).
    password_hashing: tuple[str, ...] = ("pwdlib[argon2]>=0.3",)
    # Server databases whose connections this stack pools per worker process (the pool
    # settings exist only there); (database, packages the pool needs beside the driver).
    pooled_databases: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("postgresql", ()),
        ("mysql", ()),
    )
    # Development packages per database (type stubs for a driver the code imports).
    database_dev_dependencies: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class CIService:
    """The database container CI pipelines run the tests against."""

    image: str
    environment: tuple[tuple[str, str], ...]
    port: int
    health_command: str
    url: str  # TEST_DATABASE_URL, with {host} for where the pipeline reaches the container


@dataclass(frozen=True)
class Database:
    key: str
    label: str
    # Driver package per stack; the URL scheme the service expects in DATABASE_URL.
    async_driver: tuple[str, ...]
    sync_driver: tuple[str, ...]
    url_scheme: str
    is_server: bool
    ci_service: CIService | None = None
    refusal: str | None = None


@dataclass(frozen=True)
class Auth:
    key: str
    label: str
    dependencies: tuple[str, ...]
    refusal: str | None = None
    local_passwords: bool = False  # the service stores password hashes
    summary: str = ""  # how the generated README introduces it


@dataclass(frozen=True)
class CI:
    key: str
    label: str
    refusal: str | None = None


FRAMEWORKS: dict[str, Framework] = {
    "fastapi": Framework(
        key="fastapi",
        label="FastAPI",
        dependencies=(
            "fastapi>=0.165",
            "uvicorn[standard]>=0.54",
            "asgi-correlation-id>=5.0",
            # Swagger UI's script and styles, served by the service itself (no CDN).
            "fastapi-offline>=1.7.7",
            "sqlalchemy[asyncio]>=2.1",
            "alembic>=1.20",
            # Its OTEL_PYTHON_*EXCLUDED_URLS parsing, for FastAPI's own request spans (tracing.py).
            "opentelemetry-util-http>=0.66b1",
        ),
        dev_dependencies=(),
        is_async=True,
        orm="sqlalchemy",
        migrations=ALEMBIC,
        mypy_plugins=("pydantic.mypy",),
    ),
    "django": Framework(
        key="django",
        label="Django",
        dependencies=(
            "django[argon2]>=6.1",
            "django-ninja>=1.7",
            "orjson>=3.11",  # the API's JSON renderer (renderer.py)
            "django-cors-headers>=4.9",
            "django-stubs-ext>=6.1",  # generic Django classes at run time (ModelAdmin[Item])
            "dj-database-url>=3.1",
            "gunicorn>=27.0",
            "whitenoise>=6.12",
            "opentelemetry-instrumentation-django>=0.66b1",
        ),
        dev_dependencies=("django-stubs>=6.1", "pytest-django>=4.14", "types-gunicorn>=26.2"),
        is_async=False,
        orm="django",
        migrations=DJANGO_MIGRATIONS,
        mypy_plugins=("mypy_django_plugin.main", "pydantic.mypy"),
        password_hashing=(),
        # No pool: one persistent connection per server thread, opened by the request that
        # needs it. psycopg's pool connects in the background with a growing backoff and
        # holds requests for its timeout meanwhile, so an outage hung every request.
        pooled_databases=(),
        # db.py imports PyMySQL itself (to stand in for mysqlclient).
        database_dev_dependencies=(("mysql", ("types-pymysql>=1.2",)),),
    ),
    "flask": Framework(
        key="flask",
        label="Flask",
        dependencies=(
            "flask>=3.1",
            # pydantic-native request validation and the OpenAPI document; Swagger UI assets.
            "flask-openapi3>=4.3",
            "flask-openapi3-swagger>=5.31",
            "gunicorn>=27.0",
            "sqlalchemy>=2.1",
            "alembic>=1.20",
            "opentelemetry-instrumentation-flask>=0.66b1",
        ),
        dev_dependencies=("types-gunicorn>=26.2",),
        is_async=False,
        orm="sqlalchemy",
        migrations=ALEMBIC,
        mypy_plugins=("pydantic.mypy",),
    ),
}

DATABASES: dict[str, Database] = {
    "sqlite": Database(
        key="sqlite",
        label="SQLite",
        async_driver=("aiosqlite>=0.22",),
        sync_driver=(),
        url_scheme="sqlite",
        is_server=False,
    ),
    "postgresql": Database(
        key="postgresql",
        label="PostgreSQL",
        async_driver=("asyncpg>=0.32",),
        sync_driver=("psycopg[binary]>=3.3",),
        url_scheme="postgresql",
        is_server=True,
        ci_service=CIService(
            image="postgres:17-alpine",
            environment=(
                ("POSTGRES_USER", "postgres"),
                ("POSTGRES_PASSWORD", "postgres"),
                ("POSTGRES_DB", "test"),
            ),
            port=5432,
            health_command="pg_isready -U postgres",
            url="postgresql://postgres:postgres@{host}:5432/test",
        ),
    ),
    "mysql": Database(
        key="mysql",
        label="MySQL / MariaDB",
        async_driver=("aiomysql>=0.3.2",),
        sync_driver=("pymysql>=1.2",),
        url_scheme="mysql",
        is_server=True,
        ci_service=CIService(
            image="mariadb:11.4",
            environment=(("MARIADB_ROOT_PASSWORD", "root"), ("MARIADB_DATABASE", "test")),
            port=3306,
            health_command="healthcheck.sh --connect --innodb_initialized",
            url="mysql://root:root@{host}:3306/test",
        ),
    ),
    "mongodb": Database(
        key="mongodb",
        label="MongoDB",
        async_driver=(),
        sync_driver=(),
        url_scheme="mongodb",
        is_server=True,
        refusal=(
            f"MongoDB {LATER}; choose SQLite, PostgreSQL or MySQL / MariaDB for now "
            "(SQLite needs no database server)."
        ),
    ),
}

AUTHS: dict[str, Auth] = {
    "jwt": Auth(
        key="jwt",
        label="JWT",
        # Jinja2 renders the mails (mail/message.py).
        dependencies=("pyjwt>=2.15", "email-validator>=2.4", "jinja2>=3.1", "limits[redis]>=5.8"),
        local_passwords=True,
        summary="JWT authentication for local accounts (access and rotating refresh tokens)",
    ),
    "oidc": Auth(
        key="oidc",
        label="OAuth2 / OIDC",
        # PyJWK (the provider's RSA and EC keys) and RS/ES signatures need the crypto extra.
        # The verifier fetches discovery and keys with urllib: its spans (tracing.py).
        dependencies=(
            "pyjwt[crypto]>=2.15",
            "limits[redis]>=5.8",
            "opentelemetry-instrumentation-urllib>=0.66b1",
        ),
        summary="OAuth2 / OIDC access tokens from your identity provider",
    ),
    "session": Auth(
        key="session",
        label="Session",
        dependencies=("email-validator>=2.4", "jinja2>=3.1", "limits[redis]>=5.8"),
        local_passwords=True,
        summary="cookie sessions for local accounts (server-side, CSRF-protected)",
    ),
    "apikey": Auth(
        key="apikey",
        label="API key",
        dependencies=("email-validator>=2.4", "limits[redis]>=5.8"),
        summary="API keys (hashed at rest, sent in a header)",
    ),
    "none": Auth(
        key="none",
        label="None",
        dependencies=(),
        summary="no authentication (a public API)",
    ),
}

# Framework x auth pairs that are refused although each answer alone is accepted. The auth
# question comes after the framework question, so it carries the refusal. Every framework
# offers every scheme today; the mechanism stays (and is tested) for the next scheme.
AUTH_PAIR_REFUSALS: dict[tuple[str, str], str] = {}

# Framework x database pairs that are refused although each answer alone is accepted
# (message per pair). The database question comes after the framework question, so it
# carries the refusal. Every pair works today; MongoDB will need entries here.
PAIR_REFUSALS: dict[tuple[str, str], str] = {}

CIS: dict[str, CI] = {
    "github": CI(key="github", label="GitHub Actions"),
    "gitlab": CI(key="gitlab", label="GitLab CI"),
    "none": CI(key="none", label="None"),
}

# 3.14 is accepted and the generated code is kept 3.14-clean; the template's CI tests 3.12
# and 3.13 (the versions these machines have).
PYTHON_VERSIONS: tuple[str, ...] = ("3.12", "3.13", "3.14")

# Every generated project's tooling, whatever the answers.
# Listed first in the dev group (as each framework's own package is in the dependencies).
TEST_RUNNER = "pytest>=9.2"
DEV_DEPENDENCIES: tuple[str, ...] = (
    "bandit>=1.9",
    "pip-audit>=2.10",
    "pre-commit>=4.7",
    "pre-commit-hooks>=6.0",
    TEST_RUNNER,
    "pytest-cov>=7.1",
    # Every framework's tests speak HTTP to their app through an httpx2 client.
    "httpx2>=2.16",
    "ruff>=0.17",
    "mypy>=2.4",
)
# Property tests (tests/auth/test_properties.py) of the security functions that only
# services with accounts have: password hashing, tokens, API keys, the email field.
PROPERTY_TEST_DEPENDENCIES: tuple[str, ...] = ("hypothesis>=6.170",)
COMMON_DEPENDENCIES: tuple[str, ...] = (
    "pydantic>=2.14",
    "pydantic-settings>=2.16",
    "structlog>=26.1",
    # Traces over OTLP/HTTP when an endpoint is set (tracing.py).
    "opentelemetry-sdk>=1.45",
    "opentelemetry-exporter-otlp-proto-http>=1.45",
    # Metrics in the Prometheus format, summed over the worker processes (metrics.py).
    "prometheus-client>=0.26",
    # Unhandled exceptions reported to Sentry when SENTRY_DSN is set (error_reporting.py).
    # Below 3: sentry-sdk 3.0 (December 2026) dropped init options error_reporting.py sets
    # (include_local_variables, before_send_transaction); moving to it is a deliberate step.
    "sentry-sdk>=2.70,<3",
)


@dataclass(frozen=True)
class KubernetesEnvironment:
    """One overlay of the manifests: how the service runs in that environment."""

    name: str
    replicas: int  # the HorizontalPodAutoscaler's floor (the only count on SQLite)
    max_replicas: int
    cpu_request: str
    cpu_limit: str
    memory_request: str
    memory_limit: str
    log_level: str
    expose_docs: bool
    host: str  # the Ingress host, with {slug} for the project slug


@dataclass(frozen=True)
class KubernetesManifests:
    key: str
    label: str
    refusal: str | None = None


KUBERNETES: dict[str, KubernetesManifests] = {
    "none": KubernetesManifests(key="none", label="None"),
    "kustomize": KubernetesManifests(key="kustomize", label="Kustomize"),
    "helm": KubernetesManifests(
        key="helm",
        label="Helm chart",
        refusal=f"A Helm chart {LATER}; choose Kustomize (kubectl apply -k, which Argo CD and "
        "Flux deploy as they are).",
    ),
}


@dataclass(frozen=True)
class JobQueue:
    """A background-jobs choice: the queue's packages (the broker's client among them)."""

    key: str
    label: str
    dependencies: tuple[str, ...] = ()
    dev_dependencies: tuple[str, ...] = ()
    refusal: str | None = None


JOBS: dict[str, JobQueue] = {
    "none": JobQueue(key="none", label="None"),
    # The redis extra brings the broker's client; celery-types types the tasks for mypy.
    "celery": JobQueue(
        key="celery",
        label="Celery",
        dependencies=("celery[redis]>=5.7",),
        dev_dependencies=("celery-types>=0.26",),
    ),
}

# The overlays every manifest set has (deploy/kubernetes/overlays/<name>). The development
# cluster runs the production image and settings (ENVIRONMENT=production: real secrets, no
# debug pages); it is smaller and serves the API docs.
KUBERNETES_ENVIRONMENTS: tuple[KubernetesEnvironment, ...] = (
    KubernetesEnvironment(
        name="development",
        replicas=1,
        max_replicas=2,
        cpu_request="50m",
        cpu_limit="500m",
        memory_request="192Mi",
        memory_limit="384Mi",
        log_level="DEBUG",
        expose_docs=True,
        host="{slug}.dev.example.com",
    ),
    KubernetesEnvironment(
        name="production",
        replicas=2,  # one replica lost to a node drain or crash leaves one serving
        max_replicas=10,
        cpu_request="250m",
        cpu_limit="1",
        memory_request="256Mi",
        memory_limit="512Mi",
        log_level="INFO",
        expose_docs=False,
        host="{slug}.example.com",
    ),
)
# Manifests are validated against this Kubernetes API version (the oldest minor release
# still maintained upstream when the template was last updated; newer ones accept them).
KUBERNETES_VERSION = "1.33.0"

AXES: dict[
    str,
    dict[str, Framework]
    | dict[str, Database]
    | dict[str, Auth]
    | dict[str, CI]
    | dict[str, KubernetesManifests]
    | dict[str, JobQueue],
] = {
    "framework": FRAMEWORKS,
    "database": DATABASES,
    "auth": AUTHS,
    "ci": CIS,
    "kubernetes": KUBERNETES,
    "jobs": JOBS,
}
