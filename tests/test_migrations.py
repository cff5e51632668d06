"""Template migrations (copier.yml `_migrations`, extensions/migrations/): unit tests on
answers files and the wiring in copier.yml, what copier 9.19 does with migrations with and
without tags, and real updates of this template from a source with and without tags."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from copier import run_copy
from packaging.version import Version

from extensions.migrations import check_answers, v0_2_0
from scripts import release

from .lifecycle import (
    PREVIOUS,
    RELEASES,
    TemplateClone,
    as_asked_by,
    commit_all,
    copier_update,
    git,
)
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


MIGRATIONS = yaml.safe_load((TEMPLATE / "copier.yml").read_text())["_migrations"]


def test_every_migration_runs_on_every_update_from_a_script_of_its_release() -> None:
    """No `version:` (copier would skip it wherever tags are missing), the before stage, the
    template's own script run by copier's interpreter; the answers check runs last."""
    recorded = {item.version for item in RELEASES}
    *renames, last = MIGRATIONS
    assert renames
    for migration in MIGRATIONS:
        assert set(migration) == {"when", "command"}, migration
        assert migration["when"] == "{{ _stage == 'before' }}"
        python, script, answers, *_ = migration["command"]
        assert python == "{{ _copier_python }}"  # no shell, no interpreter from PATH
        assert answers == "{{ _copier_conf.answers_file }}"
        assert (TEMPLATE / script.removeprefix("{{ _copier_conf.src_path }}/")).is_file()
    for migration in renames:
        script = Path(migration["command"][1]).name
        version = "v" + script.removesuffix(".py").removeprefix("v").replace("_", ".")
        assert version in recorded, f"{script} names no recorded release"
        assert Version(version) > Version(RELEASES[0].version)  # the first release needs none
    assert last["command"][1:] == [
        "{{ _copier_conf.src_path }}/extensions/migrations/check_answers.py",
        "{{ _copier_conf.answers_file }}",
        "{{ _copier_conf.src_path }}/copier.yml",
    ]


def test_the_check_finds_answers_no_question_asks() -> None:
    config = (TEMPLATE / "copier.yml").read_text()
    assert check_answers.left_over(V0_1_0_ANSWERS, config) == ["author_email", "author_name"]
    migrated = v0_2_0.rename_answers(V0_1_0_ANSWERS, v0_2_0.RENAMED)
    assert check_answers.left_over(migrated, config) == []
    questions = check_answers.top_level_keys(config)
    assert {"team_name", "framework", "container_registry"} <= questions


def test_the_check_stops_with_a_message_and_passes_otherwise(tmp_path: Path) -> None:
    answers, config = tmp_path / ".copier-answers.yml", TEMPLATE / "copier.yml"
    answers.write_text(V0_1_0_ANSWERS)
    script = TEMPLATE / "extensions/migrations/check_answers.py"
    command = [sys.executable, str(script), str(answers), str(config)]
    stopped = subprocess.run(command, capture_output=True, text=True, check=False)
    assert stopped.returncode == 1
    assert "copier update stopped" in stopped.stderr
    assert "(author_email, author_name)" in stopped.stderr
    v0_2_0.migrate(answers)
    assert subprocess.run(command, check=False).returncode == 0


# What copier 9.19 does with `_migrations`, proved on a template of two files: a versioned
# migration runs only when an update crosses its version by tag; one without `version:` runs
# on every update, whatever the tags (issue #18).
TINY_COPIER_YML = """\
_answers_file: .copier-answers.yml
_migrations:
  - version: v0.2.0
    when: "{{ _stage == 'before' }}"
    command: ["{{ _copier_python }}", "-c", "open('ran.log', 'a').write('versioned ')"]
  - when: "{{ _stage == 'before' }}"
    command: ["{{ _copier_python }}", "-c", "open('ran.log', 'a').write('unversioned ')"]
name:
  type: str
  default: x
