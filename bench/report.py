"""The results as plain-text tables and as one JSON document; the targets of issues #8 and #22."""

from __future__ import annotations

import json
import platform
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .observability import TARGETS as OBSERVABILITY_TARGETS

# Issue #8's targets on a 2-core machine.
RENDER_RATIO_MAX = 1.5
GREEN_SECONDS_MAX = 8.0
# (framework, database, workers, endpoint): (minimum req/s, maximum p99 ms or None)
THROUGHPUT_TARGETS: dict[tuple[str, str, int, str], tuple[float, float | None]] = {
    ("fastapi", "postgresql", 1, "list50"): (1000.0, 100.0),
    ("django", "postgresql", 1, "read1"): (700.0, None),
    ("django", "sqlite", 1, "read1"): (700.0, None),
    ("flask", "postgresql", 1, "read1"): (700.0, None),
    ("flask", "sqlite", 1, "read1"): (700.0, None),
}

# Issue #22's targets, as ratios to the cell's floor measured in the same run:
# (framework, database, workers, endpoint): (minimum req/s ratio, maximum p99 ratio,
# maximum CPU-per-request ratio); None where the issue sets none.
FLOOR_TARGETS: dict[tuple[str, str, int, str], tuple[float | None, float | None, float | None]] = {
    ("fastapi", "postgresql", 1, "list50"): (0.5, 2.0, None),
    ("django", "postgresql", 1, "read1"): (None, None, 1.5),
    ("flask", "postgresql", 1, "read1"): (None, None, 1.5),
}


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """A GitHub-flavoured markdown table (readable in a terminal too)."""
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [
        max(len(column), *(len(line[index]) for line in cells)) if cells else len(column)
        for index, column in enumerate(columns)
    ]
    lines = [
        "| "
        + " | ".join(column.ljust(width) for column, width in zip(columns, widths, strict=True))
        + " |",
        "| " + " | ".join("-" * width for width in widths) + " |",
    ]
    lines += [
        "| "
        + " | ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True))
        + " |"
        for line in cells
    ]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:,.1f}"
    return str(value)


def check_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of the issue that this run measured, with the figure and met/missed."""
    verdicts: list[dict[str, Any]] = []
    for row in results.get("render", {}).get("rows", []):
        # The uncached row is a comparison, not a target: users render with the cache.
        if row["name"] != "floor" and not row["name"].endswith(" uncached"):
            verdicts.append(
                _verdict(
                    f"render {row['name']} / floor",
                    f"{row['ratio_to_floor']} (CPU {row.get('cpu_ratio_to_floor')})",
                    f"<= {RENDER_RATIO_MAX} (wall-clock medians)",
                    row["ratio_to_floor"] <= RENDER_RATIO_MAX,
                )
            )
    for row in results.get("green", {}).get("rows", []):
        if "error" in row:
            verdicts.append(
                _verdict(f"copy -> green {row['framework']} (s)", "FAILED", "", met=False)
            )
            continue
        verdicts.append(
            _verdict(
                f"copy -> green {row['framework']} (s)",
                f"{row['total_s']} (CPU {row.get('cpu_s')})",
                f"<= {GREEN_SECONDS_MAX}",
                row["total_s"] <= GREEN_SECONDS_MAX,
            )
        )
    for row in results.get("load", {}).get("rows", []):
        if "error" in row:
            continue
        key = (row["framework"], row["database"], row["workers"], row["endpoint"])
        if key not in THROUGHPUT_TARGETS or row.get("app") == "floor":
            continue
        minimum, p99_max = THROUGHPUT_TARGETS[key]
        met = row["rps"] >= minimum and row["errors"] == 0
        goal = f">= {minimum:g} req/s, 0 errors"
        if p99_max is not None:
            met = met and row["p99_ms"] < p99_max
            goal += f", p99 < {p99_max:g} ms"
        name = f"{row['framework']} {row['endpoint']} {row['database']} {row['workers']}w"
        verdicts.append(
            _verdict(name, f"{row['rps']:.0f} req/s, p99 {row['p99_ms']} ms", goal, met)
        )
    return verdicts + check_floor_targets(results)


def check_floor_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue #22's targets: a service cell against its floor's, from the same run."""
    rows = [row for row in results.get("load", {}).get("rows", []) if "error" not in row]
    floors = {
        (row["framework"], row["database"], row["workers"], row["endpoint"]): row
        for row in rows
        if row.get("app") == "floor"
    }
    verdicts = []
    for row in rows:
        key = (row["framework"], row["database"], row["workers"], row["endpoint"])
        if row.get("app") != "service" or key not in FLOOR_TARGETS or key not in floors:
            continue
        rps_min, p99_max, cpu_max = FLOOR_TARGETS[key]
        floor = floors[key]
        measured, goals, met = [], [], row["errors"] == 0
        if rps_min is not None:
            ratio = row["rps"] / floor["rps"]
            measured.append(f"req/s {ratio:.2f}")
            goals.append(f"req/s >= {rps_min:g}")
            met = met and ratio >= rps_min
        if p99_max is not None:
            ratio = row["p99_ms"] / floor["p99_ms"]
            measured.append(f"p99 {ratio:.2f} ({row['p99_ms']} vs {floor['p99_ms']} ms)")
            goals.append(f"p99 <= {p99_max:g}")
            met = met and ratio <= p99_max
        if cpu_max is not None:
            ratio = row["cpu_ms_per_req"] / floor["cpu_ms_per_req"]
            measured.append(f"CPU {ratio:.2f}")
            goals.append(f"CPU per request <= {cpu_max:g}")
            met = met and ratio <= cpu_max
        name = f"{row['framework']} {row['endpoint']} {row['database']} {row['workers']}w / floor"
        verdicts.append(_verdict(name, ", ".join(measured), ", ".join(goals) + ", 0 errors", met))
    return verdicts


