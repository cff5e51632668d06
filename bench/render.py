"""Render time of `copier copy --defaults`, against the floor: the same copier rendering a
one-file template (a git repository, like ours, so both pay for copier's clone)."""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path
from typing import Any

from .tools import TEMPLATE, clean_env, copier

UNCACHED = " uncached"  # suffix of the row rendered with the compiled-template cache off
FLOOR_FILES = {
    "copier.yml": "_templates_suffix: .jinja\nname:\n  type: str\n  default: floor\n",
    "README.md.jinja": "# {{ name }}\n",
}


def make_floor_template(directory: Path) -> Path:
    """A one-question, one-file copier template, committed to a fresh git repository."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in FLOOR_FILES.items():
        (directory / name).write_text(text)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "floor"]):
        subprocess.run([*git, *command], cwd=directory, check=True, capture_output=True)
    return directory


def copy_command(template: Path, destination: Path, *data: str) -> list[str]:
    options = [f"--data={item}" for item in data]
    return [
        copier(),
        "copy",
        "--trust",
        "--defaults",
        "--quiet",
        "--vcs-ref=HEAD",
        *options,
        str(template),
        str(destination),
    ]


def template_is_dirty() -> bool:
    """copier commits a dirty checkout's changes in its clone: that costs time; say so."""
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=TEMPLATE, capture_output=True, text=True, check=False
    )
    return bool(status.stdout.strip())


def run(
    hyperfine: str, workdir: Path, frameworks: list[str], runs: int, warmup: int
) -> dict[str, Any]:
    """hyperfine the floor and `copier copy --defaults` of each framework, in one run."""
    floor = make_floor_template(workdir / "floor-template")
    out = workdir / "render-out"
    commands = {"floor": copy_command(floor, out / "floor")}
    for framework in frameworks:
        data = () if framework == "fastapi" else (f"framework={framework}",)
        commands[framework] = copy_command(TEMPLATE, out / framework, *data)
    # The first framework again with the compiled-template cache off: what a first render
    # on a new machine costs, and what the cache saves (extensions/context.py).
    first = frameworks[0]
    commands[f"{first}{UNCACHED}"] = [
        "env",
        "SERVICE_TEMPLATE_NO_CACHE=1",
        *commands[first],
    ]
    export = workdir / "render-hyperfine.json"
    arguments = [
        hyperfine,
        "--shell=none",
        f"--warmup={warmup}",
        f"--runs={runs}",
        f"--prepare=rm -rf {out}",
        f"--export-json={export}",
    ]
    for name, command in commands.items():
        arguments += ["--command-name", name, shlex.join(command)]
    # Bytecode on: the warm-up runs write copier's .pyc files, as a user's first run does.
    subprocess.run(arguments, check=True, env=clean_env(), stdout=subprocess.DEVNULL)
    return summarize(json.loads(export.read_text()), template_dirty=template_is_dirty())


def summarize(hyperfine_json: dict[str, Any], *, template_dirty: bool) -> dict[str, Any]:
    """Seconds per command and each framework's ratio to the floor (medians)."""
    results = {entry["command"]: entry for entry in hyperfine_json["results"]}
    floor = results["floor"]["median"]
    floor_cpu = _cpu(results["floor"])
    rows = []
    for name, entry in results.items():
        rows.append(
            {
                "name": name,
                "median_s": round(entry["median"], 4),
                "mean_s": round(entry["mean"], 4),
                "stddev_s": round(entry["stddev"] or 0.0, 4),
                "min_s": round(entry["min"], 4),
                "runs": len(entry["times"]),
                "ratio_to_floor": round(entry["median"] / floor, 2),
                # CPU time (user + system, mean): steadier than wall-clock time on a busy machine.
                "cpu_s": round(_cpu(entry), 4),
                "cpu_ratio_to_floor": round(_cpu(entry) / floor_cpu, 2) if floor_cpu else None,
            }
        )
    return {"rows": rows, "template_dirty": template_dirty}


def _cpu(entry: dict[str, Any]) -> float:
    return float(entry.get("user") or 0.0) + float(entry.get("system") or 0.0)
