"""The template's releases: recorded in releases.toml, tagged in git from that record.

A repository that moves keeps main's commits but not always its tags, and generated projects
name the release they came from. So the list of releases lives in the repository, and the
tags are made from it:

    python3 scripts/release.py tags          # recreate missing tags (idempotent)
    python3 scripts/release.py add v0.3.0    # record HEAD as a new release and tag it
    python3 scripts/release.py check         # releases.toml agrees with CHANGELOG and history

A tag that exists on another commit than the record says is refused, never moved: projects
record tags, so a moved tag would silently change what they were rendered from. Standard
library only, so a fresh clone runs it before anything is installed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RELEASES = "releases.toml"
CHANGELOG = "CHANGELOG.md"
PYPROJECT = "pyproject.toml"
VERSION = re.compile(r"v(\d+)\.(\d+)\.(\d+)")
# "## v0.2.0 (2026-11-26)", as "How to cut a release" names the section.
HEADING = re.compile(r"^## (v\d+\.\d+\.\d+) \((\d{4}-\d{2}-\d{2})\)\s*$", re.MULTILINE)
# Recreated tags are the same object wherever they are made: a fixed tagger, and the
# release commit's own date.
TAGGER = {
    "GIT_COMMITTER_NAME": "python-service-template",
    "GIT_COMMITTER_EMAIL": "releases@invalid",
}


class ReleaseError(Exception):
    """Something the maintainer must fix; the message says what and how."""


@dataclass(frozen=True)
class Release:
    version: str
    commit: str
    date: str

    @property
    def key(self) -> tuple[int, ...]:
        match = VERSION.fullmatch(self.version)
        assert match is not None  # checked by load()
        return tuple(int(part) for part in match.groups())


def load(root: Path = ROOT) -> list[Release]:
    """The recorded releases, oldest first; malformed or unordered entries are an error."""
    try:
        data = tomllib.loads((root / RELEASES).read_text(encoding="utf-8"))
        releases = [Release(**entry) for entry in data.get("release", [])]
    except (OSError, tomllib.TOMLDecodeError, TypeError) as error:
        raise ReleaseError(f"{root / RELEASES}: {error}") from error
    for release in releases:
        if not VERSION.fullmatch(release.version):
            raise ReleaseError(f"{RELEASES}: {release.version!r} is not vMAJOR.MINOR.PATCH")
        if not re.fullmatch(r"[0-9a-f]{40}", release.commit):
            raise ReleaseError(f"{RELEASES}: {release.version} needs the full 40-digit commit")
        try:
            date.fromisoformat(release.date)
        except ValueError as error:
            raise ReleaseError(f"{RELEASES}: {release.version}: {error}") from error
    keys = [release.key for release in releases]
    if keys != sorted(set(keys)):
        raise ReleaseError(f"{RELEASES}: versions must be unique and in ascending order")
    return releases


def git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=root,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def resolve(root: Path, revision: str) -> str | None:
    """The commit a revision names, or None when this clone does not have it."""
    result = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or None


def _missing_commit(release: Release, root: Path) -> ReleaseError:
    shallow = git(root, "rev-parse", "--is-shallow-repository") == "true"
    hint = "this clone is shallow: `git fetch --unshallow`" if shallow else "fetch main"
    return ReleaseError(
        f"{release.version}: commit {release.commit[:12]} is not in this clone ({hint})"
    )


def make_tag(release: Release, root: Path = ROOT) -> str:
    """Create the release's annotated tag, keep it if it is right, refuse it if it is not."""
    if resolve(root, release.commit) != release.commit:
        raise _missing_commit(release, root)
    existing = resolve(root, f"refs/tags/{release.version}")
    if existing == release.commit:
        return f"{release.version}: kept (on {release.commit[:12]})"
    if existing is not None:
        raise ReleaseError(
            f"tag {release.version} is on {existing[:12]}, but {RELEASES} records "
            f"{release.commit[:12]}: a release tag is never moved. Find out which is right; "
            f"if the tag is wrong and unpublished, delete it (git tag -d {release.version}) "
            "and run this again."
        )
    when = git(root, "show", "--no-patch", "--format=%cI", release.commit)
    git(
        root,
        *("tag", "--annotate", "--message", f"Release {release.version}", release.version),
        release.commit,
        env={**TAGGER, "GIT_COMMITTER_DATE": when},
    )
    return f"{release.version}: tagged {release.commit[:12]}"


def make_tags(root: Path = ROOT) -> list[str]:
    """Every recorded release tagged; nothing changes where every tag is already right."""
    return [make_tag(release, root) for release in load(root)]


def changelog_releases(root: Path = ROOT) -> dict[str, str]:
    """{version: date} of the CHANGELOG's release headings."""
    text = (root / CHANGELOG).read_text(encoding="utf-8")
    return dict(HEADING.findall(text))


