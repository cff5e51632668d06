"""Throughput, latency and memory of each framework's production server, as rendered.

For every framework x database x worker count: render the project, install it, migrate a
fresh database, start `python -m <package>` with production settings, register and log in
once through the API, create the items, then load each endpoint with wrk at a fixed
concurrency for a fixed time while sampling the server's memory.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import yaml  # type: ignore[import-untyped]  # no stubs in the dev environment

from extensions.derive import derive

from .render import copy_command
from .tools import TEMPLATE, clean_env, python_for, uv

ITEMS = 50
PASSWORD = "bench-password-" + "x" * 12
POSTGRESQL_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRESQL_URL",
    os.environ.get("TEMPLATE_TEST_POSTGRESQL_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
)
# wrk prints this one line from its done() hook: exact numbers, no unit parsing.
WRK_SCRIPT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


FLOORS = Path(__file__).resolve().parent / "floors"
# The floors read the services' own table: SQLAlchemy's name, Django's app_model name.
FLOOR_TABLES = {"fastapi": "items", "flask": "items", "django": "items_item"}
FLOOR_APPS = {"django": "application", "flask": "app"}
FLOOR_DATABASES = ("postgresql", "sqlite")  # every database the load section runs
GUNICORN_THREADS = 4  # the services' THREADS_PER_WORKER (server.py)


@dataclass(frozen=True)
class LoadSettings:
    duration: float  # seconds of measured load per cell
    warmup: float  # seconds of unmeasured load before it
    connections: int
    threads: int
    timeout: float  # a request slower than this counts as an error


@dataclass
class Target:
    name: str
    path: str
    authenticated: bool


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _psql(url: str, sql: str) -> None:
    subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
        timeout=60,
    )


@contextlib.contextmanager
def fresh_database(database: str, data_dir: Path) -> Iterator[str]:
    """An empty database for DATABASE_URL, dropped afterwards (SQLite: a new file)."""
    if database == "sqlite":
        path = data_dir / f"bench-{secrets.token_hex(4)}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = f"bench_{os.getpid()}_{secrets.token_hex(4)}"
    _psql(POSTGRESQL_ADMIN_URL, f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(POSTGRESQL_ADMIN_URL)._replace(path=f"/{name}"))
    finally:
        _psql(POSTGRESQL_ADMIN_URL, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def install(workdir: Path, framework: str, database: str, python: str | None) -> Path:
    project = workdir / f"load-{framework}-{database}"
    shutil.rmtree(project, ignore_errors=True)
    subprocess.run(
        copy_command(TEMPLATE, project, f"framework={framework}", f"database={database}"),
        check=True,
        env=clean_env(),
        capture_output=True,
    )
    sync = [uv(), "sync", "--no-dev"] + (["--python", python] if python else [])
    subprocess.run(sync, cwd=project, check=True, env=clean_env(), capture_output=True)
    return project


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its descendants so far."""
    ticks = 0
    for process in _descendants(pid):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def tree_memory_mb(pid: int) -> float:
    """Proportional set size of a process and its descendants (shared pages counted once)."""
    total_kb = 0
    for process in _descendants(pid):
        try:
            text = Path(f"/proc/{process}/smaps_rollup").read_text()
            match = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
            if match is None:
                text = Path(f"/proc/{process}/status").read_text()
                match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
        except OSError:
            continue
        total_kb += int(match.group(1)) if match else 0
    return total_kb / 1024


class MemorySampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_mb = 0.0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak_mb = max(self.peak_mb, tree_memory_mb(self.pid))
            self._stop_event.wait(self.interval)

    def stop(self) -> float:
        self._stop_event.set()
        self.join()
        return self.peak_mb


def server_commands(project: Path) -> tuple[list[str], list[str]]:
    """The README's migrate and serve commands, run with the project's virtualenv directly
    (no `uv run` in the measured process tree)."""
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    derived = derive(answers)
    venv = project / ".venv/bin"
    commands = []
    for key in ("migrate_command", "serve_command"):
        words = shlex.split(str(derived[key]))
        if words[:2] != ["uv", "run"]:
            msg = f"{key} does not start with `uv run`: {derived[key]}"
            raise ValueError(msg)
        program, *arguments = words[2:]
        commands.append([str(venv / program), *arguments])
    return commands[0], commands[1]


@contextlib.contextmanager
def production_server(
    project: Path,
    database_url: str,
    workers: int,
    log: Path,
    *,
    extra_env: dict[str, str] | None = None,
    secret_key: str | None = None,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Migrate, then run the README's production command; stop it with SIGTERM.

    ``extra_env`` adds settings (METRICS_PORT, OTEL_*); servers given the same
    ``secret_key`` accept each other's tokens."""
    migrate, serve = server_commands(project)
    port = free_port()
    env = clean_env(
        ENVIRONMENT="production",
        SECRET_KEY=secret_key or secrets.token_urlsafe(48),
        DATABASE_URL=database_url,
        HOST="127.0.0.1",
        PORT=str(port),
        WORKERS=str(workers),
        **(extra_env or {}),
    )
    subprocess.run(migrate, cwd=project, env=env, check=True, capture_output=True)
    with _running(serve, project, env, port, log) as running:
        yield running


@contextlib.contextmanager
def floor_server(
    project: Path, framework: str, database_url: str, workers: int, log: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The framework's floor app (bench/floors/), in the project's virtualenv, on the
    database its service cell migrated and seeded."""
    port = free_port()
    env = clean_env(DATABASE_URL=database_url, FLOOR_TABLE=FLOOR_TABLES[framework])
    with _running(
        floor_command(project, framework, port, workers), project, env, port, log
    ) as running:
        yield running


def floor_command(project: Path, framework: str, port: int, workers: int) -> list[str]:
    """The floor's server: the service's own (uvicorn; gunicorn gthread with its threads)."""
    python = str(project / ".venv/bin/python")
    bind = ["127.0.0.1", str(port)]
    if framework == "fastapi":
        return [
            python, "-m", "uvicorn", "fastapi_floor:app", f"--app-dir={FLOORS}",
            f"--host={bind[0]}", f"--port={bind[1]}", f"--workers={workers}",
            "--no-access-log", "--log-level=warning", "--timeout-keep-alive=5",
        ]  # fmt: skip
    return [
        python, "-m", "gunicorn", f"--chdir={FLOORS}", "--worker-class=gthread",
        f"--threads={GUNICORN_THREADS}", f"--workers={workers}", f"--bind={':'.join(bind)}",
        "--keep-alive=5", "--log-level=warning", f"{framework}_floor:{FLOOR_APPS[framework]}",
    ]  # fmt: skip


@contextlib.contextmanager
def _running(
    command: list[str], cwd: Path, env: dict[str, str], port: int, log: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start a server, wait until /health/ready answers 200; stop it with SIGTERM."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                msg = f"server did not start:\n{log.read_text()[-3000:]}"
                raise RuntimeError(msg)
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                    break
            time.sleep(0.2)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def login(base: str, email: str) -> str:
    """Log in once (not per request: login is rate limited); the access token."""
    with httpx.Client(base_url=base, timeout=30) as client:
        answer = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        answer.raise_for_status()
        return str(answer.json()["access_token"])


def seed(base: str, email: str | None = None) -> tuple[str, str]:
    """Register and log in once, then create the items. Returns the access token and one
    item's id."""
    email = email or f"bench-{secrets.token_hex(4)}@example.com"
    with httpx.Client(base_url=base, timeout=30) as client:
        created = client.post("/api/v1/users", json={"email": email, "password": PASSWORD})
        if created.status_code not in {201, 202}:
            msg = f"registration answered {created.status_code}: {created.text}"
            raise RuntimeError(msg)
        token = login(base, email)
        headers = {"Authorization": f"Bearer {token}"}
        item_id = ""
        for number in range(ITEMS):
            item = client.post(
                "/api/v1/items",
                json={"title": f"Item {number}", "description": "A benchmark item."},
                headers=headers,
            )
            item.raise_for_status()
            item_id = str(item.json()["id"])
        check = client.get("/api/v1/items", params={"limit": ITEMS}, headers=headers)
        check.raise_for_status()
        if len(check.json()["items"]) != ITEMS:
            msg = f"the list returned {len(check.json()['items'])} items, not {ITEMS}"
            raise RuntimeError(msg)
    return token, item_id


def wrk(
    wrk_path: str,
    url: str,
    *,
    token: str | None,
    seconds: float,
    settings: LoadSettings,
    script: Path,
) -> dict[str, Any]:
    command = [
        wrk_path,
        f"--threads={settings.threads}",
        f"--connections={settings.connections}",
        f"--duration={max(1, round(seconds))}s",
        f"--timeout={settings.timeout:g}s",
        f"--script={script}",
    ]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    result = subprocess.run(
        [*command, url], capture_output=True, text=True, check=False, timeout=seconds + 60
    )
    if result.returncode != 0:
        msg = (
            f"wrk exited with {result.returncode}: {result.stdout[-1000:]} {result.stderr[-1000:]}"
        )
        raise RuntimeError(msg)
    return parse_wrk(result.stdout)


def parse_wrk(output: str) -> dict[str, Any]:
    """The numbers of the BENCH_JSON line WRK_SCRIPT prints."""
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            raw = json.loads(line.removeprefix("BENCH_JSON "))
            seconds = raw["duration_us"] / 1e6
            errors = sum(raw[key] for key in ("connect", "read", "write", "status", "timeout"))
            return {
                "requests": raw["requests"],
                "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
                "p50_ms": round(raw["p50_us"] / 1000, 2),
                "p99_ms": round(raw["p99_us"] / 1000, 2),
                "max_ms": round(raw["max_us"] / 1000, 2),
                "errors": errors,
                "non_2xx": raw["status"],
            }
    msg = f"no BENCH_JSON line in wrk's output:\n{output}"
    raise ValueError(msg)


ENDPOINTS = ("live", "list50", "read1")


def targets(item_id: str, endpoints: list[str] | None = None) -> list[Target]:
    """The loaded endpoints (all of ENDPOINTS unless ``endpoints`` names some)."""
    every = [
        Target("live", "/health/live", authenticated=False),
        Target("list50", f"/api/v1/items?limit={ITEMS}", authenticated=True),
        Target("read1", f"/api/v1/items/{item_id}", authenticated=True),
    ]
    return [target for target in every if endpoints is None or target.name in endpoints]


def measure(
    wrk_path: str,
    base: str,
    target: Target,
    *,
    token: str,
    pid: int,
    settings: LoadSettings,
    script: Path,
) -> dict[str, Any]:
    """Warm up, then load one endpoint while sampling the server's memory."""
    bearer = token if target.authenticated else None
    url = base + target.path
    if settings.warmup > 0:
        wrk(wrk_path, url, token=bearer, seconds=settings.warmup, settings=settings, script=script)
    sampler = MemorySampler(pid)
    cpu_before = tree_cpu_seconds(pid)
    sampler.start()
    try:
        numbers = wrk(
            wrk_path, url, token=bearer, seconds=settings.duration, settings=settings, script=script
        )
    finally:
        peak = sampler.stop()
    cpu = tree_cpu_seconds(pid) - cpu_before
    # CPU per request: unlike req/s, it hardly moves when other work shares the machine.
    per_request = 1000 * cpu / numbers["requests"] if numbers["requests"] else None
    return {
        **numbers,
        "cpu_ms_per_req": round(per_request, 3) if per_request is not None else None,
        "peak_mem_mb": round(peak, 1),
    }


def failure_row(
    framework: str,
    database: str,
    workers: int,
    error: Exception,
    progress: Callable[[dict[str, Any]], None],
) -> dict[str, Any]:
    detail = getattr(error, "stderr", None) or ""
    if isinstance(detail, bytes):
        detail = detail.decode(errors="replace")
    row = {
        "framework": framework,
        "database": database,
        "workers": workers,
        "endpoint": "FAILED",
        "error": f"{error!r} {str(detail)[-2000:]}".strip(),
    }
    progress(row)
    return row


def run(
    workdir: Path,
    wrk_path: str,
    *,
    frameworks: list[str],
    databases: list[str],
    workers: list[int],
    settings: LoadSettings,
    python_version: str,
    endpoints: list[str] | None = None,
    floors: bool = True,
    progress: Callable[[dict[str, Any]], None] = print,
) -> dict[str, Any]:
    python = python_for(python_version)
    script = workdir / "report.lua"
    script.write_text(WRK_SCRIPT)
    rows = []
    for framework, database in itertools.product(frameworks, databases):
        try:
            project = install(workdir, framework, database, python)
        except subprocess.CalledProcessError as error:
            rows.append(failure_row(framework, database, 0, error, progress))
            continue
        for count in workers:
            log = workdir / f"{framework}-{database}-{count}.log"
            try:
                with (
                    fresh_database(database, workdir) as url,
                    production_server(project, url, count, log) as (base, process),
                ):
                    token, item_id = seed(base)
                    for target in targets(item_id, endpoints):
                        numbers = measure(
                            wrk_path,
                            base,
                            target,
                            token=token,
                            pid=process.pid,
                            settings=settings,
                            script=script,
                        )
                        row = {
                            "framework": framework,
                            "database": database,
                            "workers": count,
                            "endpoint": target.name,
                            "app": "service",
                            **numbers,
                        }
                        progress(row)
                        rows.append(row)
                    if floors and database in FLOOR_DATABASES:
                        floor_log = workdir / f"{framework}-{database}-{count}-floor.log"
                        with floor_server(project, framework, url, count, floor_log) as (
                            floor_base,
                            floor_process,
                        ):
                            for target in targets(item_id, endpoints):
                                if target.name == "live":  # no database work: no floor
                                    continue
                                numbers = measure(
                                    wrk_path,
                                    floor_base,
                                    target,
                                    token=token,
                                    pid=floor_process.pid,
                                    settings=settings,
                                    script=script,
                                )
                                row = {
                                    "framework": framework,
                                    "database": database,
                                    "workers": count,
                                    "endpoint": target.name,
                                    "app": "floor",
                                    **numbers,
                                }
                                progress(row)
                                rows.append(row)
            except (
                RuntimeError,
                OSError,
                ValueError,
                httpx.HTTPError,
                subprocess.SubprocessError,
            ) as error:
                # One broken combination must not cost the numbers of the others.
                rows.append(failure_row(framework, database, count, error, progress))
    return {
        "rows": add_floor_ratios(rows),
        "connections": settings.connections,
        "duration_s": settings.duration,
        "warmup_s": settings.warmup,
        "wrk_threads": settings.threads,
    }


def add_floor_ratios(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each service row's req/s and CPU per request as ratios to its floor's (same framework,
    database, workers and endpoint), when that floor was measured."""
    floors = {
        (row["framework"], row["database"], row["workers"], row["endpoint"]): row
        for row in rows
        if row.get("app") == "floor" and "error" not in row
    }
    for row in rows:
        if row.get("app") != "service" or "error" in row:
            continue
        floor = floors.get((row["framework"], row["database"], row["workers"], row["endpoint"]))
        if floor is None:
            continue
        row["rps_ratio_to_floor"] = round(row["rps"] / floor["rps"], 3) if floor["rps"] else None
        row["cpu_ratio_to_floor"] = (
            round(row["cpu_ms_per_req"] / floor["cpu_ms_per_req"], 3)
            if floor.get("cpu_ms_per_req") and row.get("cpu_ms_per_req") is not None
            else None
        )
    return rows
