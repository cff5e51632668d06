"""The benchmark command's code paths that need no load: so `python -m bench` cannot rot.

No timing is asserted here: the numbers are figures of one run, reported by bench/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from copier import run_copy

from bench import __main__ as cli
from bench import green, load, observability, render, report

HYPERFINE_JSON = {
    "results": [
        {
            "command": "floor",
            "mean": 0.52,
            "stddev": 0.02,
            "median": 0.5,
            "min": 0.49,
            "times": [0.5] * 3,
            "user": 0.4,
            "system": 0.1,
        },
        {
            "command": "fastapi",
            "mean": 0.72,
            "stddev": 0.03,
            "median": 0.7,
            "min": 0.69,
            "times": [0.7] * 3,
            "user": 0.6,
            "system": 0.15,
        },
        {
            "command": "fastapi uncached",
            "mean": 0.92,
            "stddev": 0.03,
            "median": 0.9,
            "min": 0.89,
            "times": [0.9] * 3,
            "user": 0.8,
            "system": 0.15,
        },
    ]
}
WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:8000/health/live
  1 threads and 32 connections
BENCH_JSON {"requests": 3000, "duration_us": 2000000, "p50_us": 9800, "p99_us": 21000, "max_us": 30500, "connect": 0, "read": 0, "write": 0, "status": 2, "timeout": 1}
Requests/sec:   1500.00
"""


def test_defaults_and_quick_mode() -> None:
    full = cli.parse_args([])
    assert full.sections == ["render", "green", "load", "observability"]
    assert full.frameworks == ["fastapi", "django", "flask"]
    assert full.databases == ["sqlite", "postgresql"]
    assert (full.workers, full.duration, full.connections) == ([1, 2], 10.0, 32)
    quick = cli.parse_args(["--quick", "--only", "load", "--framework", "flask", "--workers", "2"])
    assert quick.sections == ["load"]
    assert quick.frameworks == ["flask"]
    assert quick.workers == [2]
    assert quick.duration < full.duration
    assert cli.parse_args(["--quick", "--duration", "5"]).duration == 5.0
    assert (full.variants, full.endpoints, full.rounds) == (list(observability.VARIANTS), None, 6)
    assert quick.rounds == 1
    assert (full.burst, quick.burst) == (4.0, 2.0)
    assert cli.parse_args(["--duration", "3"]).burst == 3.0


def test_observability_options() -> None:
    args = cli.parse_args(
        ["--only", "observability", "--variant", "metrics", "--endpoint", "read1", "--rounds", "3"]
    )
    assert args.sections == ["observability"]
    assert (args.variants, args.endpoints, args.rounds) == (["metrics"], ["read1"], 3)
    for bad in (["--rounds", "0"], ["--variant", "logs"], ["--endpoint", "write1"]):
        with pytest.raises(SystemExit):
            cli.parse_args(bad)


@pytest.mark.parametrize("workers", ["0", "one", ""])
def test_bad_worker_counts_are_refused(workers: str) -> None:
    with pytest.raises(SystemExit):
        cli.parse_args(["--workers", workers])


def test_floor_template_renders_one_file(tmp_path: Path) -> None:
    floor = render.make_floor_template(tmp_path / "floor")
    run_copy(str(floor), tmp_path / "out", defaults=True, vcs_ref="HEAD", quiet=True)
    files = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert files == ["README.md"]
    assert (tmp_path / "out/README.md").read_text() == "# floor\n"


def test_render_summary_is_relative_to_the_floor() -> None:
    summary = render.summarize(HYPERFINE_JSON, template_dirty=False)
    ratios = {row["name"]: row["ratio_to_floor"] for row in summary["rows"]}
    assert ratios == {"floor": 1.0, "fastapi": 1.4, "fastapi uncached": 1.8}
    cpu_ratios = {row["name"]: row["cpu_ratio_to_floor"] for row in summary["rows"]}
    assert cpu_ratios == {"floor": 1.0, "fastapi": 1.5, "fastapi uncached": 1.9}


