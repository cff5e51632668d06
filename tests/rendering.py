"""Rendering the template for its tests: the working tree with copier, the combinations
copier.yml accepts, the tools of this environment. Plain functions, imported by the test
modules and by tests/lifecycle.py (conftest.py keeps only the fixtures)."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from copier import run_copy

from extensions.catalog import PYTHON_VERSIONS
from extensions.refusals import refusal, supported

TEMPLATE = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def accepted_combinations() -> Iterator[dict[str, str]]:
    """Every answer set copier.yml accepts on the axes that change what is rendered."""
    for framework, database, auth, ci, python in itertools.product(
        supported("framework"),
        supported("database"),
        supported("auth"),
        supported("ci"),
        PYTHON_VERSIONS,
    ):
        if refusal("database", database, framework) or refusal("auth", auth, framework):
            continue
        yield {
            "framework": framework,
            "database": database,
            "auth": auth,
            "ci": ci,
            "python_version": python,
        }


def jobs_combinations() -> Iterator[dict[str, str]]:
    """Every framework x database x auth with background jobs (jobs=celery), the CI provider
    and the Python version taking turns: the jobs' files depend on those three only."""
    others = itertools.cycle(itertools.product(supported("ci"), PYTHON_VERSIONS))
    for stack in accepted_stacks():
        ci, python = next(others)
        yield {**stack, "ci": ci, "python_version": python, "jobs": "celery"}


def accepted_stacks() -> Iterator[dict[str, str]]:
    """Every framework x database x auth the questionnaire accepts."""
    for framework, database, auth in itertools.product(
        supported("framework"), supported("database"), supported("auth")
    ):
        if not (refusal("database", database, framework) or refusal("auth", auth, framework)):
            yield {"framework": framework, "database": database, "auth": auth}


def combination_id(answers: Mapping[str, str]) -> str:
    keys = ("framework", "database", "auth", "ci", "python_version")
    jobs = [f"jobs={answers['jobs']}"] if answers.get("jobs", "none") != "none" else []
    return "-".join([*(answers[key] for key in keys), *jobs])


def render(destination: Path, **answers: Any) -> Path:
    """Render the working tree of the template (uncommitted changes included) with defaults."""
    run_copy(
        str(TEMPLATE),
        destination,
        data=answers,
        defaults=True,
        unsafe=True,
        vcs_ref="HEAD",
        quiet=True,
    )
    return destination


def copier_cli(*args: str, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the copier command line of this environment, as a user would."""
    return subprocess.run(
        [str(BIN / "copier"), *args],
        capture_output=True,
        text=True,
        input=input_text,
        timeout=120,
        check=False,
    )


def python_for(version: str) -> str | None:
    """A Python interpreter of this version: on PATH, or under pyenv (whose shims are broken)."""
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    for candidate in sorted(pyenv_root.glob(f"versions/{version}.*/bin/python{version}")):
        return str(candidate)
    return shutil.which(f"python{version}")
