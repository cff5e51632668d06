"""Slow: schemathesis fuzzes every framework's production server with every auth scheme, as
two users (a service without authentication, anonymously), on SQLite; and with JWT on each
database server (PostgreSQL, MariaDB), where what the fuzzer sends reaches a real server.

Every built-in check runs (``[checks] enabled = true``, the file's ``--checks all``), with
``--continue-on-failure`` so that each operation reports all its failures, a fixed seed so that
a failure reproduces, and all four phases (examples, coverage, fuzzing, stateful). Two users
are listed as peers in a Web Fuzzing Commons auth document: that turns on ``ignored_auth``
(ST401, requests without or with broken credentials must be refused) and
``object_level_authorization`` (ST402, one user's items must not be readable by the other).
The run must end with zero failures, and the server's log must still be one JSON object per
line with none of the credentials the fuzzer sent in it.

The users' credentials come the way a client gets them:

- ``jwt``: registered, then logged in; the bearer access token.
- ``session``: registered, then logged in; the session cookie and the CSRF token (writes
  need both).
- ``apikey``: a key from the project's documented command (it creates the account too).
- ``oidc``: access tokens signed by a stand-in provider (``tests/identity_provider.py``)
  that the production server is configured to trust, discovery and JWKS fetched over HTTP.

Excluded here, each with its reason (nothing else is):

- ``positive_data_acceptance`` (ST202) on ``POST /api/v1/users``, ``POST /api/v1/auth/login``,
  the two password-reset and the two email-verification operations only: see the
  configuration below (email addresses in special-use domains, a password policy that JSON
  Schema cannot express beyond its lengths, and reset and verification tokens that no
  schema-valid guess matches).
- ``POST /api/v1/auth/logout`` and ``POST /api/v1/auth/password`` (``jwt``, ``session``), and
  ``DELETE /api/v1/api-keys/{key_id}`` (``apikey``) are not fuzzed: they end the session, or
  revoke the key, behind the fuzzing users' credentials (that is their job), after which every
  other request would be a 401 and the run would test nothing. The template's contract tests
  and each project's own suite cover them.

Login, registration, refresh and password reset are fuzzed, with the per-client and
per-account limits on credential checks and reset mails lifted for the run (the fuzzer sends thousands of requests from one address).

``test_the_fuzzer_catches_broken_authorization`` proves the two-user checks can fail: the same
run against a service that lets a request without credentials in reports ST401, and against
one whose item reads forgot the owner filter, ST402.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from collections.abc import Callable
from contextlib import ExitStack
from http.cookies import SimpleCookie
from pathlib import Path

import httpx
import pytest

from extensions.refusals import supported

from .identity_provider import IdentityProvider, identity_provider
from .projects import (
    SERVER_URLS,
    Server,
    answer,
    derived,
    install,
    production_server,
    rendered_and_installed,
    uv,
)
from .rendering import BIN, render

pytestmark = pytest.mark.slow

SEED = 20260105
MAX_EXAMPLES = 30
PASSWORD = "fuzzing passphrase that is long enough"
# Operations that end the fuzzing users' own credentials (see the module docstring).
UNFUZZED = {
    "jwt": r"^/api/v1/auth/(logout|password)$",
    "session": r"^/api/v1/auth/(logout|password)$",
    "apikey": r"^/api/v1/api-keys/",  # revoking: DELETE .../{key_id}
}
# The fuzzer sends far more credential checks from one address than any person would.
LIFTED_LIMITS = {
    "AUTH_RATE_LIMIT_PER_CLIENT": "100000 per minute",
    "AUTH_RATE_LIMIT_PER_ACCOUNT": "100000 per minute",
    "PASSWORD_RESET_RATE_LIMIT_PER_ACCOUNT": "100000 per minute",
    # No SMTP server listens here: reset mails fail at once instead of being retried, which
    # would hold up the server's exit (the in-memory outbox sends what is queued first).
    "MAIL_SEND_ATTEMPTS": "1",
    # One run takes a few minutes; the credentials in the auth document must outlive it.
    "ACCESS_TOKEN_TTL_SECONDS": "3600",
}

Header = dict[str, str]


def log_in(client: httpx.Client, email: str) -> httpx.Response:
    """Register a user (however the service answers: 201 or 202) and log in."""
    registered = client.post("/api/v1/users", json={"email": email, "password": PASSWORD})
    assert registered.status_code in {201, 202}, registered.text
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return login


def session_headers(login: httpx.Response) -> list[Header]:
    """The session cookie as a browser would send it, and the CSRF token for writes.

    The cookie is Secure (production), so a client over plain HTTP would not send it back on
    its own: it is copied from Set-Cookie."""
    cookie: SimpleCookie = SimpleCookie()
    cookie.load(login.headers["set-cookie"])
    [(name, morsel)] = cookie.items()
    return [
        {"name": "Cookie", "value": f"{name}={morsel.value}"},
        {"name": "X-CSRF-Token", "value": str(login.json()["csrf_token"])},
    ]


def api_key(project: Path, server: Server, email: str) -> str:
    """A key from the project's documented command (it creates the account too)."""
    command = shlex.split(str(derived(project)["api_key_command"]))
    output = uv(project, *command[1:], "--email", email, "--name", "fuzzing", env=server.env)
    keys = [line for line in output.splitlines() if line.startswith("sk_")]
    assert len(keys) == 1, output
    return keys[0]


