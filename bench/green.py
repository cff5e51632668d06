"""Time to green: `copier copy` -> `uv sync` -> `uv run pytest` passing, per framework.

uv's cache is warmed first by an untimed install of the same project, so the figure is what a
developer sees on their second project, not the download of the internet.
"""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from .render import copy_command
from .tools import TEMPLATE, clean_env, python_for, uv

STEPS = ("copy", "sync", "test")


class StepFailedError(RuntimeError):
    pass


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _step(command: list[str], cwd: Path | None) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, all processes) of one command."""
    # pytest's temporary directories go under the project: other pytest sessions on the
    # machine share /tmp/pytest-of-<user> and can race its clean-up.
    env = clean_env(PYTEST_DEBUG_TEMPROOT=str(cwd)) if cwd else clean_env()
    started, cpu = time.perf_counter(), _children_cpu()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started, _children_cpu() - cpu
    if result.returncode != 0:
        msg = f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        raise StepFailedError(msg)
    return elapsed


def steps(project: Path, framework: str, python: str | None) -> dict[str, list[str]]:
    data = () if framework == "fastapi" else (f"framework={framework}",)
    sync = [uv(), "sync"] + (["--python", python] if python else [])
    return {
        "copy": copy_command(TEMPLATE, project, *data),
        "sync": sync,
        "test": [uv(), "run", "pytest", "-q", "-p", "no:cacheprovider"],
    }


def time_to_green(
    workdir: Path, framework: str, python: str | None
) -> dict[str, tuple[float, float]]:
    project = workdir / f"green-{framework}"
    shutil.rmtree(project, ignore_errors=True)
    commands = steps(project, framework, python)
    return {
        name: _step(command, None if name == "copy" else project)
        for name, command in commands.items()
    }


def run(workdir: Path, frameworks: list[str], runs: int, python_version: str) -> dict[str, Any]:
    python = python_for(python_version)
    rows = []
    for framework in frameworks:
        try:
            time_to_green(workdir, framework, python)  # warms uv's cache (and copier's .pyc)
            samples = [time_to_green(workdir, framework, python) for _ in range(runs)]
        except StepFailedError as error:
            # One framework's failure must not cost the others' numbers.
            rows.append({"framework": framework, "error": str(error)[-3000:]})
            continue
        rows.append(summarize(framework, samples))
    return {"rows": rows, "python": python or "uv's default"}


def summarize(framework: str, samples: list[dict[str, tuple[float, float]]]) -> dict[str, Any]:
    """Median seconds per step, their total, each step's share of it, and the CPU seconds."""
    medians = {step: statistics.median(sample[step][0] for sample in samples) for step in STEPS}
    cpu = {step: statistics.median(sample[step][1] for sample in samples) for step in STEPS}
    total = sum(medians.values())
    return {
        "framework": framework,
        "total_s": round(total, 2),
        "runs": len(samples),
        **{f"{step}_s": round(medians[step], 2) for step in STEPS},
        **{f"{step}_share": round(medians[step] / total, 3) for step in STEPS},
        "cpu_s": round(sum(cpu.values()), 2),
        **{f"{step}_cpu_s": round(cpu[step], 2) for step in STEPS},
    }
