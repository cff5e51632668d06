# /// script
# requires-python = ">=3.11"
# dependencies = ["copier==9.19.1", "copier-template-extensions==0.3.4"]
# ///
"""Where this repository stands against the template it was generated from.

`check` (the default) answers two questions and exits non-zero when either is "yes":

* Is a newer template release out? (`copier check-update`)
* Have the template's files drifted from what the template renders at the recorded
  version? The committed tree is checked out into a throwaway git worktree, re-rendered
  there with the recorded answers (`copier recopy --vcs-ref=:current:`), and compared
  with git. Files the project owns (copier.yml `_skip_if_exists`) and files the template
  does not render are never reported.

`update` runs `copier update` to the newest release with the recorded answers and lists
the files left with conflicts. The scheduled CI jobs run both; see README.md.

Run it with `uv run scripts/template_drift.py [check|update]`: uv reads the pinned copier
above, so no project dependency is needed. Exit codes of `check`: 0 current and no drift,
10 update available, 11 drift, 12 both, 1 error.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ANSWERS_FILE = ".copier-answers.yml"
UPDATE_AVAILABLE, DRIFT, BOTH = 10, 11, 12


@dataclass
class Report:
    current: str = ""
    latest: str = ""
    update_available: bool = False
    drifted: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.update_available and self.drifted:
            return BOTH
        if self.update_available:
            return UPDATE_AVAILABLE
        return DRIFT if self.drifted else 0

    def markdown(self) -> str:
        if self.update_available:
            lines = [f"- Template release {self.latest} is out; this project is on {self.current}."]
        else:
            lines = [f"- The template release this project is on ({self.current}) is the newest."]
        if self.drifted:
            lines.append(
                f"- {len(self.drifted)} template file(s) differ from what the template renders "
                f"at {self.current} (status, path):"
            )
            lines += [f"  - `{entry}`" for entry in self.drifted]
        else:
            lines.append("- Every template file matches what the template renders.")
        return "\n".join(["## Template status", "", *lines, ""])


class CommandError(RuntimeError):
    def __init__(self, command: list[str], result: subprocess.CompletedProcess[str]) -> None:
        super().__init__(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def copier(*args: str) -> list[str]:
    """Copier from this interpreter's environment (the pinned one under `uv run`)."""
    return [sys.executable, "-m", "copier", *args]


def checked(command: list[str], cwd: Path) -> str:
    result = run(command, cwd)
    if result.returncode != 0:
        raise CommandError(command, result)
    return result.stdout


def check_update(project: Path, answers_file: str) -> tuple[str, str, bool]:
    """(current version, latest version, whether an update is available)."""
    output = checked(
        copier("check-update", "--answers-file", answers_file, "--output-format", "json"),
        project,
    )
    status = json.loads(output)
    return (
        str(status["current_version"]),
        str(status["latest_version"]),
        bool(status["update_available"]),
    )


def drift(project: Path, answers_file: str) -> list[str]:
    """`git status` lines of the committed tree re-rendered at its recorded template version."""
    with tempfile.TemporaryDirectory(prefix="template-drift-") as scratch:
        worktree = Path(scratch) / "render"
        checked(["git", "worktree", "add", "--quiet", "--detach", str(worktree), "HEAD"], project)
        try:
            checked(
                copier(
                    "recopy",
                    "--vcs-ref=:current:",
                    "--answers-file",
                    answers_file,
                    "--defaults",
                    "--overwrite",
                    "--skip-tasks",
                    "--trust",
                    "--quiet",
                    ".",
                ),
                worktree,
            )
            status = checked(["git", "status", "--porcelain", "--untracked-files=all"], worktree)
        finally:
            run(["git", "worktree", "remove", "--force", str(worktree)], project)
    return [line.strip() for line in status.splitlines() if line.strip()]


def check(project: Path, answers_file: str) -> Report:
    current, latest, available = check_update(project, answers_file)
    return Report(current, latest, available, drift(project, answers_file))


def update(project: Path, answers_file: str) -> list[str]:
    """Update to the newest template release; return the files left with conflicts."""
    checked(
        copier(
            "update",
            "--answers-file",
            answers_file,
            "--trust",
            "--skip-answered",
            "--defaults",
            "--conflict",
            "inline",
        ),
        project,
    )
    unmerged = checked(["git", "diff", "--name-only", "--diff-filter=U"], project)
    rejected = checked(["git", "ls-files", "--others", "--exclude-standard", "*.rej"], project)
    return sorted(set(unmerged.split()) | set(rejected.split()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("command", nargs="?", choices=["check", "update"], default="check")
    parser.add_argument("--project", type=Path, default=Path())
    parser.add_argument("--answers-file", default=ANSWERS_FILE)
    args = parser.parse_args(argv)
    project = args.project.resolve()
    try:
        if args.command == "update":
            conflicts = update(project, args.answers_file)
            for path in conflicts:
                sys.stdout.write(f"conflict: {path}\n")
            return 0
        report = check(project, args.answers_file)
    except (RuntimeError, KeyError, ValueError) as error:
        sys.stderr.write(f"template_drift: {error}\n")
        return 1
    sys.stdout.write(report.markdown())
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with Path(summary).open("a", encoding="utf-8") as file:
            file.write(report.markdown())
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