def credentials(
    project: Path, server: Server, name: str, provider: IdentityProvider | None
) -> list[Header]:
    """The headers that authenticate user ``name``, obtained as a client would."""
    auth = answer(project, "auth")
    email = f"{name}@example.com"
    if auth == "apikey":
        return [{"name": "X-API-Key", "value": api_key(project, server, email)}]
    if auth == "oidc":
        assert provider is not None
        return [{"name": "Authorization", "value": f"Bearer {provider.token(name)}"}]
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        login = log_in(client, email)
    if auth == "session":
        return session_headers(login)
    return [{"name": "Authorization", "value": f"Bearer {login.json()['access_token']}"}]


USERS_SECTION = """
[auth]
# The users above are all the fuzzer may use: it must not sign up accounts of its own.
auto-signup = false

[auth.wfc]
path = "{path}"
peers = ["alice", "bob"]
"""


def write_config(
    server: Server, directory: Path, project: Path, provider: IdentityProvider | None
) -> Path:
    """schemathesis.toml and the auth document: users alice and bob, peers of each other
    (none for a service without authentication)."""
    users_section = ""
    if answer(project, "auth") != "none":
        users = [
            {"name": name, "fixedHeaders": credentials(project, server, name, provider)}
            for name in ("alice", "bob")
        ]
        auth = directory / "auth.json"
        auth.write_text(json.dumps({"auth": users}))
        users_section = USERS_SECTION.format(path=auth)
    config = directory / "schemathesis.toml"
    config.write_text(
        f"""
seed = {SEED}
continue-on-failure = true
workers = 1
request-timeout = 10

[checks]
# Every check: the file's form of `--checks all` (the flag would also override the
# per-operation exception below). max_response_time needs a limit and is not set.
enabled = true
{users_section}
# positive_data_acceptance (ST202) is off where the body holds an email address: the
# services validate it with email-validator, which rightly refuses special-use domains
# (RFC 6761: x@y.test, x@y.invalid, x@localhost) that JSON Schema's `format: email` allows.
# Registration's password policy is also more than a schema can say (not one of the 20 000
# most common passwords, not the address): the password's description states it for people
# and client generators, the fuzzer sees only the lengths. A reset token is 256 random bits:
# a schema-valid one is still unknown (400), as a schema-valid login is still wrong (401);
# so is a verification token.
# Every other check still runs here.
[[operations]]
include-path-regex = "^/api/v1/(users|auth/login|auth/password-reset(/confirm)?|auth/verify-email(/resend)?)$"
include-method = "POST"
checks.positive_data_acceptance.enabled = false
"""
    )
    return config


def fuzz(
    server: Server, directory: Path, project: Path, provider: IdentityProvider | None = None
) -> subprocess.CompletedProcess[str]:
    config = write_config(server, directory, project, provider)
    unfuzzed = UNFUZZED.get(answer(project, "auth"))
    return subprocess.run(
        [
            str(BIN / "st"),
            "--no-color",
            "--config-file",
            str(config),
            "run",
            f"{server.base_url}/openapi.json",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-examples",
            str(MAX_EXAMPLES),
            *(["--exclude-path-regex", unfuzzed] if unfuzzed else []),
            "--report",
            "junit",
            "--report-dir",
            str(directory / "reports"),
        ],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )


def assert_items_need_credentials(server: Server) -> None:
    """ignored_auth only probes operations the document marks as secured: all item
    operations must be, or ST401 would silently test nothing."""
    document = httpx.get(f"{server.base_url}/openapi.json", timeout=10).json()
    for path in ("/api/v1/items", "/api/v1/items/{item_id}"):
        for method, operation in document["paths"][path].items():
            assert operation.get("security"), f"{method.upper()} {path} declares no security"


# Every auth scheme on SQLite; every database server with the default scheme (JWT): what the
# fuzzer sends reaches the database (NUL bytes, astral characters, huge numbers) and each
# server refuses different things.
CASES = [
    *(
        (framework, "sqlite", auth)
        for framework in supported("framework")
        for auth in supported("auth", framework)
    ),
    *(
        (framework, database, "jwt")
        for framework in supported("framework")
        for database in supported("database", framework)
        if database in SERVER_URLS
    ),
]


