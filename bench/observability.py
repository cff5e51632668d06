"""What the services' observability costs (issue #19): CPU per request and throughput with
Prometheus metrics on, with tracing sampling 100 % and 10 % of requests, against all of it
off, in one run.

Per framework, on PostgreSQL with 1 worker: one project, one database seeded once, and one
production server per variant, all running side by side (an idle server costs nothing),
started with the same secret (so one account serves all). The variants differ only by
their environment:

- ``off``: no METRICS_PORT, no OTLP endpoint: no metrics middleware, no tracer installed;
- ``metrics``: METRICS_PORT set: requests counted and timed, samples shared through files
  (the multiprocess mode every production server runs in), the exporter idle (no scrape);
- ``traces100`` / ``traces10``: OTEL_EXPORTER_OTLP_ENDPOINT pointing at a sink this process
  runs on loopback, with OTEL_TRACES_SAMPLER=parentbased_traceidratio and a ratio of 1.0 /
  0.1. The sink answers 200 and drops the spans: receiving them is not the service's CPU,
  encoding and sending them (the batch processor's thread) is, and is counted.

After one warm-up of each, every round loads each variant in turn for ``--duration``
seconds, in an order that alternates from round to round: on a machine whose load drifts
(other work sharing it), short interleaved bursts share the drift out evenly, where one
long cell per variant would hand it to whichever ran at the worst time. A variant's CPU
per request is all its rounds' CPU over all their requests (``cpu_ratio_to_off`` compares
those), and ``cpu_ratio_paired`` is the median over the rounds of the ratio of each round's
burst to that round's ``off`` burst: the figure the targets are checked against, as it
shrugs off the rounds in which other work crowded the machine. req/s and latency are
medians of the rounds.
"""

from __future__ import annotations

import contextlib
import dataclasses
import secrets
import statistics
import subprocess
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from . import load
from .tools import python_for

VARIANTS = ("off", "metrics", "traces100", "traces10")
SAMPLING = {"traces100": "1.0", "traces10": "0.1"}
DATABASE = "postgresql"
WORKERS = 1
# Issue #19: (variant, endpoint) -> the most CPU per request it may cost, as a ratio to off
# (cpu_ratio_paired).
TARGETS = {("metrics", "read1"): 1.10, ("traces10", "read1"): 1.15}


class TraceSink:
    """An OTLP/HTTP endpoint on loopback that accepts POST /v1/traces, answers 200 with an
    empty (valid) protobuf response and keeps only the count of exports and bytes."""

    def __init__(self) -> None:
        self.exports = 0
        self.bytes = 0
        self._lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the exporter's session expects

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with sink._lock:
                    sink.exports += 1
                    sink.bytes += len(body)
                self.send_response(200 if self.path == "/v1/traces" else 404)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:  # quiet: the bench prints its own lines
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> TraceSink:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def variant_env(variant: str, sink_url: str) -> dict[str, str]:
    """The settings a variant adds to the production environment."""
    if variant == "off":
        return {}
    if variant == "metrics":
        return {"METRICS_PORT": str(load.free_port())}
    if variant in SAMPLING:
        return {
            "OTEL_EXPORTER_OTLP_ENDPOINT": sink_url,
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
            "OTEL_TRACES_SAMPLER_ARG": SAMPLING[variant],
        }
    msg = f"unknown variant {variant!r}; known: {', '.join(VARIANTS)}"
    raise ValueError(msg)


def round_order(variants: list[str], number: int) -> list[str]:
    """Every other round backwards: a drift of the machine's load is shared out evenly."""
    return list(variants) if number % 2 == 0 else list(reversed(variants))


def _spread(samples: list[dict[str, Any]]) -> str | None:
    """The lowest and highest CPU per request of the rounds: how much the machine moved."""
    values = [s["cpu_ms_per_req"] for s in samples]
    return f"{min(values):.3f}-{max(values):.3f}" if len(values) > 1 else None


