"""Slow: a real Prometheus server scrapes each framework's production server.

The service runs with 2 workers and its metrics port (METRICS_PORT); Prometheus (Debian's
`prometheus` package, installed by .ci/run) scrapes that port every second. The test sends
a known number of requests to two routes and to a path no route matches, from many
connections at once so that both workers answer some, then asks Prometheus, through its
HTTP API, for `sum by (route, status_class) (http_requests_total)`: each count must be what
was sent, across both workers.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from extensions.refusals import supported

from .projects import free_port, production_server, rendered_and_installed

pytestmark = pytest.mark.slow

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
FRAMEWORKS = supported("framework")
# How each framework writes the item route's template (the label; never the raw path).
ITEM_ROUTES = {
    "fastapi": "/api/v1/items/{item_id}",
    "flask": "/api/v1/items/<item_id>",
    "django": "/api/v1/items/<item_id>",
}
LIVE_REQUESTS = 40
ITEM_REQUESTS = 25  # without credentials: 401
UNMATCHED_REQUESTS = 15  # 404
QUERY = "sum by (route, status_class) (http_requests_total)"


@contextmanager
def prometheus(root: Path, target: str) -> Iterator[str]:
    """A Prometheus server scraping ``target`` every second; yields its base URL."""
    config = root / "prometheus.yml"
    config.write_text(
        "global:\n"
        "  scrape_interval: 1s\n"
        "  evaluation_interval: 1s\n"
        "scrape_configs:\n"
        "  - job_name: service\n"
        "    static_configs:\n"
        f"      - targets: ['{target}']\n"
    )
    port = free_port()
    log = root / "prometheus.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                PROMETHEUS,
                f"--config.file={config}",
                f"--storage.tsdb.path={root / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=output,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail(f"Prometheus did not start:\n{log.read_text()}")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def query(prometheus_url: str, promql: str) -> dict[tuple[str, ...], float]:
    """An instant query's result: {label values in sorted label order: value}."""
    response = httpx.get(f"{prometheus_url}/api/v1/query", params={"query": promql}, timeout=5)
    body = response.json()
    assert body["status"] == "success", body
    return {
        tuple(value for _, value in sorted(series["metric"].items())): float(series["value"][1])
        for series in body["data"]["result"]
    }


def send(base_url: str, paths: list[str]) -> list[int]:
    """Each request on a connection of its own, 8 at a time: the workers share them."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = pool.map(lambda path: httpx.get(f"{base_url}{path}", timeout=10), paths)
        return [answer.status_code for answer in answers]


@pytest.mark.skipif(
    shutil.which("prometheus") is None and not Path(PROMETHEUS).exists(),
    reason="needs the prometheus binary (Debian's prometheus package; .ci/run installs it)",
)
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_prometheus_counts_every_request_of_both_workers(
    framework: str,
    tmp_path_factory: pytest.TempPathFactory,
    record_property: Callable[[str, object], None],
) -> None:
    root = tmp_path_factory.mktemp(f"prometheus-{framework}")
    project = rendered_and_installed(root / "project", framework=framework)
    samples = root / "tmp"
    samples.mkdir()
    metrics_port = free_port()
    settings = {"METRICS_PORT": str(metrics_port), "TMPDIR": str(samples)}
    with production_server(project, root, workers=2, **settings) as server:
        # Nothing of the metrics on the public port.
        assert httpx.get(f"{server.base_url}/metrics", timeout=5).status_code == 404
        with prometheus(root, f"127.0.0.1:{metrics_port}") as prometheus_url:
            paths = (
                ["/health/live"] * LIVE_REQUESTS
                + [f"/api/v1/items/{uuid.uuid4()}" for _ in range(ITEM_REQUESTS)]
                + [f"/no/such/{uuid.uuid4()}" for _ in range(UNMATCHED_REQUESTS)]
            )
            statuses = send(server.base_url, paths)
            assert statuses.count(200) == LIVE_REQUESTS
            assert statuses.count(401) == ITEM_REQUESTS
            assert statuses.count(404) == UNMATCHED_REQUESTS
            expected = {
                ("/health/live", "2xx"): float(LIVE_REQUESTS),
                (ITEM_ROUTES[framework], "4xx"): float(ITEM_REQUESTS),
                ("<unmatched>", "4xx"): float(UNMATCHED_REQUESTS + 1),  # and /metrics above
            }
            started = time.monotonic()
            counts: dict[tuple[str, ...], float] = {}
            while time.monotonic() - started < 30:
                counts = query(prometheus_url, QUERY)
                if all(counts.get(key) == value for key, value in expected.items()):
                    break
                time.sleep(0.5)
            seen = time.monotonic() - started
            assert {key: counts.get(key) for key in expected} == expected, counts
            # No raw path became a label.
            assert not any("/no/such/" in key[0] for key in counts), counts
            assert query(prometheus_url, "sum(http_requests_in_flight)") == {(): 0.0}
            [build] = query(prometheus_url, "service_build_info")
            assert "0.1.0" in build, build
            # Both workers answered and wrote their samples; one scrape summed them.
            files = samples.glob("metrics-*/counter_*.db")
            workers = {path.stem.rsplit("_", 1)[-1] for path in files}
    record_property("counts", counts)
    record_property("seconds_until_scraped", round(seen, 1))
    record_property("worker_files", len(workers))
    print(f"{framework}: {counts} after {seen:.1f} s, samples of {len(workers)} processes")
    assert len(workers) >= 2, f"one worker answered everything: {workers}"