def test_green_commands_are_the_readme_steps(tmp_path: Path) -> None:
    commands = green.steps(tmp_path / "p", "django", "/usr/bin/python3.13")
    assert list(commands) == list(green.STEPS)
    assert "--data=framework=django" in commands["copy"]
    assert commands["sync"][1:] == ["sync", "--python", "/usr/bin/python3.13"]
    assert commands["test"][1:3] == ["run", "pytest"]
    row = green.summarize("django", [{"copy": (1.0, 0.9), "sync": (1.0, 0.5), "test": (2.0, 2.0)}])
    assert row["total_s"] == 4.0
    assert (row["copy_share"], row["test_share"], row["cpu_s"]) == (0.25, 0.5, 3.4)


def test_wrk_report_line_is_parsed() -> None:
    numbers = load.parse_wrk(WRK_OUTPUT)
    assert numbers == {
        "requests": 3000,
        "rps": 1500.0,
        "p50_ms": 9.8,
        "p99_ms": 21.0,
        "max_ms": 30.5,
        "errors": 3,
        "non_2xx": 2,
    }
    with pytest.raises(ValueError, match="BENCH_JSON"):
        load.parse_wrk("Requests/sec: 1\n")


def test_wrk_script_and_targets() -> None:
    assert "latency:percentile(99)" in load.WRK_SCRIPT
    paths = {target.name: target for target in load.targets("abc")}
    assert paths["list50"].path == "/api/v1/items?limit=50"
    assert paths["list50"].authenticated
    assert not paths["live"].authenticated
    assert paths["read1"].path == "/api/v1/items/abc"


def test_endpoints_can_be_chosen() -> None:
    assert [target.name for target in load.targets("abc", ["read1"])] == ["read1"]
    assert [target.name for target in load.targets("abc")] == list(load.ENDPOINTS)


def test_each_variant_differs_by_its_environment_only() -> None:
    sink = "http://127.0.0.1:4318"
    assert observability.variant_env("off", sink) == {}
    assert int(observability.variant_env("metrics", sink)["METRICS_PORT"]) > 0
    assert observability.variant_env("traces10", sink) == {
        "OTEL_EXPORTER_OTLP_ENDPOINT": sink,
        "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
        "OTEL_TRACES_SAMPLER_ARG": "0.1",
    }
    assert observability.variant_env("traces100", sink)["OTEL_TRACES_SAMPLER_ARG"] == "1.0"
    with pytest.raises(ValueError, match="unknown variant"):
        observability.variant_env("logs", sink)
    variants = list(observability.VARIANTS)
    assert observability.round_order(variants, 0) == variants
    assert observability.round_order(variants, 1) == variants[::-1]


def test_the_trace_sink_accepts_otlp_posts() -> None:
    import httpx  # noqa: PLC0415

    with observability.TraceSink() as sink:
        answer = httpx.post(
            f"{sink.url}/v1/traces",
            content=b"spans",
            headers={"Content-Type": "application/x-protobuf"},
        )
        assert answer.status_code == 200
        assert httpx.post(f"{sink.url}/elsewhere", content=b"").status_code == 404
    assert (sink.exports, sink.bytes) == (2, 5)


def _sample(variant: str, cpu: float, rps: float, number: int = 0) -> dict[str, object]:
    return {
        "framework": "flask",
        "endpoint": "read1",
        "variant": variant,
        "round": number,
        "requests": 1000,
        "rps": rps,
        "p50_ms": 10.0,
        "p99_ms": 20.0,
        "max_ms": 30.0,
        "errors": 0,
        "non_2xx": 0,
        "cpu_ms_per_req": cpu,
        "peak_mem_mb": 100.0,
    }


