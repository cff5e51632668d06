"""Slow: every framework's production server stops gracefully on SIGTERM.

The in-flight request is a registration whose body is still arriving when the signal comes:
the client sends the headers and half of the JSON body, the server starts reading it, the
test sends SIGTERM, then the rest of the body. That request is truly in flight inside the
service (no test-only slow route is needed, and none exists in a generated project). For
SHUTDOWN_DELAY_SECONDS after the signal the service keeps serving while readiness answers 503
(so the load balancer moves traffic away first); the request in flight completes normally,
then new connections are refused, and the process exits 0 well within the grace period.
"""

from __future__ import annotations

import json
import signal
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from extensions.refusals import supported

from .projects import Server, production_server, rendered_and_installed

pytestmark = pytest.mark.slow

GRACE_SECONDS = 10
DRAIN_SECONDS = 2


def refuses_connections(host: str, port: int, within: float) -> float:
    """Seconds until a new connection is refused, or closed or answered 503 by readiness."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        try:
            with socket.create_connection((host, port), timeout=1) as probe:
                probe.sendall(f"GET /health/ready HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
                answer = probe.recv(64)
                if not answer or answer.startswith(b"HTTP/1.1 503"):
                    return time.monotonic() - started
        except (ConnectionRefusedError, ConnectionResetError):
            return time.monotonic() - started
        except TimeoutError:
            pass  # accepted by a closing listener but never served: keep probing
        time.sleep(0.1)
    pytest.fail(f"new connections were still served {within} s after SIGTERM")


def start_registration(server: Server) -> tuple[socket.socket, bytes]:
    """Send the headers and half of the body of a registration; return the rest."""
    url = urlsplit(server.base_url)
    assert url.hostname is not None
    assert url.port is not None
    body = json.dumps(
        {"email": "in-flight@example.com", "password": "correct horse battery staple"}
    ).encode()
    head = (
        f"POST /api/v1/users HTTP/1.1\r\nHost: {url.hostname}:{url.port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    client = socket.create_connection((url.hostname, url.port), timeout=30)
    half = len(body) // 2
    client.sendall(head + body[:half])
    return client, body[half:]


def assert_graceful_shutdown(project: Path, data: Path) -> float:
    """Run the scenario on an installed project; return the seconds SIGTERM took."""
    with production_server(
        project,
        data,
        GRACEFUL_SHUTDOWN_SECONDS=str(GRACE_SECONDS),
        SHUTDOWN_DELAY_SECONDS=str(DRAIN_SECONDS),
    ) as server:
        url = urlsplit(server.base_url)
        assert url.hostname is not None
        assert url.port is not None
        client, rest = start_registration(server)
        time.sleep(0.5)  # the server has the request and waits for the rest of its body
        started = time.monotonic()
        server.process.terminate()

        time.sleep(0.5)
        # Draining: still serving, but no longer ready.
        ready = httpx.get(f"{server.base_url}/health/ready", timeout=5)
        live = httpx.get(f"{server.base_url}/health/live", timeout=5)
        time.sleep(0.5)
        client.sendall(rest)
        with client:
            answer = b""
            while chunk := client.recv(65_536):
                answer += chunk
        refused_after = refuses_connections(url.hostname, url.port, within=DRAIN_SECONDS + 5)
        code = server.wait(timeout=GRACE_SECONDS + 10)
        elapsed = time.monotonic() - started

    assert (ready.status_code, ready.json()["detail"]) == (503, "The service is shutting down.")
    assert live.status_code == 200
    status = answer.split(b"\r\n", 1)[0].decode(errors="replace")
    assert status.split()[1:2] in (["201"], ["202"]), answer.decode(errors="replace")
    assert refused_after < DRAIN_SECONDS + 5
    assert code == 0, server.log
    assert elapsed < GRACE_SECONDS, f"{elapsed:.1f} s\n{server.log}"
    assert "Traceback" not in server.log, server.log
    return elapsed


@pytest.mark.parametrize("framework", supported("framework"))
def test_sigterm_drains_the_request_in_flight_and_exits_0(
    framework: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    project = rendered_and_installed(
        tmp_path_factory.mktemp(f"shutdown-{framework}") / "project", framework=framework
    )
    assert_graceful_shutdown(project, tmp_path_factory.mktemp(f"shutdown-{framework}-data"))


@pytest.mark.parametrize("framework", supported("framework"))
def test_sighup_never_kills_the_server_abruptly(
    framework: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """gunicorn reloads its workers on SIGHUP and keeps serving; a single uvicorn process,
    which would otherwise die on the spot, stops gracefully and exits 0."""
    root = tmp_path_factory.mktemp(f"sighup-{framework}")
    project = rendered_and_installed(root / "project", framework=framework)
    with production_server(project, root) as server:
        server.process.send_signal(signal.SIGHUP)
        if framework == "fastapi":
            code = server.wait(timeout=GRACE_SECONDS + 10)
        else:
            time.sleep(2)  # the new workers boot
            assert httpx.get(f"{server.base_url}/health/ready", timeout=10).status_code == 200
            code, _ = server.stop()
    assert code == 0, server.log
    assert "Traceback" not in server.log, server.log