def check_observability(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue #19's targets: CPU per request of a variant as a ratio to everything off."""
    verdicts = []
    for row in results.get("observability", {}).get("rows", []):
        limit = OBSERVABILITY_TARGETS.get((row.get("variant", ""), row.get("endpoint", "")))
        ratio = row.get("cpu_ratio_paired", row.get("cpu_ratio_to_off"))
        if limit is None or ratio is None:
            continue
        verdicts.append(
            _verdict(
                f"{row['framework']} {row['endpoint']} {row['variant']} / off (CPU per request)",
                f"{ratio:.3f} (pooled {row.get('cpu_ratio_to_off')})",
                f"<= {limit:g}",
                ratio <= limit and row["errors"] == 0,
            )
        )
    return verdicts


def _verdict(target: str, measured: Any, goal: str, met: bool) -> dict[str, Any]:
    return {"target": target, "measured": measured, "goal": goal, "met": "yes" if met else "MISSED"}


def render_text(results: dict[str, Any]) -> str:
    parts = []
    if "render" in results:
        parts.append("Render: copier copy --defaults (seconds, median of hyperfine runs)")
        parts.append(
            table(
                results["render"]["rows"],
                [
                    "name",
                    "median_s",
                    "mean_s",
                    "stddev_s",
                    "min_s",
                    "runs",
                    "ratio_to_floor",
                    "cpu_s",
                    "cpu_ratio_to_floor",
                ],
            )
        )
    if "green" in results:
        parts.append(
            "Time to green: copier copy -> uv sync -> uv run pytest (warm uv cache; seconds)"
        )
        parts.append(
            table(
                results["green"]["rows"],
                [
                    "framework",
                    "total_s",
                    "copy_s",
                    "sync_s",
                    "test_s",
                    "copy_share",
                    "sync_share",
                    "test_share",
                    "cpu_s",
                    "runs",
                ],
            )
        )
    if "load" in results:
        load = results["load"]
        parts.append(
            f"Load: wrk, {load['connections']} connections, {load['duration_s']:g} s per cell "
            f"after {load['warmup_s']:g} s warm-up; memory = peak PSS of the server's process tree"
        )
        parts.append(
            table(
                load["rows"],
                [
                    "framework",
                    "database",
                    "workers",
                    "endpoint",
                    "app",
                    "rps",
                    "p50_ms",
                    "p99_ms",
                    "errors",
                    "cpu_ms_per_req",
                    "peak_mem_mb",
                    "rps_ratio_to_floor",
                    "cpu_ratio_to_floor",
                ],
            )
        )
    if "observability" in results:
        cost = results["observability"]
        parts.append(
            f"Observability cost: {cost['database']}, {cost['workers']} worker, wrk "
            f"{cost['connections']} connections, {cost['duration_s']:g} s bursts, "
            f"{cost['rounds']} round(s); ratios are to the same framework's `off`; the trace "
            f"sink received {cost.get('trace_exports', 0)} exports, "
            f"{cost.get('trace_bytes', 0):,} bytes"
        )
        parts.append(
            table(
                [row for row in cost["rows"] if "error" not in row],
                [
                    "framework",
                    "endpoint",
                    "variant",
                    "rps",
                    "rps_ratio_to_off",
                    "cpu_ms_per_req",
                    "cpu_ratio_to_off",
                    "cpu_ratio_paired",
                    "cpu_ms_per_req_spread",
                    "p99_ms",
                    "errors",
                ],
            )
        )
    failures = [
        row
        for section in ("green", "load", "observability")
        for row in results.get(section, {}).get("rows", [])
        if "error" in row
    ]
    if failures:
        parts.append("Failures (details in the JSON)")
        parts.append("\n".join(f"- {row}"[:400] for row in failures))
    verdicts = check_targets(results) + check_observability(results)
    if verdicts:
        parts.append("Targets (issues #8, #19 and #22)")
        parts.append(table(verdicts, ["target", "measured", "goal", "met"]))
    return "\n\n".join(parts)


def write_json(results: dict[str, Any], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"{stamp}.json"
    document = {
        "created": stamp,
        "machine": machine(),
        **results,
        "targets": check_targets(results) + check_observability(results),
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def machine() -> dict[str, Any]:
    import os  # noqa: PLC0415

    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }
