"""Slow: background jobs (jobs=celery) with real parts, for each framework.

A rendered project (JWT, SQLite) is installed; its worker (`python -m <package> worker`) and
beat (`python -m <package> beat`) run as real processes against the Redis on loopback, each
test in a Redis database of its own (emptied before and after). Jobs of the test's own are
written into the project (`jobs/probe.py`, loaded with the worker's `--include` option, as a
team adds a module) and sent with the project's `enqueue`. Proven, in order:

- a broker that does not answer stops the worker at start-up with one line naming the setting;
- a job runs, and the time from enqueue to the start of its execution (median of 50, one at
  a time) is printed for the note;
- a failing job is retried with backoff, then gives up with one `job.gave_up` line;
- a worker killed with SIGKILL mid-job (its whole process group, as a container is killed)
  leaves the job to the next worker, which runs it again;
- SIGTERM lets the running job finish, and the worker exits 0;
- beat sends the periodic purge: the login session revoked by a logout is deleted, the live
  one still refreshes, and the next purge deletes nothing more (idempotent);
- a password-reset mail goes through the queue: the request enqueues a send_mail job, the
  worker sends it to an SMTP server of the test's own (aiosmtpd), and its link sets a new
  password; the time from the request to the mail's arrival (median of RESET_MAILS) and the
  reset request's time for a known and an unknown address are printed for the note.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from extensions.refusals import supported

from .projects import TEST_REDIS_URL, Server, derived, free_port, install, serve_on
from .rendering import render
from .test_mail import FRONTEND_URL, RESET, Mailbox, Smtp, token_of

pytestmark = pytest.mark.slow

FRAMEWORKS = supported("framework")
# A Redis database per framework: the parametrized tests may run at once (xdist).
REDIS_DATABASES = {framework: 11 + index for index, framework in enumerate(FRAMEWORKS)}
LATENCY_JOBS = 50
RESET_MAILS = 10
PASSWORD = "correct horse battery staple"

# The test's own jobs, as a team would add a module of jobs.
PROBE = '''"""Jobs of the template's slow test (tests/test_jobs.py)."""

import os
import time
from pathlib import Path

from .queue import celery_app


def _note(path: str, line: str) -> None:
    with Path(path).open("a") as file:
        file.write(line + "\\n")


@celery_app.task(name="probe.record")
def record(path: str, sent_at: float) -> None:
    """Writes how long after sending it started."""
    _note(path, f"{time.time() - sent_at}")


@celery_app.task(name="probe.fail", max_retries=2, retry_backoff=1, retry_backoff_max=2)
def fail(path: str) -> None:
    """Fails every time."""
    _note(path, f"attempt {time.time()}")
    raise RuntimeError("the probe fails on purpose")


@celery_app.task(name="probe.slow")
def slow(path: str, seconds: float) -> None:
    """Notes its start (with the process id) and its end."""
    _note(path, f"start {os.getpid()}")
    time.sleep(seconds)
    _note(path, "end")
