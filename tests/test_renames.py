"""`copier update` across the module renames of issue #17 (one name per role), from v0.2.0.

copier deletes a file the new release no longer renders and adds the renamed one: an
untouched project comes out equal to a fresh render. A file the team had edited is deleted
all the same, without a conflict; its edits stay in the project's git history, where
`git diff HEAD -- <old path>` shows them after the update (CHANGELOG, update notes).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .lifecycle import HEAD_TAG, TemplateClone, commit_all, copier_update, git, tree

# The v0.2.0 release commit: tags may be missing from a checkout, commits are not.
V0_2_0 = "86b5b00"
# stack -> (renamed by this release: old path -> new path, the file the team edits)
RENAMES = {
    "django-jwt": (
        {
            "src/payments/auth/ratelimit.py": "src/payments/auth/rate_limits.py",
            "src/payments/users/passwords.py": "src/payments/auth/passwords.py",
            "tests/auth/test_ratelimit.py": "tests/auth/test_rate_limits.py",
        },
        "src/payments/auth/ratelimit.py",
    ),
    "fastapi-oidc": (
        {"tests/idp.py": "tests/identity_provider.py"},
        "tests/idp.py",
    ),
    "flask-oidc": (
        {
            "src/payments/auth/verifier.py": "src/payments/auth/oidc.py",
            "tests/auth/test_tokens.py": "tests/auth/test_oidc.py",
        },
        "src/payments/auth/verifier.py",
    ),
}
TEAM_EDIT = "\n# Added by the team: kept in git history across the rename.\nTEAM_SETTING = 3\n"


@pytest.fixture
def clone(template_clone: TemplateClone) -> TemplateClone:
    found = git(template_clone.path, "rev-parse", "--verify", "--quiet", f"{V0_2_0}^{{commit}}")
    if not found.strip():
        pytest.skip(f"the v0.2.0 commit {V0_2_0} is not in this checkout's history")
    return template_clone


@pytest.mark.parametrize("stack", sorted(RENAMES))
def test_renamed_modules_move_on_update(clone: TemplateClone, tmp_path: Path, stack: str) -> None:
    framework, auth = stack.split("-")
    renamed, edited = RENAMES[stack]
    answers = {"project_name": "Payments", "framework": framework, "auth": auth}
    project = clone.render(tmp_path / "project", ref=V0_2_0, **answers)
    assert all((project / old).is_file() for old in renamed)
    commit_all(project, "Render v0.2.0")
    (project / edited).write_text((project / edited).read_text() + TEAM_EDIT)
    commit_all(project, "Team edit")

    result = copier_update(project)
    assert result.returncode == 0, result.stderr

    for old, new in renamed.items():
        assert not (project / old).exists(), old
        assert (project / new).is_file(), new
    # Everything else is the new release's render; the edit is in the history only.
    fresh = tree(clone.render(tmp_path / "fresh", ref=HEAD_TAG, **answers))
    updated = tree(project)
    assert sorted(updated) == sorted(fresh)
    differ = [name for name in fresh if updated[name] != fresh[name]]
    assert differ == []
    assert "TEAM_SETTING = 3" in git(project, "diff", "HEAD", "--", edited)
