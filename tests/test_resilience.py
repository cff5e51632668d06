"""Slow: a service survives its database going away and coming back, and overload.

A PostgreSQL instance of the test's own (initdb on a free port) is stopped under the running
production server: readiness must answer 503 within seconds, then 200 again once the
database is back, without restarting the service. A FastAPI worker holding LIMIT_CONCURRENCY
connections answers the next request 503 at once, and serves again when they close.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from extensions.refusals import refusal, supported

from .projects import free_port, install, production_server, serve_on
from .rendering import render

pytestmark = pytest.mark.slow

FRAMEWORKS = [
    name for name in supported("framework") if not refusal("database", "postgresql", name)
]


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.skip("PostgreSQL server binaries are not installed")
    return found[-1]


class PrivatePostgres:
    """A throwaway PostgreSQL cluster owned by the postgres user, on a free port."""

    def __init__(self, root: Path) -> None:
        self.data = root / "pgdata"
        self.port = free_port()
        root.mkdir(parents=True, exist_ok=True)
        shutil.chown(root, "postgres")
        self._as_postgres(pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self.start()

    def _as_postgres(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1"
        # -l: the server must not inherit our pipes, or waiting for the command never ends.
        log = str(self.data.parent / "server.log")
        self._as_postgres(
            pg_bin("pg_ctl"), "-D", str(self.data), "-l", log, "-o", options, "-w", "start"
        )

    def stop(self) -> None:
        self._as_postgres(pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    if shutil.which("runuser") is None and os.geteuid() == 0:
        pytest.skip("runuser is needed to run PostgreSQL as root")
    # Outside pytest's root-only temporary tree: the postgres user must reach it.
    root = Path(tempfile.mkdtemp(prefix="template-pg-"))
    root.chmod(0o755)
    server = PrivatePostgres(root / "cluster")
    try:
        yield server
    finally:
        subprocess.run(
            [pg_bin("pg_ctl"), "-D", str(server.data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
            user="postgres" if os.geteuid() == 0 else None,
        )
        shutil.rmtree(root, ignore_errors=True)


def wait_for(url: str, status: int, seconds: float) -> float:
    """Poll until the URL answers with this status; return how long it took."""
    started = time.monotonic()
    last: object = None
    while time.monotonic() - started < seconds:
        try:
            last = httpx.get(url, timeout=5).status_code
        except httpx.TransportError as exc:
            last = exc
        if last == status:
            return time.monotonic() - started
        time.sleep(0.25)
    pytest.fail(f"{url} did not answer {status} within {seconds} s (last: {last!r})")


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_readiness_follows_the_database_down_and_back(
    framework: str, postgres: PrivatePostgres, tmp_path_factory: pytest.TempPathFactory
) -> None:
    project = render(
        tmp_path_factory.mktemp(f"resilience-{framework}") / "project",
        framework=framework,
        database="postgresql",
        python_version="3.13",
    )
    install(project, "3.13")
    with serve_on(project, postgres.url, workers=1) as server:
        ready = f"{server.base_url}/health/ready"
        wait_for(ready, 200, 10)
        postgres.stop()
        assert wait_for(ready, 503, 15) < 10  # the probe notices within seconds
        assert httpx.get(f"{server.base_url}/health/live", timeout=5).status_code == 200
        postgres.start()
        wait_for(ready, 200, 30)  # pooled connections recover, no restart
        with httpx.Client(base_url=server.base_url, timeout=10) as client:
            credentials = {"email": "back@example.com", "password": "correct horse battery staple"}
            assert client.post("/api/v1/users", json=credentials).status_code == 202
        code, _ = server.stop()
        assert code == 0, server.log


@pytest.mark.skipif(bool(refusal("framework", "fastapi")), reason="FastAPI is not offered")
def test_an_overloaded_fastapi_worker_answers_503_at_once(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """uvicorn counts open connections, idle ones too: with LIMIT_CONCURRENCY of them held, a
    new request is refused (503) rather than queued, and served once they close."""
    root = tmp_path_factory.mktemp("overload")
    project = render(root / "project", framework="fastapi", python_version="3.13")
    install(project, "3.13")
    with production_server(project, root, LIMIT_CONCURRENCY="2") as server:
        url = urlsplit(server.base_url)
        assert url.hostname is not None
        assert url.port is not None
        live = f"{server.base_url}/health/live"
        held = [socket.create_connection((url.hostname, url.port), timeout=5) for _ in range(2)]
        try:
            wait_for(live, 503, 10)
        finally:
            for connection in held:
                connection.close()
        wait_for(live, 200, 10)
        code, _ = server.stop()
        assert code == 0, server.log
