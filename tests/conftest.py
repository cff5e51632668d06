"""Shared helpers for the template's tests: render with copier, find tools, list combinations."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from copier import run_copy

from extensions.catalog import PYTHON_VERSIONS
from extensions.refusals import refusal, supported

if TYPE_CHECKING:
    from .lifecycle import TemplateClone

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


def combination_id(answers: Mapping[str, str]) -> str:
    return "-".join(
        answers[key] for key in ("framework", "database", "auth", "ci", "python_version")
    )


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


@pytest.fixture(scope="session")
def default_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("default") / "project")


@pytest.fixture(scope="session")
def template_clone(tmp_path_factory: pytest.TempPathFactory) -> TemplateClone:
    """This repository in a temporary clone: every release tagged, the working tree committed
    on top as the newest release (see tests/lifecycle.py)."""
    from .lifecycle import make_template_clone  # noqa: PLC0415 (lifecycle imports this module)

    return make_template_clone(tmp_path_factory.mktemp("template") / "clone")


@pytest.fixture(scope="session")
def untagged_template_clone(tmp_path_factory: pytest.TempPathFactory) -> TemplateClone:
    """The same, without a single tag: a template source that lost them (issue #18)."""
    from .lifecycle import make_template_clone  # noqa: PLC0415

    return make_template_clone(tmp_path_factory.mktemp("template") / "untagged", tags=False)