"""


def tiny_template(path: Path) -> list[str]:
    """A template with three commits (first, middle, last); returns their short hashes."""
    path.mkdir()
    (path / "copier.yml").write_text(TINY_COPIER_YML)
    (path / "{{ _copier_conf.answers_file }}.jinja").write_text(
        "{{ _copier_answers | to_nice_yaml }}"
    )
    commits = []
    for content in ("first", "middle", "last"):
        (path / "file.txt").write_text(content + "\n")
        commit_all(path, content)
        commits.append(git(path, "rev-parse", "--short", "HEAD").strip())
    return commits


@pytest.mark.parametrize(
    ("tags", "rendered_at", "recorded", "ran"),
    [
        # Tags on every commit: an update from v0.1.0 to v0.3.0 crosses v0.2.0.
        ({"v0.1.0": 0, "v0.2.0": 1, "v0.3.0": 2}, "v0.1.0", "v0.1.0", "versioned unversioned"),
        # Tags, but the update crosses none: only the unversioned migration runs.
        ({"v0.2.0": 0, "v0.3.0": 2}, "v0.2.0", "v0.2.0", "unversioned"),
        # No tags at all (issue #18): versions read 0.0.0.postN, nothing is ever crossed.
        ({}, 0, "{0}", "unversioned"),
        # Rendered from a commit past a tag; the tags are lost before the update.
        ({"v0.1.0": 0}, 1, "v0.1.0-1-g{1}", "unversioned"),
    ],
    ids=["crossing", "not-crossing", "no-tags", "describe-then-no-tags"],
)
def test_copier_runs_unversioned_migrations_on_every_update(
    tmp_path: Path, tags: dict[str, int], rendered_at: str | int, recorded: str, ran: str
) -> None:
    commits = tiny_template(tmp_path / "tpl")
    for tag, index in tags.items():
        git(tmp_path / "tpl", "tag", tag, commits[index])
    ref = commits[rendered_at] if isinstance(rendered_at, int) else rendered_at
    project = tmp_path / "project"
    run_copy(str(tmp_path / "tpl"), project, defaults=True, vcs_ref=ref, quiet=True)
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == recorded.format(*commits)
    commit_all(project, "render")
    if rendered_at == 1:
        for tag in tags:
            git(tmp_path / "tpl", "tag", "--delete", tag)
    result = copier_update(project)
    assert result.returncode == 0, result.stderr
    assert (project / "ran.log").read_text().split() == ran.split()
    assert (project / "file.txt").read_text() == "last\n"


@pytest.mark.parametrize("tagged", [True, False], ids=["tags", "no-tags"])
def test_update_from_the_first_release_carries_renamed_answers(
    template_clone: TemplateClone,
    untagged_template_clone: TemplateClone,
    tmp_path: Path,
    tagged: bool,
) -> None:
    """The issue's case: a v0.1.0 project keeps `author_name` as `team_name`, whether or not
    the template source carries tags (without any, copier updates to its HEAD)."""
    clone = template_clone if tagged else untagged_template_clone
    first = RELEASES[0]
    project = clone.render(
        tmp_path / "project",
        ref=first.version,
        author_name="Shop Team",
        author_email="shop@example.com",
    )
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"]
    assert recorded == (first.version if tagged else first.commit[:7])
    commit_all(project, f"{first.version} render")
    result = copier_update(project)
    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (answers["team_name"], answers["team_email"]) == ("Shop Team", "shop@example.com")
    assert not {"author_name", "author_email"} & set(answers)
    assert 'authors = [{ name = "Shop Team"' in (project / "pyproject.toml").read_text()


def clone_of(clone: TemplateClone, destination: Path) -> Path:
    """A clone of the test clone that a test may change (tags, commits) on its own."""
    git(destination.parent, "clone", "--quiet", str(clone.path), destination.name)
    return destination


def test_a_recorded_tag_the_source_lacks_stops_until_the_tags_are_recreated(
    untagged_template_clone: TemplateClone, tmp_path: Path
) -> None:
    """A project that records `_commit: v0.2.0`, from a template source that has since lost
    its tags: copier stops before writing anything (the revision is unknown), and the fix the
    generated README gives, recreating the tags from releases.toml, lets the update run."""
    source = clone_of(untagged_template_clone, tmp_path / "source")
    release.make_tags(source)
    project = TemplateClone(source).render(tmp_path / "project", ref=PREVIOUS)
    commit_all(project, f"{PREVIOUS} render")
    for tag in git(source, "tag", "--list").split():
        git(source, "tag", "--delete", tag)

    stopped = copier_update(project)
    assert stopped.returncode != 0
    assert f"Unknown revision: '{PREVIOUS}'" in stopped.stderr
    assert not git(project, "status", "--porcelain").strip()

    command = [sys.executable, "scripts/release.py", "tags"]
    tagged = subprocess.run(command, cwd=source, capture_output=True, text=True, check=True)
    assert f"{PREVIOUS}: tagged" in tagged.stdout
    # The clone's HEAD is the working tree, a commit past the newest release.
    result = copier_update(project, "--vcs-ref", "HEAD")
    assert result.returncode == 0, result.stderr
    assert not git(project, "diff", "--name-only", "--diff-filter=U").strip()


def test_a_release_missing_its_migration_stops_the_update_loudly(
    untagged_template_clone: TemplateClone, tmp_path: Path
) -> None:
    """Were a rename shipped without its migration, the check would stop the update: a
    non-zero exit naming the answers, and the project as it was."""
    source = clone_of(untagged_template_clone, tmp_path / "source")
    project = TemplateClone(source, tagged=False).render(
        tmp_path / "project", ref=RELEASES[0].version, author_name="Shop Team"
    )
    commit_all(project, "render")
    text = (source / "copier.yml").read_text()
    rename = re.search(r"_migrations:\n(  - when:.*?\n)(?=  - when:)", text, re.DOTALL)
    assert rename is not None
    assert "v0_2_0.py" in rename.group(1)
    (source / "copier.yml").write_text(text.replace(rename.group(1), "", 1))
    commit_all(source, "a release that forgot its migration")

    result = copier_update(project)
    assert result.returncode != 0
    assert "copier update stopped" in result.stderr
    assert "(author_email, author_name)" in result.stderr
    assert not git(project, "status", "--porcelain").strip()
    assert "author_name: Shop Team" in (project / ".copier-answers.yml").read_text()


def test_answers_are_named_as_each_release_asked_them() -> None:
    today = {"team_name": "A", "team_email": "a@example.com", "framework": "flask"}
    assert as_asked_by("v0.1.0", today) == {
        "author_name": "A",
        "author_email": "a@example.com",
        "framework": "flask",
    }
    assert as_asked_by("v0.2.0", today) == today
