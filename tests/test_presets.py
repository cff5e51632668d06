"""Presets (presets/*.yml) rendered non-interactively, as a platform team would, and held to
the same static checks as every combination in test_render; organisation defaults through
copier's user settings."""

from __future__ import annotations

import inspect
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from extensions.derive import derive
from extensions.naming import organization_error, registry_error
from extensions.refusals import supported

from . import test_render
from .rendering import BIN, TEMPLATE, copier_cli

PRESETS = sorted((TEMPLATE / "presets").glob("*.yml"))


@pytest.fixture(scope="module", params=PRESETS, ids=[preset.stem for preset in PRESETS])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    preset: Path = request.param
    destination = tmp_path_factory.mktemp("preset") / "project"
    result = copier_cli(
        "copy",
        "--trust",
        "--defaults",
        "--vcs-ref=HEAD",
        f"--data-file={preset}",
        str(TEMPLATE),
        str(destination),
    )
    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    expected = yaml.safe_load(preset.read_text())
    assert {key: answers[key] for key in expected} == expected
    return destination


# test_render's checks of one rendered project, collected here again for each preset.
for _name, _check in vars(test_render).items():
    if _name.startswith("test_") and list(inspect.signature(_check).parameters) == ["project"]:
        globals()[_name] = _check


def test_presets_cover_every_framework_database_and_ci_provider() -> None:
    chosen = [yaml.safe_load(preset.read_text()) for preset in PRESETS]
    for axis in ("framework", "database", "ci"):
        assert {preset[axis] for preset in chosen} >= set(supported(axis)) - {"none"}, axis


# What README.md tells an organisation to put in ~/.config/copier/settings.yml.
ORGANISATION_SETTINGS = """\
defaults:
  organization: Acme Corp
  container_registry: registry.acme.example/platform
  team_name: Payments Squad
  team_email: payments@acme.example
  python_version: "3.12"
  ci: gitlab
trust:
  - {template}
"""


def test_organisation_defaults_from_copier_user_settings(tmp_path: Path) -> None:
    settings = tmp_path / "settings.yml"
    settings.write_text(ORGANISATION_SETTINGS.format(template=TEMPLATE))

    def copy(destination: Path, *args: str) -> dict[str, str]:
        result = subprocess.run(
            [str(BIN / "copier"), "copy", "--defaults", "--vcs-ref=HEAD", *args],
            env={**os.environ, "COPIER_SETTINGS_PATH": str(settings)},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr  # trusted by the settings: no --trust
        answers: dict[str, str] = yaml.safe_load((destination / ".copier-answers.yml").read_text())
        return answers

    plain = copy(tmp_path / "plain", str(TEMPLATE), str(tmp_path / "plain"))
    assert plain["organization"] == "Acme Corp"
    assert (plain["ci"], plain["python_version"]) == ("gitlab", "3.12")
    pipeline = (tmp_path / "plain/.gitlab-ci.yml").read_text()
    assert "IMAGE: registry.acme.example/platform/my-service" in pipeline
    assert 'org.opencontainers.image.vendor=Acme Corp"' in pipeline

    # A preset (--data-file) beats the settings; --data beats both.
    preset = TEMPLATE / "presets/flask-mysql-github.yml"
    stacked = copy(
        tmp_path / "stacked",
        f"--data-file={preset}",
        "--data=python_version=3.13",
        str(TEMPLATE),
        str(tmp_path / "stacked"),
    )
    assert (stacked["framework"], stacked["ci"], stacked["python_version"]) == (
        "flask",
        "github",
        "3.13",
    )
    assert stacked["team_name"] == "Payments Squad"  # not in the preset: the settings' default
    release = (tmp_path / "stacked/.github/workflows/release.yml").read_text()
    assert 'image="registry.acme.example/platform/my-service"' in release
    assert "docker login registry.acme.example " in release


@pytest.mark.parametrize("name", ["", "Acme", "Acme Corp.", "Müller & Söhne (EU)", "O'Brien+Co"])
def test_organisation_names_that_are_accepted(name: str) -> None:
    assert organization_error(name) == ""


@pytest.mark.parametrize("name", [" Acme", "Acme: Inc", "a$(id)", "x #y", 'say "hi"', "x" * 101])
def test_organisation_names_that_would_break_yaml_or_a_shell_are_refused(name: str) -> None:
    assert "cannot be the organisation name" in organization_error(name)


@pytest.mark.parametrize(
    "prefix", ["", "ghcr.io/acme", "registry.example.com:5000/platform/team-a", "localhost/x"]
)
def test_registry_prefixes_that_are_accepted(prefix: str) -> None:
    assert registry_error(prefix) == ""


@pytest.mark.parametrize(
    "prefix", ["Registry.io", "https://x.io/a", "x.io/a:tag", "x.io/a/", "x.io//a", "x io"]
)
def test_registry_prefixes_that_are_refused(prefix: str) -> None:
    assert "not a container repository prefix" in registry_error(prefix)


BASE = {
    "project_name": "Payments API",
    "package_name": "payments_api",
    "python_version": "3.13",
    "framework": "fastapi",
    "database": "sqlite",
    "auth": "jwt",
}


@pytest.mark.parametrize(
    ("ci", "registry", "host", "repository", "own"),
    [
        ("github", "", "ghcr.io", "ghcr.io/${GITHUB_REPOSITORY,,}", False),
        ("gitlab", "", "$CI_REGISTRY", "$CI_REGISTRY_IMAGE", False),
        (
            "github",
            "registry.acme.example:5000/platform",
            "registry.acme.example:5000",
            "registry.acme.example:5000/platform/payments-api",
            True,
        ),
        (
            "gitlab",
            "registry.acme.example/platform",
            "registry.acme.example",
            "registry.acme.example/platform/payments-api",
            True,
        ),
    ],
)
def test_release_image_defaults_to_the_ci_providers_registry(
    ci: str, registry: str, host: str, repository: str, own: bool
) -> None:
    derived = derive({**BASE, "ci": ci, "container_registry": registry})
    assert (derived["image_registry"], derived["image_repository"]) == (host, repository)
    assert derived["image_registry_is_own"] is own
