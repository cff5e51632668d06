"""The generated scripts/template_drift.py, run as the scheduled CI jobs run it, on
repositories that are behind, current, drifted, or both."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from .lifecycle import GIT_ENV, PREVIOUS, TemplateClone, commit_all, git, make_template_clone
from .projects import uv_env
from .rendering import BIN, TEMPLATE, python_for, render

SCRIPT = TEMPLATE / "template/scripts/template_drift.py"
CURRENT, UPDATE_AVAILABLE, DRIFT, BOTH = 0, 10, 11, 12


def drift(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The script as CI runs it (`uv run` gives it the pinned copier; here, this venv's)."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=project,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def behind(template_clone: TemplateClone, tmp_path: Path) -> Path:
    project = template_clone.render(tmp_path / "behind", ref=PREVIOUS, framework="flask")
    commit_all(project, f"{PREVIOUS} render")
    return project


@pytest.fixture
def current(template_clone: TemplateClone, tmp_path: Path) -> Path:
    project = template_clone.render(tmp_path / "current", ci="gitlab")
    commit_all(project, "render")
    return project


def test_current_repository_passes(current: Path) -> None:
    result = drift(current)
    assert result.returncode == CURRENT, result.stdout + result.stderr
    assert "is the newest" in result.stdout
    assert "Every template file matches" in result.stdout
    assert not git(current, "worktree", "list", "--porcelain").count("worktree ") > 1


def test_repository_behind_the_newest_release_is_reported(behind: Path) -> None:
    result = drift(behind)
    assert result.returncode == UPDATE_AVAILABLE, result.stdout + result.stderr
    previous = PREVIOUS.removeprefix("v")
    assert f"release 999.0.0 is out; this project is on {previous}." in result.stdout
    assert "Every template file matches" in result.stdout


def test_local_drift_is_reported_file_by_file(current: Path) -> None:
    readme = current / "README.md"
    readme.write_text(readme.read_text().replace("## Quickstart", "## Getting started"))
    (current / "compose.yaml").unlink()
    (current / ".env").write_text("LOG_LEVEL=DEBUG\n")  # the project's own: never reported
    (current / "src/my_service/reports.py").write_text('"""Ours."""\n')  # not the template's
    commit_all(current, "local changes")
    (current / "Dockerfile").write_text("uncommitted changes are not looked at\n")

    result = drift(current)
    assert result.returncode == DRIFT, result.stdout + result.stderr
    reported = re.findall(r"^  - `(.+)`$", result.stdout, re.MULTILINE)
    assert sorted(reported) == ["?? compose.yaml", "M README.md"]


def test_behind_and_drifted(behind: Path) -> None:
    (behind / "README.md").write_text("# Ours now\n")
    commit_all(behind, "edit README")
    result = drift(behind)
    assert result.returncode == BOTH, result.stdout + result.stderr


def test_step_summary_is_written_on_github(current: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=current,
        env={**os.environ, **GIT_ENV, "GITHUB_STEP_SUMMARY": str(summary)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == CURRENT, result.stderr
    assert summary.read_text().startswith("## Template status")


def test_update_mode_brings_a_behind_repository_to_the_newest_release(behind: Path) -> None:
    result = drift(behind, "update")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conflict:" not in result.stdout
    assert yaml.safe_load((behind / ".copier-answers.yml").read_text())["_commit"] == "v999.0.0"
    commit_all(behind, "template update")
    assert drift(behind).returncode == CURRENT


def test_unreachable_template_is_an_error_not_a_pass(current: Path) -> None:
    answers = current / ".copier-answers.yml"
    answers.write_text(
        re.sub(r"_src_path: .*", "_src_path: /nonexistent/template", answers.read_text())
    )
    commit_all(current, "template moved")
    result = drift(current)
    assert result.returncode == 1
    assert "template_drift:" in result.stderr


def test_script_pins_the_copier_the_template_requires() -> None:
    """uv reads the script's inline metadata: the same copier as copier.yml and this repo."""
    block = re.search(r"^# /// script\n(.*?)^# ///$", SCRIPT.read_text(), re.DOTALL | re.MULTILINE)
    assert block is not None
    metadata = tomllib.loads(
        "\n".join(line.removeprefix("# ") for line in block.group(1).splitlines())
    )
    config = yaml.safe_load((TEMPLATE / "copier.yml").read_text())
    dev = tomllib.loads((TEMPLATE / "pyproject.toml").read_text())["dependency-groups"]["dev"]
    pinned = {requirement.split("==")[0]: requirement for requirement in metadata["dependencies"]}
    assert pinned["copier"] == f"copier=={config['_min_copier_version']}"
    assert pinned["copier"] in dev
    assert pinned["copier-template-extensions"] in dev