def test_observability_cost_is_a_ratio_to_off(tmp_path: Path) -> None:
    samples = [
        _sample("off", 2.0, 400.0),
        _sample("off", 2.2, 380.0, 1),
        _sample("metrics", 2.3, 370.0),
        _sample("metrics", 2.3, 350.0, 1),
        _sample("traces10", 2.6, 300.0),
    ]
    rows = observability.summarize(samples)
    assert [row["variant"] for row in rows] == ["off", "metrics", "traces10"]
    off, metrics, traces = rows
    # CPU per request: all CPU over all requests; req/s: the median.
    assert (off["cpu_ms_per_req"], off["rps"], off["rounds"]) == (2.1, 390.0, 2)
    assert off["cpu_ms_per_req_spread"] == "2.000-2.200"
    assert (off["cpu_ratio_to_off"], off["rps_ratio_to_off"]) == (1.0, 1.0)
    assert metrics["cpu_ratio_to_off"] == round(2.3 / 2.1, 3)
    # Round by round: 2.3 / 2.0 and 2.3 / 2.2, median of the two.
    assert metrics["cpu_ratio_paired"] == round((2.3 / 2.0 + 2.3 / 2.2) / 2, 3)
    assert traces["cpu_ratio_paired"] == 1.3  # its only round, against round 0's off
    assert metrics["rps_ratio_to_off"] == round(360 / 390, 3)
    assert traces["rounds"] == 1
    results = {
        "observability": {
            "rows": [*rows, {"framework": "django", "endpoint": "FAILED", "error": "boom"}],
            "samples": samples,
            "database": "postgresql",
            "workers": 1,
            "rounds": 2,
            "trace_exports": 3,
            "trace_bytes": 4096,
            "connections": 32,
            "duration_s": 10.0,
            "warmup_s": 2.0,
            "wrk_threads": 1,
        }
    }
    text = report.render_text(results)
    assert "Observability cost" in text
    assert "3 exports, 4,096 bytes" in text
    assert re.search(r"\|\s+flask \|\s+read1 \|\s+traces10 \|", text)
    assert "boom" in text  # the failure is listed, not tabled
    verdicts = {row["target"]: row["met"] for row in report.check_observability(results)}
    assert verdicts == {
        "flask read1 metrics / off (CPU per request)": "yes",  # paired 1.098 <= 1.10
        "flask read1 traces10 / off (CPU per request)": "MISSED",  # paired 1.3 > 1.15
    }
    written = json.loads(report.write_json(results, tmp_path).read_text())
    assert written["observability"]["rows"][1]["cpu_ratio_to_off"] == metrics["cpu_ratio_to_off"]
    assert {row["met"] for row in written["targets"]} == {"yes", "MISSED"}


def test_floors_run_on_the_services_servers(tmp_path: Path) -> None:
    fastapi = load.floor_command(tmp_path, "fastapi", 8001, 2)
    assert fastapi[:3] == [str(tmp_path / ".venv/bin/python"), "-m", "uvicorn"]
    assert "fastapi_floor:app" in fastapi
    assert "--workers=2" in fastapi
    for framework in ("django", "flask"):
        command = load.floor_command(tmp_path, framework, 8001, 1)
        assert command[1:3] == ["-m", "gunicorn"]
        assert "--worker-class=gthread" in command
        assert f"--threads={load.GUNICORN_THREADS}" in command
        assert command[-1].startswith(f"{framework}_floor:")
    for framework in load.FLOOR_TABLES:
        assert (load.FLOORS / f"{framework}_floor.py").is_file()


def test_floor_queries_and_models() -> None:
    import importlib.util  # noqa: PLC0415
    import uuid  # noqa: PLC0415
    from datetime import UTC, datetime  # noqa: PLC0415

    spec = importlib.util.spec_from_file_location("floor_models", load.FLOORS / "floor_models.py")
    assert spec is not None
    assert spec.loader is not None
    models = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(models)
    assert "FROM items_item WHERE id = %s" in models.READ_ONE.format(table="items_item")
    now = datetime.now(UTC)
    row = (uuid.uuid4(), "Item 1", None, now, now)
    assert models.item(row).title == "Item 1"
    page = models.page([(*row, 7)], 50, 0)
    assert (page.total, page.limit, len(page.items)) == (7, 50, 1)
    assert models.page([], 50, 0).total == 0
    assert models.sqlite_path("sqlite:////srv/bench.db") == "/srv/bench.db"
    assert models.sqlite_path("postgresql://postgres@127.0.0.1/bench") is None


