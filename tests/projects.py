"""Installing rendered projects and running their servers, for the slow tests."""

from __future__ import annotations

import contextlib
import os
import secrets
import shlex
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
import yaml

from extensions.derive import derive

from .rendering import BIN, python_for, render

PRODUCTION_SECRET = "a-very-random-production-value-" + "9" * 20

# The database servers the slow tests use (running on loopback on these machines).
SERVER_URLS = {
    "postgresql": os.environ.get(
        "TEMPLATE_TEST_POSTGRESQL_URL", "postgresql://postgres@127.0.0.1:5432/test"
    ),
    "mysql": os.environ.get("TEMPLATE_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test"),
}


def _admin(database: str, sql: str) -> None:
    url = urlsplit(SERVER_URLS[database])
    if database == "postgresql":
        command = ["psql", SERVER_URLS[database], "-v", "ON_ERROR_STOP=1", "-qc", sql]
    else:
        command = [
            "mysql",
            f"-h{url.hostname}",
            f"-P{url.port or 3306}",
            f"-u{url.username}",
            "-e",
            sql,
        ]
        if url.password:
            command.insert(1, f"-p{url.password}")
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def answer(project: Path, question: str) -> str:
    """The rendered project's answer to one question (from .copier-answers.yml)."""
    return str(yaml.safe_load((project / ".copier-answers.yml").read_text())[question])


@contextmanager
def database_url(project: Path, data_dir: Path) -> Iterator[str]:
    """A fresh, empty database for the project's DATABASE_URL; dropped afterwards."""
    database = answer(project, "database")
    if database == "sqlite":
        yield f"sqlite:///{data_dir / 'app.db'}"
        return
    name = f"tpl_{os.getpid()}_{secrets.token_hex(4)}"
    _admin(database, f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(SERVER_URLS[database])._replace(path=f"/{name}"))
    finally:
        _admin(
            database,
            f"DROP DATABASE IF EXISTS {name}"
            + (" WITH (FORCE)" if database == "postgresql" else ""),
        )


# The Redis on loopback: suites with rate limits also test their shared (Redis) store.
# Each test there uses keys of its own, so concurrent suites can share one database.
TEST_REDIS_URL = os.environ.get("TEMPLATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def suite_env(project: Path) -> dict[str, str]:
    """Environment of the project's own suite: TEST_DATABASE_URL (the admin URL of its
    database server) and TEST_REDIS_URL."""
    database = answer(project, "database")
    extra = {"TEST_REDIS_URL": TEST_REDIS_URL}
    if database in SERVER_URLS:
        extra["TEST_DATABASE_URL"] = SERVER_URLS[database]
    return uv_env(**extra)


def uv_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VIRTUAL_ENV", "UV_PROJECT", "PYTHONPATH"))
    }
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.update(extra)
    return env


def uv(
    project: Path, *command: str, env: dict[str, str] | None = None, stderr: bool = False
) -> str:
    """Run a uv command in the project; fail the test with its output when it fails.

    Returns its stdout, and its stderr after it with ``stderr=True``."""
    result = subprocess.run(
        [str(BIN / "uv"), *command],
        cwd=project,
        env=env or uv_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"uv {shlex.join(command)}\n{result.stdout}\n{result.stderr}"
    return result.stdout + (result.stderr if stderr else "")


def derived(project: Path) -> dict[str, object]:
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return derive(answers)


def run_documented(
    project: Path, command_key: str, env: dict[str, str] | None = None, stderr: bool = False
) -> str:
    """Run one of the commands the project's README documents (e.g. 'migrate_command')."""
    command = shlex.split(str(derived(project)[command_key]))
    assert command[:2] == ["uv", "run"], command
    return uv(project, "run", "--locked", *command[2:], env=env, stderr=stderr)


def install(project: Path, python: str) -> None:
    interpreter = python_for(python)
    if interpreter is None:
        pytest.skip(f"no Python {python} on this machine")
    uv(project, "sync", "--python", interpreter)
    assert (project / "uv.lock").is_file()


def rendered_and_installed(directory: Path, python: str = "3.13", **answers: str) -> Path:
    """A project rendered into ``directory`` with ``answers``, its virtualenv installed."""
    project = render(directory, python_version=python, **answers)
    install(project, python)
    return project


def collect_static(project: Path) -> None:
    """Django: collect the static files as the Dockerfile does; production serves only those
    (under hashed names)."""
    uv(project, "run", "--locked", "python", "manage.py", "collectstatic", "--no-input")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)
    # The server's environment: the project's own commands (e.g. creating an API key) run
    # against the same database with it.
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Read the server's output as it comes: a pipe nobody reads fills up (64 KiB, a few
        # hundred log lines) and then blocks every server thread that logs.
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)

    def wait(self, timeout: float) -> int:
        """Wait for the process to end and for its last output; return its exit code."""
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return code

    def stop(self, timeout: float = 30) -> tuple[int, float]:
        """SIGTERM, as an orchestrator would; return the exit code and seconds taken."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = self.wait(timeout)
        return code, time.monotonic() - started

    @property
    def log(self) -> str:
        return "".join(self.output)


@contextmanager
def production_server(
    project: Path, data_dir: Path, workers: int = 1, **settings: str
) -> Iterator[Server]:
    """The README's production command, with production settings and JSON logs."""
    with (
        database_url(project, data_dir) as url,
        serve_on(project, url, workers, **settings) as server,
    ):
        yield server


@contextmanager
def serve_on(project: Path, url: str, workers: int, **settings: str) -> Iterator[Server]:
    """The production command on a database URL the caller provides (migrated first);
    ``settings`` are extra environment variables (FOO_BAR="...")."""
    defaults = {
        "ENVIRONMENT": "production",
        "SECRET_KEY": PRODUCTION_SECRET,
        # Production refuses the placeholder issuer; a test that calls the provider passes
        # its own (tests/identity_provider.py).
        "OIDC_ISSUER": "https://idp.template-tests.invalid/realms/ci",
        "DATABASE_URL": url,
        "PORT": str(free_port()),
        "WORKERS": str(workers),
        # Production drains 5 s after SIGTERM (readiness 503); test_shutdown sets its own.
        "SHUTDOWN_DELAY_SECONDS": "0",
        # Production hides /openapi.json and /docs unless told: the contract tests and the
        # fuzzer read the document.
        "EXPOSE_DOCS": "true",
    }
    env = uv_env(**(defaults | settings))
    run_documented(project, "migrate_command", env=env)
    package = str(derived(project)["serve_command"]).split()[-1]
    process = subprocess.Popen(
        [str(project / ".venv/bin/python"), "-m", package],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # A group of its own: a failed test kills the server's workers too, not only the
        # parent (orphaned workers would keep the port and the output pipe open).
        start_new_session=True,
    )
    server = Server(f"http://127.0.0.1:{env['PORT']}", process, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{server.base_url}/health/ready", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        _kill_group(server)
        pytest.fail(f"server did not become ready:\n{server.log}")
    try:
        yield server
    finally:
        _kill_group(server)


def _kill_group(server: Server) -> None:
    """Kill the server and every process it started, then collect its output."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)
    if server.process.stdout is not None and not server.process.stdout.closed:
        server.wait(timeout=30)