@pytest.mark.parametrize("ci", ["github", "gitlab", "none"])
def test_drift_and_update_jobs_per_ci_provider(tmp_path: Path, ci: str) -> None:
    project = render(tmp_path / "project", ci=ci)
    assert (project / "scripts/template_drift.py").read_bytes() == SCRIPT.read_bytes()
    readme = (project / "README.md").read_text()
    for text in (
        "copier update --trust --skip-answered --defaults",
        "--conflict inline",
        "--conflict rej",
        "git add",
        "Files your project owns",
        "uv run scripts/template_drift.py",
    ):
        assert text in readme, text
    if ci == "github":
        workflows = project / ".github/workflows"
        for name, triggers, permissions in (
            ("template-drift.yml", {"schedule", "workflow_dispatch"}, {"contents": "read"}),
            (
                "template-update.yml",
                {"schedule", "workflow_dispatch"},
                {"contents": "write", "pull-requests": "write"},
            ),
        ):
            workflow = yaml.safe_load((workflows / name).read_text())
            assert set(workflow[True]) == triggers  # YAML 1.1 reads the key `on` as True
            assert workflow["permissions"] == {}
            (job,) = workflow["jobs"].values()
            assert job["permissions"] == permissions
            assert job["steps"][0]["with"]["persist-credentials"] is False
            commands = " ".join(step.get("run", "") for step in job["steps"])
            assert "uv run" in commands
            assert "scripts/template_drift.py" in commands
        update = yaml.safe_load((workflows / "template-update.yml").read_text())
        assert "vars.TEMPLATE_UPDATE_PR == 'true'" in update["jobs"]["update"]["if"]
    elif ci == "gitlab":
        pipeline = yaml.safe_load((project / ".gitlab-ci.yml").read_text())
        assert pipeline["template-drift"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
        assert pipeline["template-drift"]["script"] == ["uv run scripts/template_drift.py check"]
        assert pipeline["template-update"]["rules"] == [
            {"if": '$CI_PIPELINE_SOURCE == "schedule" && $TEMPLATE_UPDATE_MR == "true"'}
        ]
    else:
        assert not (project / ".github").exists()
        assert not (project / ".gitlab-ci.yml").exists()


def job_command(project: Path) -> str:
    """The drift job's command line, from the rendered CI file."""
    if (project / ".gitlab-ci.yml").exists():
        (command,) = yaml.safe_load((project / ".gitlab-ci.yml").read_text())["template-drift"][
            "script"
        ]
        return str(command)
    workflow = yaml.safe_load((project / ".github/workflows/template-drift.yml").read_text())
    (command,) = [step["run"] for step in workflow["jobs"]["drift"]["steps"] if "run" in step]
    return str(command)


@pytest.mark.slow
@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_the_ci_jobs_own_command_on_current_then_behind(tmp_path: Path, ci: str) -> None:
    """The job's command verbatim (`uv run` resolves the pinned copier from the package
    index), on a project that is current, then behind once the template releases again."""
    clone = make_template_clone(tmp_path / "clone")
    project = clone.render(tmp_path / "project", ci=ci)
    commit_all(project, "render")
    command = job_command(project)
    assert "scripts/template_drift.py" in command

    # The job's image provides the project's Python; here it is pyenv's, whose shims are
    # broken on these machines: put the interpreter itself on PATH and the shims off it.
    version = yaml.safe_load((project / ".copier-answers.yml").read_text())["python_version"]
    interpreter = python_for(version)
    assert interpreter, f"no Python {version} here"
    search = [part for part in os.environ["PATH"].split(":") if "pyenv/shims" not in part]
    path = ":".join([str(BIN), str(Path(interpreter).parent), *search])

    def run_job() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", command],
            cwd=project,
            env=uv_env(PATH=path, **GIT_ENV),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    result = run_job()
    assert result.returncode == CURRENT, result.stdout + result.stderr
    (clone.path / "NEWS").write_text("a later release\n")
    commit_all(clone.path, "a later release")
    git(clone.path, "tag", "v999.1.0")
    result = run_job()
    assert result.returncode == UPDATE_AVAILABLE, result.stdout + result.stderr
    assert "999.1.0 is out" in result.stdout
