"""Slow: the production server of each framework sends its traces to a real OTLP/HTTP endpoint.

The endpoint is the test's own: an HTTP server on loopback answering ``POST /v1/traces`` and
decoding the protobuf payload with OpenTelemetry's own proto package (opentelemetry-proto),
as a collector does. A registration yields its server span named by its route, the database
queries as its child spans, and the trace id printed in the registration's JSON log line; a
caller's ``traceparent`` continues its trace. With the endpoint stopped, requests still answer
200 as fast as before (the exporter's thread fails, not the requests). Bad configuration stops
the start with one line naming the variable.
"""

from __future__ import annotations

import gzip
import json
import statistics
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from extensions.refusals import supported

from .loopback import LoopbackEndpoint, wait_for
from .projects import (
    PRODUCTION_SECRET,
    Server,
    answer,
    derived,
    production_server,
    rendered_and_installed,
    uv_env,
)

pytestmark = pytest.mark.slow

SERVICE = "traced-service"
PASSWORD = "correct horse battery staple"
CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c"
CALLER_SPAN = "b7ad6b7169203331"
# Spans leave the server's queue every 200 ms instead of every 5 s: the test waits less.
TRACING = {"OTEL_SERVICE_NAME": SERVICE, "OTEL_BSP_SCHEDULE_DELAY": "200"}
PROBES = 30


class Collector(LoopbackEndpoint[tuple[str, Span]]):
    """An OTLP/HTTP traces endpoint on loopback that keeps every span it is sent, with the
    service.name of its resource."""

    def __init__(self) -> None:
        super().__init__(_Receiver)

    @property
    def endpoint(self) -> str:
        return self.base_url

    def receive(self, payload: bytes) -> None:
        request = ExportTraceServiceRequest.FromString(payload)
        for resource_spans in request.resource_spans:
            attributes = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            name = attributes.get("service.name", "")
            for scope_spans in resource_spans.scope_spans:
                self.keep(*((name, span) for span in scope_spans.spans))

    def spans(self) -> list[Span]:
        return [span for _, span in self.received()]

    def wait_for(self, found: Callable[[Span], bool], timeout: float = 15) -> Span:
        return wait_for(self.spans, found, timeout)

    def trace(self, trace_id: bytes) -> list[Span]:
        return [span for span in self.spans() if span.trace_id == trace_id]


class _Receiver(BaseHTTPRequestHandler):
    server: Collector

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        if self.path != "/v1/traces":
            self.send_error(404)
            return
        self.server.receive(body)
        reply = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module", params=supported("framework"))
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    rendered = rendered_and_installed(
        tmp_path_factory.mktemp(f"traces-{request.param}") / "project", framework=request.param
    )
    return rendered


@pytest.fixture(scope="module")
def collector(project: Path) -> Iterator[Collector]:
    """The endpoint of one project's server (a test stops it)."""
    running = Collector()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def server(
    project: Path, collector: Collector, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    settings = {"OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint, **TRACING}
    with production_server(project, tmp_path_factory.mktemp("data"), 1, **settings) as running:
        yield running


def route(project: Path, path: str) -> str:
    """A route as the framework names it: Django's patterns have no leading slash."""
    return path.removeprefix("/") if answer(project, "framework") == "django" else path


def log_line(server: Server, event: str, request_id: str) -> dict[str, str]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for text in list(server.output):
            if text.startswith("{"):
                line = json.loads(text)
                if line.get("event") == event and line.get("request_id") == request_id:
                    return dict(line)
        time.sleep(0.1)
    pytest.fail(f"no {event} line for request {request_id}:\n{server.log}")


def test_a_request_is_a_span_with_its_queries_and_its_log_line(
    project: Path, server: Server, collector: Collector
) -> None:
    email = f"user-{uuid.uuid4().hex[:12]}@example.com"
    response = httpx.post(
        f"{server.base_url}/api/v1/users", json={"email": email, "password": PASSWORD}, timeout=10
    )
    assert response.status_code == 202, response.text
    line = log_line(server, "auth.registered", response.headers["x-request-id"])
    trace_id = bytes.fromhex(line["trace_id"])

    request = collector.wait_for(
        lambda span: span.trace_id == trace_id and span.kind == Span.SPAN_KIND_SERVER
    )
    assert request.name == f"POST {route(project, '/api/v1/users')}"
    assert request.span_id.hex() == line["span_id"]  # logged inside the request's span
    assert not request.parent_span_id  # no caller's trace: a root span
    service_names = {name for name, span in collector.received() if span.trace_id == trace_id}
    assert service_names == {SERVICE}

    def queries() -> list[Span]:
        return [
            span
            for span in collector.trace(trace_id)
            if span.parent_span_id == request.span_id and span.kind == Span.SPAN_KIND_CLIENT
        ]

    collector.wait_for(lambda span: span in queries())
    statements = [span.name.split()[0] for span in queries()]
    assert "INSERT" in statements, statements  # the new account, a child of the request
    print(f"\n{answer(project, 'framework')}: {request.name}, queries {statements}")


def test_a_callers_traceparent_continues_its_trace(server: Server, collector: Collector) -> None:
    traceparent = f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"
    response = httpx.get(
        f"{server.base_url}/health/live", headers={"traceparent": traceparent}, timeout=10
    )
    assert response.status_code == 200
    request = collector.wait_for(lambda span: span.trace_id.hex() == CALLER_TRACE)
    assert request.parent_span_id.hex() == CALLER_SPAN
    assert request.kind == Span.SPAN_KIND_SERVER


def probe(server: Server) -> list[float]:
    """Seconds each of PROBES readiness checks (a database query each) took; all are 200."""
    durations = []
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        for _ in range(PROBES):
            started = time.perf_counter()
            assert client.get("/health/ready").status_code == 200
            durations.append(time.perf_counter() - started)
    return durations


def test_an_unreachable_endpoint_never_fails_or_slows_a_request(
    project: Path, server: Server, collector: Collector
) -> None:
    reachable = probe(server)
    collector.stop()
    time.sleep(0.5)  # the exporter has tried, and failed, by now
    unreachable = probe(server)
    time.sleep(0.5)
    unreachable += probe(server)
    up, down = statistics.median(reachable), statistics.median(unreachable)
    print(
        f"\n{answer(project, 'framework')}: readiness median {up * 1000:.1f} ms with the "
        f"endpoint up, {down * 1000:.1f} ms with it down (max {max(unreachable) * 1000:.1f} ms)"
    )
    assert max(unreachable) < 1.0
    assert down < up * 2 + 0.02  # noise on shared cores, not a wait for the exporter
    assert server.process.poll() is None  # still serving


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "collector:4318",
            "OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL with a host",
        ),
        ("OTEL_TRACES_SAMPLER_ARG", "ten percent", "otel_traces_sampler_arg"),
    ],
)
def test_bad_configuration_stops_the_start(
    project: Path, variable: str, value: str, message: str
) -> None:
    package = str(derived(project)["serve_command"]).split()[-1]
    env = uv_env(ENVIRONMENT="production", SECRET_KEY=PRODUCTION_SECRET, **{variable: value})
    result = subprocess.run(
        [str(project / ".venv/bin/python"), "-m", package],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr, result.stderr