def test_floor_queries_read_sqlite_rows_as_the_services_store_them(tmp_path: Path) -> None:
    """UUIDs as 32 hex digits and timestamps as text (SQLAlchemy's and Django's SQLite
    types): the floors' statements find the row by `uuid.hex` and the models read it."""
    import importlib.util  # noqa: PLC0415
    import sqlite3  # noqa: PLC0415
    import uuid  # noqa: PLC0415

    spec = importlib.util.spec_from_file_location("floor_models", load.FLOORS / "floor_models.py")
    assert spec is not None
    assert spec.loader is not None
    models = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(models)
    item_id = uuid.uuid4()
    with sqlite3.connect(tmp_path / "bench.db") as database:
        database.execute(
            "CREATE TABLE items (id CHAR(32), title TEXT, description TEXT,"
            " created_at DATETIME, updated_at DATETIME)"
        )
        stamp = "2026-12-07 06:00:00.000000"
        database.execute(
            "INSERT INTO items VALUES (?, 'One', NULL, ?, ?)", (item_id.hex, stamp, stamp)
        )
        read = models.READ_ONE.format(table="items").replace("%s", "?")
        row = database.execute(read, (item_id.hex,)).fetchone()
        assert models.item(row).id == item_id
        page_sql = models.PAGE.format(table="items").replace("%s", "?")
        rows = database.execute(page_sql, (50, 0)).fetchall()
        assert models.page(rows, 50, 0).total == 1


def test_service_cells_are_ratios_to_their_floor() -> None:
    common = {
        "framework": "flask",
        "database": "postgresql",
        "workers": 1,
        "errors": 0,
        "p99_ms": 9.0,
    }
    rows = [
        {**common, "endpoint": "read1", "app": "service", "rps": 300.0, "cpu_ms_per_req": 3.0},
        {**common, "endpoint": "read1", "app": "floor", "rps": 1200.0, "cpu_ms_per_req": 0.75},
        {**common, "endpoint": "live", "app": "service", "rps": 1300.0, "cpu_ms_per_req": 0.8},
    ]
    service, floor, live = load.add_floor_ratios(rows)
    assert (service["rps_ratio_to_floor"], service["cpu_ratio_to_floor"]) == (0.25, 4.0)
    assert "cpu_ratio_to_floor" not in floor
    assert "cpu_ratio_to_floor" not in live  # no database work: no floor
    text = report.render_text(
        {
            "load": {
                "rows": rows,
                "connections": 32,
                "duration_s": 10.0,
                "warmup_s": 2.0,
                "wrk_threads": 1,
            }
        }
    )
    assert "cpu_ratio_to_floor" in text
    assert re.search(r"\|\s+read1 \|\s+floor \|", text)
    # The floor is no service: issue #8's target is about the service only; issue #22's
    # compares the service with its floor (4x its CPU per request: missed).
    verdicts = report.check_targets({"load": {"rows": rows}})
    assert [(row["target"], row["met"]) for row in verdicts] == [
        ("flask read1 postgresql 1w", "MISSED"),
        ("flask read1 postgresql 1w / floor", "MISSED"),
    ]
    assert verdicts[1]["measured"] == "CPU 4.00"


def test_issue_22_targets_are_ratios_to_the_floor() -> None:
    common = {"framework": "fastapi", "database": "postgresql", "workers": 1, "errors": 0}
    cells = {"endpoint": "list50", "cpu_ms_per_req": 1.0}
    service = {**common, **cells, "app": "service", "rps": 600.0, "p99_ms": 80.0}
    floor = {**common, **cells, "app": "floor", "rps": 1000.0, "p99_ms": 40.0}
    (verdict,) = report.check_floor_targets({"load": {"rows": [service, floor]}})
    assert verdict["measured"] == "req/s 0.60, p99 2.00 (80.0 vs 40.0 ms)"
    assert verdict["met"] == "yes"
    slower = {**service, "p99_ms": 81.0}
    (verdict,) = report.check_floor_targets({"load": {"rows": [slower, floor]}})
    assert verdict["met"] == "MISSED"
    failing = {**service, "errors": 1}
    (verdict,) = report.check_floor_targets({"load": {"rows": [failing, floor]}})
    assert verdict["met"] == "MISSED"
    assert report.check_floor_targets({"load": {"rows": [service]}}) == []  # no floor: no verdict


