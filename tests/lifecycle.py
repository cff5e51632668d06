"""Helpers for the lifecycle tests: the template as releases in a throwaway git clone.

`make_template_clone` clones this repository into a temporary directory and commits the
current working tree on top (uncommitted and untracked files included, like doodba's
cloned_template fixture). With tags (the default) it makes every release's tag from
releases.toml, as `scripts/release.py tags` does in CI, and tags the working tree `HEAD_TAG`,
so copier sees it as the newest release. Without tags it removes every tag: a template source
that lost its tags, which copier updates to its HEAD. A checkout whose history lacks a
recorded release commit (a shallow clone) skips these tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from copier import run_copy
from packaging.version import Version

from extensions.migrations import v0_2_0
from scripts import release

from .rendering import BIN, TEMPLATE

# Every recorded release, oldest first, and the newest one ("the previous release" of the
# working tree): update tests start from each, and other lifecycle tests from the newest.
RELEASES = release.load(TEMPLATE)
PREVIOUS = RELEASES[-1].version
# The working tree as a release newer than any real tag.
HEAD_TAG = "v999.0.0"

# Questions renamed by each release's migration script: {release: {old name: new name}}.
RENAMED_BY = {"v0.2.0": v0_2_0.RENAMED}


def as_asked_by(release: str, answers: dict[str, Any]) -> dict[str, Any]:
    """Today's answers under the question names an older release used."""
    for version, renamed in RENAMED_BY.items():
        if Version(release) < Version(version):
            old_names = {new: old for old, new in renamed.items()}
            answers = {old_names.get(key, key): value for key, value in answers.items()}
    return answers


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"git {' '.join(args)}\n{result.stdout}{result.stderr}"
    return result.stdout


def commit_all(project: Path, message: str) -> None:
    if not (project / ".git").exists():
        git(project, "init", "--quiet", "--initial-branch=main")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--allow-empty", "--message", message)


@dataclass(frozen=True)
class TemplateClone:
    path: Path
    tagged: bool = True

    def ref(self, version: str) -> str:
        """How copier is pointed at a release here: its tag, or its commit without tags."""
        if self.tagged:
            return version
        return next(item.commit for item in RELEASES if item.version == version)

    def render(self, destination: Path, ref: str = "HEAD", **answers: Any) -> Path:
        """Render the template at `ref` (a release's version or HEAD) with defaults and answers."""
        if ref == "HEAD" and self.tagged:
            ref = HEAD_TAG
        elif ref != "HEAD":
            ref = self.ref(ref)
        run_copy(
            str(self.path),
            destination,
            data=answers,
            defaults=True,
            unsafe=True,
            vcs_ref=ref,
            quiet=True,
        )
        return destination


def make_template_clone(destination: Path, *, tags: bool = True) -> TemplateClone:
    git(destination.parent, "clone", "--quiet", "--no-hardlinks", str(TEMPLATE), destination.name)
    for item in RELEASES:
        if release.resolve(destination, item.commit) != item.commit:
            pytest.skip(
                f"{item.version}'s commit {item.commit[:12]} is not in this checkout's "
                "history (shallow clone?): fetch the full history"
            )
    # The working tree exactly: tracked files as they are now, untracked ones not ignored.
    git(destination, "rm", "-r", "--quiet", "--cached", ".")
    for path in destination.iterdir():
        if path.is_dir() and path.name != ".git":
            shutil.rmtree(path)
        elif path.is_file():
            path.unlink()
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=TEMPLATE,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = TEMPLATE / name
        if source.is_file():  # deleted but not yet staged files are skipped
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git(destination, "add", "--all")
    git(destination, "commit", "--quiet", "--allow-empty", "--message", "working tree")
    if tags:
        release.make_tags(destination)
        git(destination, "tag", HEAD_TAG)
    else:
        for tag in git(destination, "tag", "--list").split():
            git(destination, "tag", "--delete", tag)
    return TemplateClone(destination, tagged=tags)


def copier_update(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`copier update` as the generated README tells a user to run it."""
    return subprocess.run(
        [str(BIN / "copier"), "update", "--trust", "--skip-answered", "--defaults", *args],
        cwd=project,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def tree(project: Path) -> dict[str, bytes]:
    """A project's files by relative path: in a git repository, those git does not ignore
    (so not .venv or caches); otherwise every file."""
    if (project / ".git").exists():
        listed = git(project, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
        names = sorted(name for name in set(listed.split("\0")) if name)
        return {name: (project / name).read_bytes() for name in names if (project / name).is_file()}
    return {
        path.relative_to(project).as_posix(): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file()
    }