def project_version(root: Path = ROOT) -> str | None:
    """The version pyproject.toml gives the template, as vMAJOR.MINOR.PATCH (None without one)."""
    path = root / PYPROJECT
    if not path.is_file():
        return None
    return "v" + str(tomllib.loads(path.read_text(encoding="utf-8"))["project"]["version"])


def _key(version: str) -> tuple[int, ...]:
    match = VERSION.fullmatch(version)
    return tuple(int(part) for part in match.groups()) if match else (-1,)


def check(root: Path = ROOT) -> list[str]:
    """Problems with the record: empty when releases.toml, CHANGELOG.md and history agree."""
    problems = []
    releases = load(root)
    recorded = {release.version: release.date for release in releases}
    headed = changelog_releases(root)
    for version in sorted(set(recorded) | set(headed)):
        if version not in recorded:
            problems.append(f"{CHANGELOG} has a {version} section that {RELEASES} lacks")
        elif version not in headed:
            problems.append(f"{RELEASES} records {version}, {CHANGELOG} has no section for it")
        elif recorded[version] != headed[version]:
            problems.append(
                f"{version}: dated {recorded[version]} in {RELEASES}, {headed[version]} in {CHANGELOG}"
            )
    declared = project_version(root)
    newest = max(headed, key=_key, default=None)
    if declared is not None and newest is not None and declared != newest:
        problems.append(
            f"{PYPROJECT} says version {declared[1:]}, the newest release in {CHANGELOG} is "
            f"{newest}: set it (README: How to cut a release)"
        )
    head = resolve(root, "HEAD")
    for release in releases:
        if resolve(root, release.commit) != release.commit:
            problems.append(str(_missing_commit(release, root)))
        elif (
            head is not None
            and subprocess.run(
                ["git", "merge-base", "--is-ancestor", release.commit, head], cwd=root, check=False
            ).returncode
        ):
            problems.append(f"{release.version}: {release.commit[:12]} is not in HEAD's history")
    return problems


def add(version: str, root: Path = ROOT, revision: str = "HEAD") -> str:
    """Record a new release (the commit `revision` names) in releases.toml and tag it."""
    if not VERSION.fullmatch(version):
        raise ReleaseError(f"{version!r} is not vMAJOR.MINOR.PATCH")
    releases = load(root)
    commit = resolve(root, revision)
    if commit is None:
        raise ReleaseError(f"{revision} names no commit")
    headed = changelog_releases(root)
    if version not in headed:
        raise ReleaseError(
            f"{CHANGELOG} has no '## {version} (YYYY-MM-DD)' section: rename '## Unreleased' "
            "first and commit it (README: How to cut a release)"
        )
    declared = project_version(root)
    if declared not in {None, version}:
        raise ReleaseError(
            f"{PYPROJECT} says version {declared[1:] if declared else ''}: set it to "
            f"{version[1:]} in the release commit (README: How to cut a release)"
        )
    git_changelog = git(root, "show", f"{commit}:{CHANGELOG}")
    if f"## {version} (" not in git_changelog:
        raise ReleaseError(f"the {version} section of {CHANGELOG} is not committed in {revision}")
    release = Release(version, commit, headed[version])
    if releases and release.key <= releases[-1].key:
        raise ReleaseError(f"{version} is not newer than the last release, {releases[-1].version}")
    if any(existing.commit == commit for existing in releases):
        raise ReleaseError(f"{commit[:12]} is already a release")
    message = make_tag(release, root)
    with (root / RELEASES).open("a", encoding="utf-8") as file:
        file.write(
            f'\n[[release]]\nversion = "{version}"\ncommit = "{commit}"\ndate = "{release.date}"\n'
        )
    return f"{message}; recorded in {RELEASES}: commit it, then push main and the tag"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("tags", help="recreate the missing release tags from releases.toml")
    new = commands.add_parser("add", help="record a commit (HEAD) as a new release and tag it")
    new.add_argument("version", help="vMAJOR.MINOR.PATCH, with its CHANGELOG section committed")
    new.add_argument("--commit", default="HEAD", help="the release commit (default: HEAD)")
    commands.add_parser("check", help="releases.toml agrees with CHANGELOG.md and the history")
    args = parser.parse_args(argv)
    try:
        if args.command == "tags":
            print("\n".join(make_tags(args.root)))
        elif args.command == "add":
            print(add(args.version, args.root, args.commit))
        else:
            problems = check(args.root)
            for problem in problems:
                print(problem, file=sys.stderr)
            if problems:
                return 1
            print(f"{RELEASES}: {len(load(args.root))} releases, consistent")
    except ReleaseError as error:
        print(f"release: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