def summarize(samples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per framework x endpoint x variant (medians of the rounds), with its CPU per
    request and req/s as ratios to the same framework's and endpoint's ``off``."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for sample in samples:
        key = (sample["framework"], sample["endpoint"], sample["variant"])
        groups.setdefault(key, []).append(sample)
    rows = []
    for (framework, endpoint, variant), group in groups.items():
        measured = [s for s in group if s.get("cpu_ms_per_req") is not None]
        requests = sum(s["requests"] for s in measured)
        # All rounds' CPU over all their requests: steadier than a median of a few rounds.
        cpu_ms = sum(s["cpu_ms_per_req"] * s["requests"] for s in measured)
        rows.append(
            {
                "framework": framework,
                "endpoint": endpoint,
                "variant": variant,
                "requests": sum(s["requests"] for s in group),
                "rps": round(statistics.median(s["rps"] for s in group), 1),
                "p50_ms": round(statistics.median(s["p50_ms"] for s in group), 2),
                "p99_ms": round(statistics.median(s["p99_ms"] for s in group), 2),
                "errors": sum(s["errors"] for s in group),
                "cpu_ms_per_req": round(cpu_ms / requests, 3) if requests else None,
                "cpu_ms_per_req_spread": _spread(measured),
                "peak_mem_mb": max(s["peak_mem_mb"] for s in group),
                "rounds": len(group),
            }
        )
    off_by_round = {
        (s["framework"], s["endpoint"], s["round"]): s["cpu_ms_per_req"]
        for s in samples
        if s["variant"] == "off" and s.get("cpu_ms_per_req")
    }
    for row in rows:
        # Each round's burst against the off burst of the same round, seconds apart: the
        # median of these paired ratios shrugs off the rounds the machine was busiest.
        paired = [
            s["cpu_ms_per_req"] / off_by_round[(s["framework"], s["endpoint"], s["round"])]
            for s in groups[(row["framework"], row["endpoint"], row["variant"])]
            if s.get("cpu_ms_per_req") is not None
            and (s["framework"], s["endpoint"], s["round"]) in off_by_round
        ]
        row["cpu_ratio_paired"] = round(statistics.median(paired), 3) if paired else None
    base = {(row["framework"], row["endpoint"]): row for row in rows if row["variant"] == "off"}
    for row in rows:
        off = base.get((row["framework"], row["endpoint"]))
        row["cpu_ratio_to_off"] = (
            round(row["cpu_ms_per_req"] / off["cpu_ms_per_req"], 3)
            if off and off["cpu_ms_per_req"] and row["cpu_ms_per_req"] is not None
            else None
        )
        row["rps_ratio_to_off"] = round(row["rps"] / off["rps"], 3) if off and off["rps"] else None
    order = {variant: index for index, variant in enumerate(VARIANTS)}
    endpoints = {endpoint: index for index, endpoint in enumerate(load.ENDPOINTS)}
    return sorted(
        rows,
        key=lambda row: (row["framework"], endpoints[row["endpoint"]], order[row["variant"]]),
    )


def _measure_framework(
    workdir: Path,
    wrk_path: str,
    framework: str,
    *,
    python: str | None,
    variants: list[str],
    endpoints: list[str] | None,
    rounds: int,
    settings: load.LoadSettings,
    sink: TraceSink,
    script: Path,
    progress: Callable[[dict[str, Any]], None],
) -> list[dict[str, Any]]:
    """All variants' servers run side by side (an idle one costs nothing); each round loads
    each of them in turn for ``settings.duration`` seconds, after one warm-up each."""
    project = load.install(workdir, framework, DATABASE, python)
    secret = secrets.token_urlsafe(48)
    email = f"bench-{secrets.token_hex(4)}@example.com"
    samples: list[dict[str, Any]] = []
    burst = dataclasses.replace(settings, warmup=0.0)
    with load.fresh_database(DATABASE, workdir) as url, contextlib.ExitStack() as servers:
        running: dict[str, tuple[str, int, str]] = {}
        item_id = ""
        for variant in variants:
            base, process = servers.enter_context(
                load.production_server(
                    project,
                    url,
                    WORKERS,
                    workdir / f"observability-{framework}-{variant}.log",
                    extra_env=variant_env(variant, sink.url),
                    secret_key=secret,
                )
            )
            if not item_id:
                token, item_id = load.seed(base, email)
            else:
                token = load.login(base, email)
            running[variant] = (base, process.pid, token)
        chosen = load.targets(item_id, endpoints)
        for base, pid, token in running.values():
            for target in chosen:
                if settings.warmup > 0:
                    load.measure(
                        wrk_path,
                        base,
                        target,
                        token=token,
                        pid=pid,
                        settings=dataclasses.replace(settings, duration=settings.warmup, warmup=0),
                        script=script,
                    )
        for number in range(rounds):
            for target in chosen:
                for variant in round_order(variants, number):
                    base, pid, token = running[variant]
                    numbers = load.measure(
                        wrk_path, base, target, token=token, pid=pid, settings=burst, script=script
                    )
                    sample = {
                        "framework": framework,
                        "endpoint": target.name,
                        "variant": variant,
                        "round": number,
                        **numbers,
                    }
                    progress(sample)
                    samples.append(sample)
    return samples


def run(
    workdir: Path,
    wrk_path: str,
    *,
    frameworks: list[str],
    variants: list[str],
    endpoints: list[str] | None,
    rounds: int,
    settings: load.LoadSettings,
    python_version: str,
    progress: Callable[[dict[str, Any]], None] = print,
) -> dict[str, Any]:
    python = python_for(python_version)
    script = workdir / "report.lua"
    script.write_text(load.WRK_SCRIPT)
    # "off" is what the ratios are taken against: always measured.
    variants = ["off", *(variant for variant in variants if variant != "off")]
    samples: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    with TraceSink() as sink:
        for framework in frameworks:
            try:
                samples += _measure_framework(
                    workdir,
                    wrk_path,
                    framework,
                    python=python,
                    variants=variants,
                    endpoints=endpoints,
                    rounds=rounds,
                    settings=settings,
                    sink=sink,
                    script=script,
                    progress=progress,
                )
            except (
                RuntimeError,
                OSError,
                ValueError,
                httpx.HTTPError,
                subprocess.SubprocessError,
            ) as error:
                # One broken framework must not cost the numbers of the others.
                failures.append(load.failure_row(framework, DATABASE, WORKERS, error, progress))
    return {
        "rows": summarize(samples) + failures,
        "samples": samples,
        "database": DATABASE,
        "workers": WORKERS,
        "rounds": rounds,
        # What reached the sink: proof that the traced variants sent their spans.
        "trace_exports": sink.exports,
        "trace_bytes": sink.bytes,
        "connections": settings.connections,
        "duration_s": settings.duration,
        "warmup_s": settings.warmup,
        "wrk_threads": settings.threads,
    }
