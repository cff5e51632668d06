"""`copier update` from the previous release (tests/lifecycle.py) to the working tree.

Fast: an untouched old project updated to HEAD equals a fresh HEAD render, byte for byte,
answers file included. Slow: a project with the edits teams make (a new endpoint, a changed
setting, an added dependency, an edited README) keeps them through the update, receives the
template's changes, has no conflicts, and passes its own lint, type check and tests.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from .lifecycle import (
    PREVIOUS,
    TemplateClone,
    as_asked_by,
    commit_all,
    copier_update,
    git,
    tree,
)
from .projects import install, suite_env, uv
from .rendering import TEMPLATE

# Every framework, with the other axes varied so every database and CI provider is crossed.
STACKS = [
    {"framework": "fastapi", "database": "sqlite", "ci": "github"},
    {"framework": "django", "database": "postgresql", "ci": "gitlab"},
    {"framework": "flask", "database": "mysql", "ci": "none"},
]
OWNER = {"name": "Payments Squad", "email": "payments@example.com"}
CONFLICT_MARKER = re.compile(rb"^(<<<<<<<|>>>>>>>) ", re.MULTILINE)


def old_project(clone: TemplateClone, destination: Path, stack: dict[str, str]) -> Path:
    """A project rendered from the previous release (whose owner questions had old names)."""
    answers = {"team_name": OWNER["name"], "team_email": OWNER["email"], **stack}
    project = clone.render(
        destination, ref=PREVIOUS, project_name="Payments", **as_asked_by(PREVIOUS, answers)
    )
    commit_all(project, f"Render {PREVIOUS}")
    return project


def fresh_project(clone: TemplateClone, destination: Path, stack: dict[str, str]) -> Path:
    return clone.render(
        destination,
        project_name="Payments",
        team_name=OWNER["name"],
        team_email=OWNER["email"],
        **stack,
    )


OWNED = yaml.safe_load((TEMPLATE / "copier.yml").read_text())["_skip_if_exists"]


def owned(name: str) -> bool:
    """Whether copier leaves this file alone on update once it exists."""
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in OWNED)


def assert_no_conflicts(project: Path) -> None:
    assert not git(project, "diff", "--name-only", "--diff-filter=U").strip()
    files = tree(project)
    assert not [name for name in files if name.endswith(".rej")]
    assert not [name for name, content in files.items() if CONFLICT_MARKER.search(content)]


@pytest.mark.parametrize("stack", STACKS, ids=[stack["framework"] for stack in STACKS])
def test_untouched_project_updated_equals_a_fresh_render(
    template_clone: TemplateClone, tmp_path: Path, stack: dict[str, str]
) -> None:
    project = old_project(template_clone, tmp_path / "old", stack)
    result = copier_update(project)
    assert result.returncode == 0, result.stderr
    assert_no_conflicts(project)
    fresh = fresh_project(template_clone, tmp_path / "fresh", stack)
    updated, expected = tree(project), tree(fresh)
    assert sorted(updated) == sorted(expected)
    # Files the project owns (copier.yml `_skip_if_exists`) keep their first render.
    differ = [name for name in expected if updated[name] != expected[name]]
    assert [name for name in differ if not owned(name)] == []


# The user edits, made on the previous release's render. They touch only files whose
# v0.1.0 content is fixed, and lines of it that the edit itself names.
ENDPOINTS = {
    "fastapi": '''

@router.get("/meta/limits")
async def item_limits() -> dict[str, int]:
    """Paging limits clients may rely on (added by the team)."""
    return {"max_limit": 100}
''',
    "flask": '''

@blueprint.get("/meta/limits")
def item_limits() -> Response:
    """Paging limits clients may rely on (added by the team)."""
    return Response('{"max_limit": 100}', mimetype="application/json")
''',
    "django": '''

@router.get("/meta/limits", response={HTTPStatus.OK: dict[str, int], **_UNAUTHORIZED})
def item_limits(request: HttpRequest) -> dict[str, int]:
    """Paging limits clients may rely on (added by the team)."""
    return {"max_limit": 100}
''',
}
README_NOTES = """## Team notes