def test_own_process_is_measured() -> None:
    import os  # noqa: PLC0415

    assert load.tree_memory_mb(os.getpid()) > 1
    assert load.tree_cpu_seconds(os.getpid()) > 0


def test_tables_targets_and_json(tmp_path: Path) -> None:
    results = {
        "render": render.summarize(HYPERFINE_JSON, template_dirty=False),
        "load": {
            "rows": [
                {
                    "framework": "fastapi",
                    "database": "postgresql",
                    "workers": 1,
                    "endpoint": "list50",
                    "rps": 1200.0,
                    "p50_ms": 20.0,
                    "p99_ms": 150.0,
                    "errors": 0,
                    "cpu_ms_per_req": 0.8,
                    "peak_mem_mb": 80.0,
                }
            ],
            "connections": 32,
            "duration_s": 10.0,
            "warmup_s": 2.0,
            "wrk_threads": 1,
        },
    }
    text = report.render_text(results)
    assert re.search(r"\|\s+fastapi \|", text)
    assert "ratio_to_floor" in text
    verdicts = {row["target"]: row["met"] for row in report.check_targets(results)}
    assert verdicts["render fastapi / floor"] == "yes"
    assert "render fastapi uncached / floor" not in verdicts  # a comparison, not a target
    assert verdicts["fastapi list50 postgresql 1w"] == "MISSED"  # p99 150 ms >= 100 ms
    written = json.loads(report.write_json(results, tmp_path).read_text())
    assert written["render"]["rows"][1]["ratio_to_floor"] == 1.4
    assert written["machine"]["cpus"] >= 1
    assert {row["met"] for row in written["targets"]} == {"yes", "MISSED"}


def test_missing_tools_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import tools  # noqa: PLC0415

    monkeypatch.setattr(tools.shutil, "which", lambda _: None)
    monkeypatch.setattr(tools.os, "geteuid", lambda: 1000)
    with pytest.raises(
        tools.MissingToolError, match="apt-get install -y --no-install-recommends wrk"
    ):
        tools.require("wrk")


def test_answers_file_drives_the_server_commands(tmp_path: Path) -> None:
    answers = {
        "project_name": "My Service",
        "package_name": "my_service",
        "python_version": "3.13",
        "framework": "django",
        "database": "sqlite",
        "auth": "jwt",
        "ci": "none",
    }
    (tmp_path / ".copier-answers.yml").write_text(yaml.safe_dump(answers))
    assert load.server_commands(tmp_path) == (
        [str(tmp_path / ".venv/bin/python"), "manage.py", "migrate"],
        [str(tmp_path / ".venv/bin/python"), "-m", "my_service"],
    )


def test_failures_are_reported_not_fatal() -> None:
    results = {
        "green": {"rows": [{"framework": "flask", "error": "uv sync failed"}], "python": "x"},
        "load": {
            "rows": [
                {
                    "framework": "django",
                    "database": "sqlite",
                    "workers": 1,
                    "endpoint": "FAILED",
                    "error": "boom",
                }
            ],
            "connections": 32,
            "duration_s": 1.0,
            "warmup_s": 0.0,
            "wrk_threads": 1,
        },
    }
    text = report.render_text(results)
    assert "Failures" in text
    assert "uv sync failed" in text
    assert "boom" in text
    assert [row["met"] for row in report.check_targets(results)] == ["MISSED"]


def test_the_committed_reference_run_renders() -> None:
    """bench/README.md's tables come from this file: it must stay readable by report.py."""
    reference = json.loads((Path(load.__file__).parent / "results/reference.json").read_text())
    text = report.render_text(reference)
    assert "Load: wrk" in text
    assert "Observability cost" in text
    assert "cpu_ratio_to_floor" in text
