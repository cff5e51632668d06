"""`copier update` from every recorded release to the working tree, from a template source
with its release tags and from one without any (tests/lifecycle.py): four scenarios.

Fast: an untouched project of each scenario updated equals a fresh render of the working
tree, byte for byte, answers file included (so the renamed owner answers are kept). Slow,
per framework: a project with the six edits teams make most (tests/team_edits.py), made the
way its own README says, keeps them through the update, receives every other change of the
template, keeps every answer, and passes its lint, type check and suite. A conflict is a
failure unless the scenario lists it in EXPECTED_CONFLICTS with the reason; it is then
resolved as the generated README says, and the project must still end green.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from .lifecycle import (
    RELEASES,
    TemplateClone,
    as_asked_by,
    commit_all,
    copier_update,
    git,
    tree,
)
from .projects import derived, install, suite_env, uv, uv_env
from .rendering import TEMPLATE
from .team_edits import (
    edit_as_a_team_would,
    follow_the_updating_notes,
    redo_through_extension_points,
)

OWNER = {"team_name": "Payments Squad", "team_email": "payments@example.com"}
CONFLICT_MARKER = re.compile(rb"^(<<<<<<<|>>>>>>>) ", re.MULTILINE)
SCENARIOS = [(item.version, tagged) for item in RELEASES for tagged in (True, False)]


def scenario_id(scenario: tuple[str, bool]) -> str:
    version, tagged = scenario
    return f"{version}-{'tags' if tagged else 'no-tags'}"


def clone_for(tagged: bool, request: pytest.FixtureRequest) -> TemplateClone:
    name = "template_clone" if tagged else "untagged_template_clone"
    clone: TemplateClone = request.getfixturevalue(name)
    return clone


def old_project(
    clone: TemplateClone, destination: Path, version: str, stack: dict[str, str]
) -> Path:
    """A project rendered from a release (whose owner questions may have had other names)."""
    answers = {**OWNER, **stack}
    project = clone.render(
        destination, ref=version, project_name="Payments", **as_asked_by(version, answers)
    )
    commit_all(project, f"Render {version}")
    return project


def fresh_project(clone: TemplateClone, destination: Path, stack: dict[str, str]) -> Path:
    return clone.render(destination, project_name="Payments", **OWNER, **stack)


OWNED = yaml.safe_load((TEMPLATE / "copier.yml").read_text())["_skip_if_exists"]


def owned(name: str) -> bool:
    """Whether copier leaves this file alone on update once it exists."""
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in OWNED)


def conflicted(project: Path) -> list[str]:
    """Files the update left with conflicts: unmerged in git, markers, or `.rej` files."""
    files = tree(project)
    unmerged = git(project, "diff", "--name-only", "--diff-filter=U").split()
    marked = [name for name, content in files.items() if CONFLICT_MARKER.search(content)]
    rejected = [name.removesuffix(".rej") for name in files if name.endswith(".rej")]
    return sorted(set(unmerged) | set(marked) | set(rejected))


def assert_no_conflicts(project: Path) -> None:
    assert conflicted(project) == []


# ─── Fast: untouched projects ──────────────────────────────────────────────────────────
# One stack per scenario, so that each framework, database and CI provider is updated.
UNTOUCHED_STACKS = [
    {"framework": "fastapi", "database": "sqlite", "ci": "github"},
    {"framework": "django", "database": "postgresql", "ci": "gitlab"},
    {"framework": "flask", "database": "mysql", "ci": "none"},
    {"framework": "django", "database": "sqlite", "ci": "github", "auth": "apikey"},
]


@pytest.mark.parametrize(
    ("scenario", "stack"),
    list(zip(SCENARIOS, UNTOUCHED_STACKS, strict=True)),
    ids=[scenario_id(scenario) for scenario in SCENARIOS],
)
def test_untouched_project_updated_equals_a_fresh_render(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    scenario: tuple[str, bool],
    stack: dict[str, str],
) -> None:
    version, tagged = scenario
    clone = clone_for(tagged, request)
    project = old_project(clone, tmp_path / "old", version, stack)
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"]
    assert recorded == clone.ref(version)[: len(recorded)]
    result = copier_update(project)
    assert result.returncode == 0, result.stderr
    assert_no_conflicts(project)
    fresh = fresh_project(clone, tmp_path / "fresh", stack)
    updated, expected = tree(project), tree(fresh)
    assert sorted(updated) == sorted(expected)
    # Files the project owns (copier.yml `_skip_if_exists`) keep their first render; every
    # other file, the answers file with the owner answers included, is the fresh render's.
    differ = [name for name in expected if updated[name] != expected[name]]
    assert [name for name in differ if not owned(name)] == []


# ─── Slow: the six edits teams make most ──────────────────────────────────────────────
# Conflicts no layout of the working tree can avoid, by (release, framework): the file and
# why. The generated README ("Updating from the template") gives their resolution, which
# resolve() follows.
_LIMITS = (
    "v0.2.0 added `limits[redis]` to the sorted list exactly where `uv add humanize` had put "
    "humanize: two insertions at one place"
)
_MARKER = (
    "`uv add` had appended humanize at the end of this unsorted list, where the working tree "
    "adds the 'Your own' line below which `uv add` appends from now on"
)
_V0_1_0_SQLALCHEMY = {
    ".env.example": "v0.2.0 appended its HTTP settings where the team appended GREETING",
    "README.md": "v0.2.0 appended 'About this service' where the team appended its line",
    "migrations/env.py": "v0.2.0 replaced env.py's per-module model imports, among which the "
    "team had added its own, by models.py",
    "pyproject.toml": _LIMITS,
    "src/payments/app.py": "v0.2.0 added its security and OpenAPI imports in the gap of the "
    "import block where ruff sorts the team's `.ping.routes` import",
}
_RESET_MODELS = (
    "the password-reset tables' import joined models.py where the team had imported its own "
    "(before domains.py, the extension point, existed)"
)
EXPECTED_CONFLICTS: dict[tuple[str, str], dict[str, str]] = {
    ("v0.1.0", "fastapi"): _V0_1_0_SQLALCHEMY,
    ("v0.1.0", "flask"): _V0_1_0_SQLALCHEMY,
    ("v0.1.0", "django"): {
        "README.md": _V0_1_0_SQLALCHEMY["README.md"],
        "pyproject.toml": _MARKER,
        "src/payments/api.py": "v0.2.0 added its auth imports in the gap of the import block "
        "where ruff sorts the team's `.ping.routes` import",
    },
    ("v0.2.0", "fastapi"): {
        "pyproject.toml": "`uv add humanize` had put it after `fastapi` in the sorted list; the "
        "framework now comes first (so that `uv add` appends), which moves that line",
        "src/payments/app.py": "this release added its docs and shutdown imports in the gap of "
        "the import block where ruff sorts the team's `.ping.routes` import, and its routers.py "
        "loop below the line where the team included its router",
        "src/payments/models.py": _RESET_MODELS,
    },
    ("v0.2.0", "django"): {
        "pyproject.toml": _MARKER,
        "src/payments/api.py": "the API class moved to openapi.py (#17), which rewrote the import "
        "block where ruff sorts the team's `.ping.routes` import",
    },
    ("v0.2.0", "flask"): {
        "pyproject.toml": "`jinja2` (the mail templates) joined the sorted list right where "
        "`uv add humanize` had put humanize: two insertions at one place",
        "src/payments/app.py": "this release added its metrics and tracing imports "
        "(`.request_metrics`, `.tracing`) in the gap of the import block where ruff sorts the "
        "team's `.ping.routes` import, and their calls next to the team's blueprint",
        "src/payments/models.py": _RESET_MODELS,
    },
}


# Updates after which Alembic has two heads: the release added a revision after the one
# the team's own revision follows. The generated README's resolution: `alembic merge heads`.
EXPECTED_MIGRATION_MERGES = {
    ("v0.1.0", "fastapi"): "v0.2.0 added 0002 (auth sessions) after 0001, beside the team's",
    ("v0.1.0", "flask"): "v0.2.0 added 0002 (auth sessions) after 0001, beside the team's",
    ("v0.2.0", "fastapi"): "0003 (item timestamps in microseconds) follows 0002, as the team's",
    ("v0.2.0", "flask"): "0003 (item timestamps in microseconds) follows 0002, as the team's",
}


def merge_migration_heads(project: Path) -> bool:
    """`alembic merge heads`, as the README says, when the update left two; whether it did."""
    if not (project / "alembic.ini").exists():
        return False
    heads = uv(project, "run", "--locked", "alembic", "heads").splitlines()
    if len(heads) < 2:
        return False
    uv(project, "run", "--locked", "alembic", "merge", "heads", "-m", "merge template migrations")
    # As the pre-commit hooks leave a generated revision: imports tidied, formatted.
    uv(project, "run", "--locked", "ruff", "check", "--fix", "--quiet", "migrations")
    uv(project, "run", "--locked", "ruff", "format", "--quiet", "migrations")
    return True


def _take_the_template_side(path: Path) -> None:
    """Keep "after updating" in every conflict block (and drop a `.rej` file)."""
    text = path.read_text()
    pattern = re.compile(
        r"^<<<<<<< [^\n]*\n.*?^=======\n(.*?)^>>>>>>> [^\n]*\n", re.MULTILINE | re.DOTALL
    )
    path.write_text(pattern.sub(lambda match: match.group(1), text))
    path.with_name(path.name + ".rej").unlink(missing_ok=True)


def resolve(project: Path, framework: str, files: list[str]) -> None:
    """The README's resolution: keep the template's side, drop what is left of the old way
    in that file, then make the change again where "Extending the service" says."""
    if not files:
        return
    leftovers = ("ping_router", "ping_blueprint", "note_models", "_notes", "payments.notes")
    for name in files:
        _take_the_template_side(project / name)
        lines = (project / name).read_text().splitlines(keepends=True)
        kept = [line for line in lines if not any(word in line for word in leftovers)]
        (project / name).write_text("".join(kept))
    redo_through_extension_points(project, framework, files)
    git(project, "add", "--all")


def twin_without_tags(
    render: Path, edited: Path, untagged: TemplateClone, version: str, stack: dict[str, str]
) -> Path:
    """The same project rendered from the template source without tags, with the team's
    commit applied: it differs from the tagged one in `_commit` and `_src_path` only."""
    twin = old_project(untagged, edited.parent / "no-tags", version, stack)
    rendered = tree(render)
    assert [name for name, content in tree(twin).items() if rendered.get(name) != content] == [
        ".copier-answers.yml"
    ]
    patch = git(edited, "diff", "--binary", "HEAD~1", "HEAD")
    subprocess.run(["git", "apply", "--index", "-"], cwd=twin, input=patch, text=True, check=True)
    commit_all(twin, "Team changes")
    return twin


def migrations_agree(project: Path, scratch: Path) -> None:
    """CI's migration gate: every migration applies to a new database, and the models need
    no further one."""
    env = uv_env(DATABASE_URL=f"sqlite:///{scratch / 'migrations-check.db'}")
    for key in ("migrate_command", "migration_check_command"):
        uv(project, "run", "--locked", *shlex.split(str(derived(project)[key]))[2:], env=env)


def answers_of(project: Path) -> dict[str, object]:
    answers: dict[str, object] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return {key: value for key, value in answers.items() if not key.startswith("_")}


@pytest.mark.slow
@pytest.mark.parametrize("version", [item.version for item in RELEASES])
@pytest.mark.parametrize("framework", ["fastapi", "django", "flask"])
def test_update_keeps_team_edits_and_the_project_stays_green(
    template_clone: TemplateClone,
    untagged_template_clone: TemplateClone,
    tmp_path: Path,
    framework: str,
    version: str,
) -> None:
    """One release and framework, with tags and without: the edits survive both updates,
    which end in the same files, and the project passes its checks."""
    stack = {"framework": framework, "database": "sqlite", "ci": "github"}
    render = old_project(template_clone, tmp_path / "render", version, stack)
    project = tmp_path / "tags"
    git(tmp_path, "clone", "--quiet", str(render), project.name)
    python = str(answers_of(project)["python_version"])
    install(project, python)
    edited = edit_as_a_team_would(project, framework)
    commit_all(project, "Team changes")
    assert not edited.extension_points  # releases before the extension points
    twin = twin_without_tags(render, project, untagged_template_clone, version, stack)
    before = answers_of(project)

    expected = EXPECTED_CONFLICTS.get((version, framework), {})
    for updating in (project, twin):
        result = copier_update(updating)
        assert result.returncode == 0, result.stderr
        assert conflicted(updating) == sorted(expected), (updating.name, result.stderr)
    # Both sources led to the same project, except where the answers file names them.
    tagged, untagged = tree(project), tree(twin)
    assert sorted(tagged) == sorted(untagged)
    assert [name for name in tagged if tagged[name] != untagged[name]] == [".copier-answers.yml"]
    # Every answer kept: v0.1.0's author_* as team_*, the rest as they were.
    renamed = {"author_name": "team_name", "author_email": "team_email"}
    after = answers_of(project)
    assert {renamed.get(key, key): value for key, value in before.items()}.items() <= after.items()
    new_questions = yaml.safe_load((TEMPLATE / "copier.yml").read_text())
    assert all(key in new_questions for key in after)
    assert answers_of(project)["team_name"] == OWNER["team_name"]
    assert f'{{ name = "{OWNER["team_name"]}"' in (project / "pyproject.toml").read_text()

    resolve(project, framework, sorted(expected))
    follow_the_updating_notes(project)
    for name, text in edited.kept.items():  # the team's edits survived
        assert text in (project / name).read_text(), name
    # The template's changes arrived: every file the team did not edit is HEAD's render.
    fresh = tree(fresh_project(template_clone, tmp_path / "fresh", stack))
    updated = tree(project)
    team = set(git(project, "show", "--name-only", "--format=", "HEAD").split())
    untouched = {name for name in fresh if name not in team and not owned(name)}
    assert [name for name in sorted(untouched) if updated.get(name) != fresh[name]] == []
    assert set(fresh) <= set(updated)

    install(project, python)  # re-locks for the template's dependency changes
    merged = merge_migration_heads(project)
    assert merged == ((version, framework) in EXPECTED_MIGRATION_MERGES)
    uv(project, "run", "--locked", "ruff", "format", "--check", ".")
    uv(project, "run", "--locked", "ruff", "check", ".")
    uv(project, "run", "--locked", "mypy")
    migrations_agree(project, tmp_path)
    output = uv(
        project,
        *("run", "--locked", "pytest", "--cov", "-q", "-p", "no:cacheprovider"),
        env=suite_env(project),
    )
    assert "Required test coverage of 90.0% reached" in output
    assert "test_ping.py" in uv(project, "run", "--locked", "pytest", "--collect-only", "-q")


def added_lines(project: Path, name: str) -> list[tuple[int, str]]:
    """(line number in the new file, text) of the lines the last commit added to a file;
    fails if it removed or changed any."""
    diff = git(project, "diff", "--unified=0", "HEAD~1", "HEAD", "--", name)
    assert not re.search(r"^-(?!--)", diff, re.MULTILINE), diff
    added = []
    for hunk in re.finditer(r"^@@ -\S+ \+(\d+)(?:,\d+)? @@.*\n((?:\+.*\n?)*)", diff, re.MULTILINE):
        start = int(hunk.group(1))
        lines = hunk.group(2).splitlines()
        added += [(start + offset, line[1:]) for offset, line in enumerate(lines)]
    return added


def assert_added_below(project: Path, name: str, marker: str) -> None:
    """The last commit only added lines to the file, each below a line starting `marker`."""
    lines = (project / name).read_text().splitlines()
    markers = [number for number, text in enumerate(lines, 1) if text.strip().startswith(marker)]
    added = added_lines(project, name)
    assert added
    for number, _ in added:
        assert any(line < number for line in markers), (name, number)


@pytest.mark.slow
@pytest.mark.parametrize("framework", ["fastapi", "django", "flask"])
def test_edits_through_the_extension_points_change_no_template_line(
    template_clone: TemplateClone, tmp_path: Path, framework: str
) -> None:
    """A project of the working tree, edited as its README says ("Extending the service"):
    the six edits add files, change only files the project owns, and add lines only below
    the "Your own" comments of pyproject.toml and at the end of .env.example and the
    README, lines no release changes; and the project passes its checks with them."""
    stack = {"framework": framework, "database": "sqlite", "ci": "github"}
    project = fresh_project(template_clone, tmp_path / "project", stack)
    commit_all(project, "Render")
    rendered = set(tree(project))
    python = str(answers_of(project)["python_version"])
    install(project, python)
    edited = edit_as_a_team_would(project, framework)
    assert edited.extension_points
    commit_all(project, "Team changes")

    changed = git(project, "diff", "--name-only", "--diff-filter=M", "HEAD~1", "HEAD").split()
    template_files = [name for name in changed if name in rendered and not owned(name)]
    assert sorted(template_files) == [".env.example", "README.md", "pyproject.toml"]
    assert_added_below(project, "pyproject.toml", "# Your own")
    for name in (".env.example", "README.md"):
        before = git(project, "show", f"HEAD~1:{name}")
        assert (project / name).read_text().startswith(before.rstrip("\n")), name
    assert {
        "src/payments/routers.py",
        "src/payments/extra_settings.py",
        "src/payments/domains.py",
    } <= set(changed)

    uv(project, "run", "--locked", "ruff", "format", "--check", ".")
    uv(project, "run", "--locked", "ruff", "check", ".")
    uv(project, "run", "--locked", "mypy")
    migrations_agree(project, tmp_path)
    output = uv(
        project,
        *("run", "--locked", "pytest", "--cov", "-q", "-p", "no:cacheprovider"),
        env=suite_env(project),
    )
    assert "Required test coverage of 90.0% reached" in output