'''

# Sends LATENCY_JOBS jobs one after the other, each once the previous one has run; prints
# the delays the jobs wrote.
LATENCY_SCRIPT = """
import sys, time
from pathlib import Path
from {package}.jobs.probe import record
from {package}.jobs.queue import enqueue
path = Path(sys.argv[1])
for count in range(1, {jobs} + 1):
    enqueue(record, str(path), time.time())
    deadline = time.monotonic() + 30
    while not path.exists() or len(path.read_text().splitlines()) < count:
        assert time.monotonic() < deadline, "a job did not run within 30 s"
        time.sleep(0.0005)
print(path.read_text())
"""


@contextmanager
def redis_database(project: Path, number: int) -> Iterator[str]:
    """A Redis database of the test's own, emptied before and after (with the project's
    own Redis client: the template's environment has none)."""
    url = TEST_REDIS_URL.rsplit("/", 1)[0] + f"/{number}"
    flush = f"import redis; redis.Redis.from_url({url!r}).flushdb()"
    python = [str(project / ".venv/bin/python"), "-c", flush]
    subprocess.run(python, check=True, timeout=30)
    try:
        yield url
    finally:
        subprocess.run(python, check=True, timeout=30)


class Process:
    """A worker or beat of the project, in a process group of its own."""

    def __init__(self, project: Path, env: dict[str, str], *command: str) -> None:
        package = package_of(project)
        self.log_path = project / f"{command[0]}-{time.monotonic_ns()}.log"
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [str(project / ".venv/bin/python"), "-m", package, *command],
                cwd=project,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    def events(self, name: str) -> list[dict[str, object]]:
        """The JSON log lines whose event is ``name``."""
        found = []
        for line in self.log.splitlines():
            if line.startswith("{") and f'"{name}"' in line:
                event = json.loads(line)
                if event.get("event") == name:
                    found.append(event)
        return found

    def wait_for(self, condition: Callable[[], bool], seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline or self.process.poll() is not None:
                pytest.fail(f"{what} (exit code {self.process.poll()}):\n{self.log}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL to the whole group: the worker and its pool processes, as a container."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


@contextmanager
def started(project: Path, env: dict[str, str], *command: str) -> Iterator[Process]:
    process = Process(project, env, *command)
    try:
        if command[0] == "worker":
            process.wait_for(lambda: "ready." in process.log, 60, "the worker did not start")
        yield process
    finally:
        process.kill()


def package_of(project: Path) -> str:
    return str(derived(project)["serve_command"]).split()[-1]


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_jobs_run_retry_survive_a_killed_worker_and_purge(
    framework: str,
    tmp_path_factory: pytest.TempPathFactory,
    record_property: Callable[[str, object], None],
) -> None:
    root = tmp_path_factory.mktemp(f"jobs-{framework}")
    project = render(root / "project", framework=framework, auth="jwt", jobs="celery")
    install(project, "3.13")
    package = package_of(project)
    (project / "src" / package / "jobs" / "probe.py").write_text(PROBE)
    probe = ["--include", f"{package}.jobs.probe"]
    mailbox = TimedMailbox()
    smtp = Smtp(free_port(), mailbox)
    smtp.start()
    try:
        with (
            redis_database(project, REDIS_DATABASES[framework]) as broker,
            serve_on(
                project,
                f"sqlite:///{root / 'app.db'}",
                workers=1,
                JOBS_BROKER_URL=broker,
                LOG_FORMAT="json",
                JOBS_TIME_LIMIT_SECONDS="20",
                JOBS_RETRY_BACKOFF_MAX_SECONDS="2",
                JOBS_VISIBILITY_TIMEOUT_SECONDS="25",
                JOBS_PURGE_INTERVAL_SECONDS="10",
                JOBS_PURGE_RETENTION_DAYS="0",
                JOBS_CONCURRENCY="1",
                SMTP_URL=f"smtp://127.0.0.1:{smtp.port}",
                FRONTEND_URL=FRONTEND_URL,
                PASSWORD_RESET_RATE_LIMIT_PER_ACCOUNT="1000 per minute",
                AUTH_RATE_LIMIT_PER_CLIENT="1000 per minute",
            ) as server,
        ):
            env = server.env
            _broker_down_is_one_line(project, env)
            with started(project, env, "worker", *probe) as worker:
                latency = _latency(project, env, package, root / "latency.txt")
                print(
                    f"\n{framework}: enqueue to execution, median of {LATENCY_JOBS}: {latency} ms"
                )
                record_property("enqueue_to_execution_ms", latency)
                _failing_job_gives_up(project, env, package, worker, root / "fail.txt")
                delivery = _reset_mail_arrives_through_the_worker(server, mailbox, worker)
                print(
                    f"{framework}: reset request to mail delivered, median of {RESET_MAILS}: "
                    f"{delivery} ms"
                )
                record_property("reset_request_to_delivery_ms", delivery)
            _killed_worker_leaves_the_job(project, env, package, probe, root / "slow.txt")
            _sigterm_lets_the_job_finish(project, env, package, probe, root / "term.txt")
            table = "login_sessions" if framework == "django" else "auth_sessions"
            _beat_purges_revoked_sessions(project, env, server, probe, table)
    finally:
        smtp.stop()


class TimedMailbox(Mailbox):
    """Notes when each message arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: dict[str, float] = {}

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        arrived = time.perf_counter()
        answer = await super().handle_DATA(server, session, envelope)
        with self.lock:
            message = self.messages[-1]
            if str(message["Subject"]).startswith(RESET):  # not the registration's mail
                self.arrived[message["To"]] = arrived
        return answer

    def arrival(self, recipient: str) -> float:
        """When the reset mail to ``recipient`` arrived (wait_for has seen it)."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with self.lock:
                if recipient in self.arrived:
                    return self.arrived[recipient]
            time.sleep(0.01)
        pytest.fail(f"no arrival time for the reset mail to {recipient}")


def _reset_mail_arrives_through_the_worker(
    server: Server, mailbox: TimedMailbox, worker: Process
) -> float:
    """RESET_MAILS reset requests, one at a time: each mail arrives through the worker and
    its link works. Returns the median time from request to arrival, in ms."""
    api = f"{server.base_url}/api/v1"
    delays = []
    for number in range(RESET_MAILS):
        address = f"reset-{number}-{time.monotonic_ns()}@example.com"
        account = {"email": address, "password": PASSWORD}
        assert httpx.post(f"{api}/users", json=account, timeout=10).status_code == 202
        started = time.perf_counter()
        response = httpx.post(f"{api}/auth/password-reset", json={"email": address}, timeout=10)
        assert response.status_code == 202, response.text
        message = mailbox.wait_for(address, timeout=30)
        delays.append(mailbox.arrival(address) - started)
    token = token_of(message)
    new_password = {"token": token, "new_password": "amber lantern meadow seven"}
    confirmed = httpx.post(f"{api}/auth/password-reset/confirm", json=new_password, timeout=10)
    assert confirmed.status_code == 204, confirmed.text
    login = {"email": address, "password": "amber lantern meadow seven"}
    assert httpx.post(f"{api}/auth/login", json=login, timeout=10).status_code == 200
    # The registrations' verification mails went through the worker too.
    kinds = [line["kind"] for line in worker.events("mail.sent")]
    assert kinds.count("password_reset") >= RESET_MAILS, worker.log
    assert set(kinds) == {"password_reset", "email_verification"}, kinds
    _print_request_times(api, address)
    return round(statistics.median(delays) * 1000, 1)


def _print_request_times(api: str, known: str) -> None:
    """The reset request's time for a known and an unknown address (interleaved)."""
    durations: dict[str, list[float]] = {"known": [], "unknown": []}
    with httpx.Client(base_url=api, timeout=30) as client:
        for number in range(15):
            for kind, address in (("known", known), ("unknown", f"nobody-{number}@example.com")):
                started = time.perf_counter()
                response = client.post("/auth/password-reset", json={"email": address})
                durations[kind].append(time.perf_counter() - started)
                assert response.status_code == 202, response.text
    medians = {kind: statistics.median(values) * 1000 for kind, values in durations.items()}
    print(
        f"reset request median: {medians['known']:.1f} ms known, "
        f"{medians['unknown']:.1f} ms unknown address"
    )


def _send(project: Path, env: dict[str, str], package: str, job: str, *args: object) -> None:
    """Send one probe job with the project's own enqueue."""
    script = (
        f"from {package}.jobs.probe import {job}\n"
        f"from {package}.jobs.queue import enqueue\n"
        f"enqueue({job}, *{args!r})\n"
    )
    subprocess.run(
        [str(project / ".venv/bin/python"), "-c", script],
        cwd=project,
        env=env,
        check=True,
        timeout=60,
    )


def _broker_down_is_one_line(project: Path, env: dict[str, str]) -> None:
    # Nothing listens on port 1; the password must not reach the output.
    down = env | {"JOBS_BROKER_URL": "redis://:hunter2@127.0.0.1:1/0"}
    result = subprocess.run(
        [str(project / ".venv/bin/python"), "-m", package_of(project), "worker"],
        cwd=project,
        env=down,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith("JOBS_BROKER_URL: the broker at redis://"), result.stderr
    assert "127.0.0.1:1/0 is not reachable" in result.stderr
    assert "hunter2" not in result.stderr


def _latency(project: Path, env: dict[str, str], package: str, path: Path) -> float:
    script = LATENCY_SCRIPT.format(package=package, jobs=LATENCY_JOBS)
    result = subprocess.run(
        [str(project / ".venv/bin/python"), "-c", script, str(path)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    delays = [float(line) for line in result.stdout.split()]
    assert len(delays) == LATENCY_JOBS
    return round(statistics.median(delays) * 1000, 1)


def _failing_job_gives_up(
    project: Path, env: dict[str, str], package: str, worker: Process, path: Path
) -> None:
    _send(project, env, package, "fail", str(path))
    worker.wait_for(lambda: worker.events("job.gave_up"), 60, "the failing job did not give up")
    attempts = [float(line.split()[1]) for line in lines(path)]
    # The first attempt and two retries (max_retries=2), each after a backoff wait.
    assert len(attempts) == 3
    assert len(worker.events("job.retrying")) == 2
    (gave_up,) = worker.events("job.gave_up")
    assert gave_up["job"] == "probe.fail"
    assert gave_up["attempts"] == 3
    assert gave_up["error"] == "RuntimeError"
    assert gave_up["level"] == "error"


def _killed_worker_leaves_the_job(
    project: Path, env: dict[str, str], package: str, probe: list[str], path: Path
) -> None:
    with started(project, env, "worker", *probe) as first:
        _send(project, env, package, "slow", str(path), 5)
        first.wait_for(lambda: bool(lines(path)), 30, "the slow job did not start")
        first.kill()
    assert lines(path)[0].startswith("start ")
    assert "end" not in lines(path)
    killed_at = time.monotonic()
    with started(project, env, "worker", *probe) as second:
        # Delivered again once the visibility timeout (25 s) has passed; looked for every 10 s.
        second.wait_for(lambda: "end" in lines(path), 60, "the job of the killed worker was lost")
        print(f"redelivered after {time.monotonic() - killed_at:.1f} s")
    starts = [line for line in lines(path) if line.startswith("start ")]
    assert len(starts) == 2
    assert starts[0] != starts[1]  # another process ran it


def _sigterm_lets_the_job_finish(
    project: Path, env: dict[str, str], package: str, probe: list[str], path: Path
) -> None:
    with started(project, env, "worker", *probe) as worker:
        _send(project, env, package, "slow", str(path), 3)
        worker.wait_for(lambda: bool(lines(path)), 30, "the slow job did not start")
        worker.process.send_signal(signal.SIGTERM)
        assert worker.process.wait(timeout=30) == 0
    assert lines(path)[-1] == "end"


def _beat_purges_revoked_sessions(
    project: Path, env: dict[str, str], server: Server, probe: list[str], table: str
) -> None:
    api = f"{server.base_url}/api/v1"
    account = {"email": "ada@example.com", "password": PASSWORD}
    assert httpx.post(f"{api}/users", json=account, timeout=10).status_code == 202
    ended, live = (httpx.post(f"{api}/auth/login", json=account, timeout=10).json() for _ in "ab")
    bearer = {"Authorization": f"Bearer {ended['access_token']}"}
    assert httpx.post(f"{api}/auth/logout", headers=bearer, timeout=10).status_code == 204
    with started(project, env, "worker", *probe) as worker, started(project, env, "beat"):
        # Beat sends the purge at once, then every 10 s (JOBS_PURGE_INTERVAL_SECONDS).
        worker.wait_for(lambda: len(worker.events("jobs.purged")) >= 2, 60, "no two purges")
    first, second = worker.events("jobs.purged")[:2]
    # The revoked session only (and no expired Django session: none was made).
    assert first[table] == 1, first
    assert first.get("django_session", 0) == 0, first
    assert second[table] == 0, second
    refreshed = httpx.post(
        f"{api}/auth/refresh", json={"refresh_token": live["refresh_token"]}, timeout=10
    )
    assert refreshed.status_code == 200, refreshed.text
