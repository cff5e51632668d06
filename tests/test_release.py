"""Releases recorded in releases.toml and their tags (scripts/release.py), and the README's
"How to cut a release" followed end to end in a clone that starts without a single tag."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scripts import release

from .lifecycle import GIT_ENV, RELEASES, TemplateClone, commit_all, git
from .rendering import TEMPLATE

README = (TEMPLATE / "README.md").read_text()


def run(cwd: Path, command: str) -> subprocess.CompletedProcess[str]:
    """A shell command as the README writes it, with a git identity."""
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=False,
    )


def documented(command: str) -> str:
    """The command, after checking that the README gives it (with vX.Y.Z for the version)."""
    assert re.sub(r"v\d+\.\d+\.\d+", "vX.Y.Z", command) in README, command
    return command


def test_the_releases_are_the_commits_the_history_shows() -> None:
    """v0.1.0 is the commit the whole v0.2.0 work started from; v0.2.0 is the commit that
    cut its CHANGELOG section (see the comments in releases.toml)."""
    assert [(item.version, item.commit[:7]) for item in RELEASES] == [
        ("v0.1.0", "45f4f92"),
        ("v0.2.0", "86b5b00"),
    ]
    if git(TEMPLATE, "rev-parse", "--is-shallow-repository").strip() == "true":
        pytest.skip("a shallow checkout lacks the release commits")
    assert release.check(TEMPLATE) == []
    first, second = RELEASES
    # Every commit of the v0.2.0 work (86 of them, over parallel branches) descends from
    # v0.1.0's: it is where that work started.
    between = git(TEMPLATE, "rev-list", f"{first.commit}..{second.commit}").split()
    descendants = git(
        TEMPLATE, "rev-list", "--ancestry-path", f"{first.commit}..{second.commit}"
    ).split()
    assert between
    assert sorted(between) == sorted(descendants)
    cut = git(TEMPLATE, "show", second.commit, "--", "CHANGELOG.md")
    assert "+## v0.2.0 (2026-11-26)" in cut


def test_load_refuses_a_malformed_record(tmp_path: Path) -> None:
    (tmp_path / "releases.toml").write_text(
        '[[release]]\nversion = "v0.2.0"\ncommit = "' + "a" * 40 + '"\ndate = "2026-01-01"\n'
        '[[release]]\nversion = "v0.1.0"\ncommit = "' + "b" * 40 + '"\ndate = "2026-01-02"\n'
    )
    with pytest.raises(release.ReleaseError, match="ascending"):
        release.load(tmp_path)
    (tmp_path / "releases.toml").write_text(
        '[[release]]\nversion = "v0.1.0"\ncommit = "45f4f92"\ndate = "2026-01-01"\n'
    )
    with pytest.raises(release.ReleaseError, match="40-digit"):
        release.load(tmp_path)


@pytest.fixture
def bare_origin(untagged_template_clone: TemplateClone, tmp_path: Path) -> Path:
    """The template's repository after a move that kept main's commits and no tag."""
    git(tmp_path, "clone", "--quiet", "--bare", str(untagged_template_clone.path), "origin.git")
    origin = tmp_path / "origin.git"
    assert not git(origin, "tag", "--list").strip()
    git(origin, "branch", "--move", git(origin, "symbolic-ref", "--short", "HEAD").strip(), "main")
    return origin


def test_tags_are_recreated_idempotently_and_never_moved(bare_origin: Path, tmp_path: Path) -> None:
    git(tmp_path, "clone", "--quiet", str(bare_origin), "work")
    work = tmp_path / "work"
    first = run(work, "python3 scripts/release.py tags")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        f"{item.version}: tagged {item.commit[:12]}" for item in RELEASES
    ]
    for item in RELEASES:
        assert git(work, "rev-parse", f"{item.version}^{{commit}}").strip() == item.commit
        assert git(work, "cat-file", "-t", item.version).strip() == "tag"  # annotated
    objects = git(work, "rev-parse", *(item.version for item in RELEASES))

    again = run(work, "python3 scripts/release.py tags")
    assert again.returncode == 0
    assert all(line.endswith(")") and ": kept (on " in line for line in again.stdout.splitlines())
    assert git(work, "rev-parse", *(item.version for item in RELEASES)) == objects

    # A tag made on another commit (by hand, or by a bad rewrite) is refused, not moved.
    git(work, "tag", "--delete", RELEASES[0].version)
    git(work, "tag", RELEASES[0].version, "HEAD")
    refused = run(work, "python3 scripts/release.py tags")
    assert refused.returncode == 1
    assert f"tag {RELEASES[0].version} is on " in refused.stderr
    assert "never moved" in refused.stderr
    assert git(work, "rev-parse", f"{RELEASES[0].version}^{{commit}}") == git(
        work, "rev-parse", "HEAD^{commit}"
    )


def test_a_shallow_clone_is_told_to_fetch_the_history(bare_origin: Path, tmp_path: Path) -> None:
    git(tmp_path, "clone", "--quiet", "--depth=1", f"file://{bare_origin}", "shallow")
    result = run(tmp_path / "shallow", "python3 scripts/release.py tags")
    assert result.returncode == 1
    assert "git fetch --unshallow" in result.stderr


def test_a_fresh_clone_without_tags_cuts_a_release_by_the_readme(
    bare_origin: Path, tmp_path: Path
) -> None:
    git(tmp_path, "clone", "--quiet", str(bare_origin), "work")
    work = tmp_path / "work"

    # Step 1: tags back, then the changes since the last release.
    assert run(work, documented("python3 scripts/release.py tags")).returncode == 0
    since = run(work, documented('git log --oneline "$(git describe --tags --abbrev=0)"..'))
    assert since.returncode == 0, since.stderr
    assert "working tree" in since.stdout  # the commit the lifecycle clone made on top
    assert git(work, "describe", "--tags", "--abbrev=0").strip() == RELEASES[-1].version

    # Step 3: the CHANGELOG section, committed as the release commit.
    version = "v0.3.0"
    today = datetime.now(tz=UTC).date().isoformat()
    changelog = work / "CHANGELOG.md"
    text = changelog.read_text()
    assert "## Unreleased\n" in text
    changelog.write_text(
        text.replace("## Unreleased\n", f"## Unreleased\n\n## {version} ({today})\n", 1)
    )
    refused = run(work, f"python3 scripts/release.py add {version}")
    assert refused.returncode == 1
    assert "pyproject.toml says version" in refused.stderr
    pyproject = work / "pyproject.toml"
    declared = f'version = "{RELEASES[-1].version[1:]}"'
    assert declared in pyproject.read_text()
    pyproject.write_text(pyproject.read_text().replace(declared, f'version = "{version[1:]}"', 1))
    refused = run(work, f"python3 scripts/release.py add {version}")
    assert refused.returncode == 1
    assert "is not committed" in refused.stderr
    assert run(work, documented(f'git commit -am "Release {version}"')).returncode == 0
    release_commit = git(work, "rev-parse", "HEAD").strip()

    # Step 4: record, tag, commit the record, push both.
    added = run(work, documented(f"python3 scripts/release.py add {version}"))
    assert added.returncode == 0, added.stderr
    assert f"{version}: tagged {release_commit[:12]}" in added.stdout
    assert (
        run(work, documented(f'git commit -m "releases.toml: {version}" releases.toml')).returncode
        == 0
    )
    pushed = run(work, documented(f"git push origin main {version}"))
    assert pushed.returncode == 0, pushed.stderr
    assert run(work, "python3 scripts/release.py check").returncode == 0
    assert release.load(work)[-1] == release.Release(version, release_commit, today)

    # The same version again, or an older one, is refused.
    assert run(work, f"python3 scripts/release.py add {version}").returncode == 1

    # Anyone's fresh clone, tags or not, gets every release back on its commit.
    git(tmp_path, "clone", "--quiet", "--no-tags", str(bare_origin), "fresh")
    fresh = tmp_path / "fresh"
    assert run(fresh, "python3 scripts/release.py tags").returncode == 0
    assert git(fresh, "rev-parse", f"{version}^{{commit}}").strip() == release_commit
    assert git(fresh, "describe", "--tags", "--abbrev=0", "HEAD~1").strip() == version
    commit_all(fresh, "after the release")  # a later commit describes from the new tag
    assert git(fresh, "describe", "--tags").strip().startswith(f"{version}-")


def test_the_command_line_reports_problems_without_a_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(TEMPLATE / "scripts/release.py"), "--root", str(tmp_path), "tags"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
