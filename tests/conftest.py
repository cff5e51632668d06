"""Fixtures shared by the template's tests; the helpers they use are in tests/rendering.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from .lifecycle import TemplateClone, make_template_clone
from .rendering import render


@pytest.fixture(scope="session")
def default_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("default") / "project")


@pytest.fixture(scope="session")
def template_clone(tmp_path_factory: pytest.TempPathFactory) -> TemplateClone:
    """This repository in a temporary clone: every release tagged, the working tree committed
    on top as the newest release (see tests/lifecycle.py)."""
    return make_template_clone(tmp_path_factory.mktemp("template") / "clone")


@pytest.fixture(scope="session")
def untagged_template_clone(tmp_path_factory: pytest.TempPathFactory) -> TemplateClone:
    """The same, without a single tag: a template source that lost them (issue #18)."""
    return make_template_clone(tmp_path_factory.mktemp("template") / "untagged", tags=False)
