"""Template migrations (copier.yml `_migrations`, extensions/migrations/): unit tests on
answers files, the wiring in copier.yml, and one real `copier update` across v0.2.0."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from packaging.version import Version

from extensions.migrations import v0_2_0

from .lifecycle import TemplateClone, as_asked_by, commit_all, copier_update, git
from .rendering import TEMPLATE

# An answers file as copier 9.19 writes it for the v0.1.0 template.
V0_1_0_ANSWERS = """\
# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY
_commit: v0.1.0
_src_path: gh:example/python-service-template
auth: jwt
author_email: payments@example.com
author_name: Payments Squad
ci: github
database: sqlite
default_branch: main
description: A production-ready backend service with a description long enough to be
    wrapped by the YAML writer onto a second line.
framework: fastapi
package_name: payments
project_name: Payments
python_version: '3.13'
"""


def test_v0_2_0_renames_the_owner_answers() -> None:
    migrated = v0_2_0.rename_answers(V0_1_0_ANSWERS, v0_2_0.RENAMED)
    before, after = yaml.safe_load(V0_1_0_ANSWERS), yaml.safe_load(migrated)
    assert after["team_name"] == "Payments Squad"
    assert after["team_email"] == "payments@example.com"
    assert "author_name" not in after
    assert "author_email" not in after
    unchanged = set(before) - set(v0_2_0.RENAMED)
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}
    assert migrated.startswith("# Changes here will be overwritten by Copier")


def test_v0_2_0_is_idempotent() -> None:
    once = v0_2_0.rename_answers(V0_1_0_ANSWERS, v0_2_0.RENAMED)
    assert v0_2_0.rename_answers(once, v0_2_0.RENAMED) == once


def test_v0_2_0_keeps_a_new_answer_that_is_already_there() -> None:
    both = V0_1_0_ANSWERS + "team_name: Checkout Team\n"
    migrated = yaml.safe_load(v0_2_0.rename_answers(both, v0_2_0.RENAMED))
    assert migrated["team_name"] == "Checkout Team"
    assert "author_name" not in migrated


def test_v0_2_0_leaves_other_files_alone(tmp_path: Path) -> None:
    current = tmp_path / ".copier-answers.yml"
    current.write_text("_commit: v0.2.0\nteam_name: A\n")
    assert v0_2_0.migrate(current) is False
    assert current.read_text() == "_commit: v0.2.0\nteam_name: A\n"
    assert v0_2_0.migrate(tmp_path / "missing.yml") is False


def test_v0_2_0_runs_as_copier_runs_it(tmp_path: Path) -> None:
    """A script run by copier's interpreter, in the project, with the answers file's path."""
    (tmp_path / ".copier-answers.custom.yml").write_text(V0_1_0_ANSWERS)
    script = TEMPLATE / "extensions/migrations/v0_2_0.py"
    for _ in range(2):
        subprocess.run(
            [sys.executable, str(script), ".copier-answers.custom.yml"], cwd=tmp_path, check=True
        )
    answers = yaml.safe_load((tmp_path / ".copier-answers.custom.yml").read_text())
    assert answers["team_name"] == "Payments Squad"


def test_every_migration_is_wired_to_a_script_of_its_release() -> None:
    config = yaml.safe_load((TEMPLATE / "copier.yml").read_text())
    migrations = config["_migrations"]
    assert migrations
    for migration in migrations:
        version = migration["version"]
        assert re.fullmatch(r"v\d+\.\d+\.\d+", version), version
        assert Version(version) > Version("v0.1.0")  # the first release needs none
        assert migration["when"] == "{{ _stage == 'before' }}"
        python, script, answers = migration["command"]
        assert python == "{{ _copier_python }}"  # no shell, no interpreter from PATH
        assert answers == "{{ _copier_conf.answers_file }}"
        name = script.removeprefix("{{ _copier_conf.src_path }}/")
        assert name == f"extensions/migrations/{version.replace('.', '_')}.py"
        assert (TEMPLATE / name).is_file()


def test_update_from_the_previous_release_carries_renamed_answers(
    template_clone: TemplateClone, tmp_path: Path
) -> None:
    """The real thing: a v0.1.0 project keeps its owner answers under the new names."""
    if not git(template_clone.path, "tag", "--list", "v0.1.0").strip():
        pytest.skip("the tag v0.1.0 is not in this checkout")
    project = template_clone.render(
        tmp_path / "project",
        ref="v0.1.0",
        author_name="Payments Squad",
        author_email="payments@example.com",
    )
    commit_all(project, "v0.1.0 render")
    result = copier_update(project)
    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (answers["team_name"], answers["team_email"]) == (
        "Payments Squad",
        "payments@example.com",
    )
    assert not {"author_name", "author_email"} & set(answers)
    assert 'authors = [{ name = "Payments Squad"' in (project / "pyproject.toml").read_text()


def test_answers_are_named_as_each_release_asked_them() -> None:
    today = {"team_name": "A", "team_email": "a@example.com", "framework": "flask"}
    assert as_asked_by("v0.1.0", today) == {
        "author_name": "A",
        "author_email": "a@example.com",
        "framework": "flask",
    }
    assert as_asked_by("v0.2.0", today) == today