On call: #payments-oncall. Dashboards live in the team's Grafana folder.

"""


# Dependencies a team might add. The test adds the first whose place in the sorted list
# (where `uv add` puts it) lies between two requirements the template left alone and kept
# adjacent, so that the team's line does not overlap the template's changes.
TEAM_DEPENDENCIES = [
    "humanize>=4.9",
    "tenacity>=9.0",
    "cachetools>=5.5",
    "orjson>=3.10",
    "babel>=2.16",
]


def requirement_name(requirement: str) -> str:
    return re.split(r"[\[<>=!~ ]", requirement)[0].lower()


def team_dependency(old: list[str], new: list[str]) -> str:
    names = [requirement_name(requirement) for requirement in old]
    for requirement in TEAM_DEPENDENCIES:
        name = requirement_name(requirement)
        if name in names or name in map(requirement_name, new):
            continue
        index = sum(existing < name for existing in names)
        if 0 < index < len(old):
            before, after = old[index - 1], old[index]
            if before in new and after in new and new.index(after) == new.index(before) + 1:
                return requirement
    pytest.fail(f"every candidate dependency would overlap the template's changes: {new}")


def dependencies(project: Path) -> list[str]:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    return list(pyproject["project"]["dependencies"])


def edit_as_a_team_would(project: Path, framework: str, dependency: str) -> dict[str, str]:
    """Make the edits; return the text each edited file must still contain after updating."""
    routes = project / "src/payments/items/routes.py"
    routes.write_text(routes.read_text() + ENDPOINTS[framework])
    env_example = project / ".env.example"
    env_example.write_text(env_example.read_text().replace("LOG_LEVEL=INFO", "LOG_LEVEL=DEBUG"))
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("## Container\n", README_NOTES + "## Container\n"))
    uv(project, "add", "--no-sync", dependency)
    return {
        "src/payments/items/routes.py": ENDPOINTS[framework].strip(),
        ".env.example": "LOG_LEVEL=DEBUG",
        "README.md": README_NOTES.strip(),
        "pyproject.toml": f'"{dependency}",',
    }


@pytest.mark.slow
@pytest.mark.parametrize("framework", ["fastapi", "django", "flask"])
def test_update_keeps_team_edits_and_the_project_stays_green(
    template_clone: TemplateClone, tmp_path: Path, framework: str
) -> None:
    stack = {"framework": framework, "database": "sqlite", "ci": "github"}
    project = old_project(template_clone, tmp_path / "project", stack)
    python = str(yaml.safe_load((project / ".copier-answers.yml").read_text())["python_version"])
    install(project, python)  # writes uv.lock, which the team commits
    commit_all(project, "Lock dependencies")
    fresh_render = fresh_project(template_clone, tmp_path / "fresh", stack)
    dependency = team_dependency(dependencies(project), dependencies(fresh_render))
    edits = edit_as_a_team_would(project, framework, dependency)
    commit_all(project, "Team changes")

    result = copier_update(project)
    assert result.returncode == 0, result.stderr

    assert_no_conflicts(project)
    for name, text in edits.items():  # the team's edits survived
        assert text in (project / name).read_text(), name
    fresh = tree(fresh_render)
    updated = tree(project)
    # The template's changes arrived: every file the team did not edit is now HEAD's render,
    # files HEAD no longer renders are gone, and new ones are there.
    untouched = {name for name in fresh if name not in edits and not owned(name)}
    assert [name for name in sorted(untouched) if updated.get(name) != fresh[name]] == []
    assert set(fresh) <= set(updated)
    added_by_team = {"uv.lock"}
    assert set(updated) - set(fresh) - added_by_team == set()

    install(project, python)  # re-locks for the template's dependency changes
    uv(project, "run", "--locked", "ruff", "format", "--check", ".")
    uv(project, "run", "--locked", "ruff", "check", ".")
    uv(project, "run", "--locked", "mypy")
    output = uv(
        project,
        *("run", "--locked", "pytest", "--cov", "-q", "-p", "no:cacheprovider"),
        env=suite_env(project),
    )
    assert "Required test coverage of 90.0% reached" in output