@pytest.mark.parametrize(("framework", "database", "auth"), CASES)
def test_schemathesis_finds_nothing(
    framework: str, database: str, auth: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    name = f"fuzz-{framework}-{database}-{auth}"
    project = rendered_and_installed(
        tmp_path_factory.mktemp(name) / "project", framework=framework, database=database, auth=auth
    )
    work = tmp_path_factory.mktemp(f"{name}-run")
    with ExitStack() as stack:
        settings, provider = dict(LIFTED_LIMITS), None
        if auth == "oidc":
            provider = stack.enter_context(identity_provider())
            settings |= provider.settings
        server = stack.enter_context(production_server(project, work, **settings))
        if auth != "none":
            assert_items_need_credentials(server)
        result = fuzz(server, work, project, provider)
        code, _ = server.stop()
    summary = result.stdout[-6000:]
    assert result.returncode == 0, f"{summary}\n{result.stderr}"
    final = result.stdout.strip().splitlines()[-1]  # "=== 2 warnings in 158.0s ==="
    assert not re.search(r"failure|error", final), summary
    assert code == 0, server.log
    assert "Traceback" not in server.log, server.log
    assert_logs_are_clean(server.log, work / "auth.json")


def secret_of(header: Header) -> str:
    """The credential inside an auth header's value."""
    name, value = header["name"].lower(), header["value"]
    if name == "authorization":
        return value.removeprefix("Bearer ")
    if name == "cookie":
        return value.split("=", 1)[1]
    return value


def assert_logs_are_clean(log: str, auth_document: Path) -> None:
    """After thousands of fuzzed requests: every line is still one JSON object (no input
    forged a line), and none holds the credentials the fuzzer sent with each request."""
    lines = log.splitlines()
    assert lines
    for line in lines:
        assert isinstance(json.loads(line), dict), line
    if auth_document.exists():
        users = json.loads(auth_document.read_text())["auth"]
        for header in (header for user in users for header in user["fixedHeaders"]):
            assert secret_of(header) not in log, f"{header['name']} value in the log"


# The two mistakes planted in test_the_fuzzer_catches_broken_authorization (FastAPI, jwt).
# The read statement of GET /api/v1/items/{item_id}, built once in items/service.py.
_READ_ONE = '_READ_ONE = select(*_READ_COLUMNS).where(_TABLE.c.id == bindparam("item_id")'
OWNED_READ = _READ_ONE + ", *_SCOPE)"
UNOWNED_READ = _READ_ONE + ")"
REFUSED_WITHOUT_TOKEN = """    if credentials is None:
        msg = "Authentication is required."
        raise AuthenticationError(msg)
"""
# A development shortcut left in: no token means "the first user".
LET_IN_WITHOUT_TOKEN = """    if credentials is None:
        first = (await session.scalars(select(User).order_by(User.created_at))).first()
        assert first is not None
        return Principal(user=first, session_id=uuid.uuid4())
"""


def plant(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{path} no longer holds:\n{old}"
    path.write_text(text.replace(old, new))


def forget_the_owner_filter(project: Path) -> None:
    plant(next(project.glob("src/*/items/service.py")), OWNED_READ, UNOWNED_READ)


def let_in_without_a_token(project: Path) -> None:
    dependencies = next(project.glob("src/*/auth/dependencies.py"))
    plant(dependencies, REFUSED_WITHOUT_TOKEN, LET_IN_WITHOUT_TOKEN)
    plant(dependencies, "import structlog\n", "import structlog\nfrom sqlalchemy import select\n")


@pytest.mark.parametrize(
    ("mistake", "reported"),
    [
        pytest.param(
            forget_the_owner_filter,
            ["ST402 Object-level authorization bypass", "GET /api/v1/items/{item_id}"],
            id="ST402",
        ),
        pytest.param(
            let_in_without_a_token,
            ["ST401 API accepts requests without authentication", "GET /api/v1/items"],
            id="ST401",
        ),
    ],
)
def test_the_fuzzer_catches_broken_authorization(
    mistake: Callable[[Path], None], reported: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The two-user checks can fail. Planted in a FastAPI service, one at a time (the first
    hides the second): item reads that forgot the owner filter, so that one user reads the
    other's items (object_level_authorization, ST402); a request without a token let in as
    the first user (ignored_auth, ST401)."""
    project = render(
        tmp_path_factory.mktemp("fuzz-broken") / "project",
        framework="fastapi",
        auth="jwt",
        python_version="3.13",
    )
    mistake(project)
    install(project, "3.13")
    work = tmp_path_factory.mktemp("fuzz-broken-run")
    with production_server(project, work, **LIFTED_LIMITS) as server:
        result = fuzz(server, work, project)
        server.stop()
    summary = result.stdout[-8000:]
    assert result.returncode != 0, summary
    for text in reported:
        assert text in summary, summary
