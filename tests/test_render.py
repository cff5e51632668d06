"""Fast checks of every combination copier.yml accepts: the file set, no template leftovers,
and the static checks that need no installed dependencies (ruff format and lint, YAML/TOML)."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import tomllib
from pathlib import Path

import pytest
import yaml

from .layout import PACKAGE, sources
from .rendering import BIN, accepted_combinations, combination_id, jobs_combinations, render

# Every accepted combination without background jobs, and every framework x database x auth
# with them (jobs=celery adds files that depend on those three answers only).
COMBINATIONS = [*accepted_combinations(), *jobs_combinations()]

# The "same shape" contract: every service has these files, whatever the answers.
COMMON_FILES = {
    ".copier-answers.yml",
    ".dockerignore",
    ".env.example",
    ".gitignore",
    ".python-version",
    "Dockerfile",
    "README.md",
    "compose.yaml",
    ".pre-commit-config.yaml",
    "pyproject.toml",
    "src/{pkg}/__init__.py",
    "src/{pkg}/__main__.py",
    "src/{pkg}/app.py",
    "src/{pkg}/config.py",
    "src/{pkg}/csp.py",
    "src/{pkg}/db.py",
    "src/{pkg}/errors.py",
    "src/{pkg}/health.py",
    "src/{pkg}/log.py",
    "src/{pkg}/openapi.py",
    "src/{pkg}/security.py",
    # Extension points, the project's own from the first render (README: Extending the service).
    "src/{pkg}/domains.py",
    "src/{pkg}/extra_settings.py",
    "src/{pkg}/routers.py",
    "src/{pkg}/items/models.py",
    "src/{pkg}/items/routes.py",
    "src/{pkg}/items/schemas.py",
    "src/{pkg}/items/service.py",
    "tests/conftest.py",
    "tests/test_security.py",
}
# Every scheme but "none" has accounts.
USER_FILES = {
    "src/{pkg}/users/models.py",
    "src/{pkg}/users/routes.py",
    "src/{pkg}/users/schemas.py",
    "src/{pkg}/users/service.py",
    "src/{pkg}/auth/throttle.py",
}
ALEMBIC_FILES = {"alembic.ini", "migrations/env.py", "migrations/versions/0001_initial.py"}
# Names Django mandates, beside the common shape.
DJANGO_FILES = {
    "manage.py",
    "src/{pkg}/settings.py",
    "src/{pkg}/urls.py",
    "src/{pkg}/items/apps.py",
    "src/{pkg}/items/migrations/0001_initial.py",
}
# Django's users app, where there are users.
DJANGO_USER_FILES = {"src/{pkg}/users/apps.py", "src/{pkg}/users/migrations/0001_initial.py"}
# A Jinja expression or statement, or a template file name; not Python's nested dict braces.
JINJA_LEFTOVER = re.compile(r"\{\{\s*[A-Za-z_][\w.]*\s*(\|[^}]*)?\}\}|\{%-?\s*[a-z]+|\{#|\.jinja\b")
GITHUB_EXPRESSION = re.compile(r"\$\{\{[^}]*\}\}")
# Grafana's legend templates ("{{route}}") look like Jinja expressions.
GRAFANA_LEGEND = re.compile(r'"legendFormat": "[^"]*"')


@pytest.fixture(scope="module", params=COMBINATIONS, ids=[combination_id(c) for c in COMBINATIONS])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("render") / "project", **request.param)


def files_of(project: Path) -> set[str]:
    return {path.relative_to(project).as_posix() for path in project.rglob("*") if path.is_file()}


def test_file_set(project: Path) -> None:
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    package = answers["package_name"]
    files = files_of(project)
    has_users = answers["auth"] != "none"
    expected = {name.format(pkg=package) for name in COMMON_FILES}
    if has_users:
        expected |= {name.format(pkg=package) for name in USER_FILES}
    else:  # a public API: no accounts, no auth code at all
        assert not any(
            name.startswith((f"src/{package}/users/", f"src/{package}/auth/")) for name in files
        )
    # Only JWT signs tokens of its own.
    assert (f"src/{package}/auth/tokens.py" in files) == (answers["auth"] == "jwt")
    alembic = answers["framework"] in {"fastapi", "flask"}
    django_names = DJANGO_FILES | (DJANGO_USER_FILES if has_users else set())
    django = {name.format(pkg=package) for name in django_names}
    if alembic:
        expected |= ALEMBIC_FILES
    else:
        expected |= django
    assert expected <= files, sorted(expected - files)
    assert not (files & (django if alembic else ALEMBIC_FILES))
    github = {".github/workflows/ci.yml", ".github/workflows/release.yml", ".github/dependabot.yml"}
    assert (github <= files) == (answers["ci"] == "github")
    gitlab = {".gitlab-ci.yml", "renovate.json"}
    assert (gitlab <= files) == (answers["ci"] == "gitlab")
    assert not (files & gitlab) or answers["ci"] == "gitlab"
    assert not any(name.endswith((".jinja", ".pyc")) or "__pycache__" in name for name in files)
    # tests/layout.py (the layout map, the same-names test) predicts the same file set.
    jobs = {f"src/{package}/jobs/{name}.py" for name in ("queue", "tasks", "purge", "worker")}
    assert (jobs <= files) == (answers["jobs"] == "celery")
    assert not any("/jobs/" in name for name in files) or answers["jobs"] == "celery"
    predicted = sources(
        **{key: answers[key] for key in ("framework", "database", "auth", "ci", "jobs")}
    )
    assert files == {name.replace(PACKAGE, package) for name in predicted}


def test_no_template_syntax_left(project: Path) -> None:
    for path in project.rglob("*"):
        # Mako templates are Alembic's; .gz is the bundled common-password list; the mail
        # templates are the service's own Jinja, rendered when a mail is sent.
        if not path.is_file() or path.suffix in (".mako", ".gz") or path.parent.name == "templates":
            continue
        text = GRAFANA_LEGEND.sub("", GITHUB_EXPRESSION.sub("", path.read_text()))
        assert not JINJA_LEFTOVER.search(text), path


def test_ruff_format_and_lint_clean(project: Path) -> None:
    # ruff reads the Python files and its configuration in pyproject.toml.
    python = (
        *(path.relative_to(project).as_posix() for path in sorted(project.rglob("*.py"))),
        "pyproject.toml",
    )
    tool(project, "ruff", "format", "--check", ".", inputs=python)
    tool(project, "ruff", "check", ".", inputs=python)


def test_configuration_files_parse(project: Path) -> None:
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["requires-python"] == f">={answers['python_version']}"
    assert pyproject["tool"]["mypy"]["strict"] is True
    assert pyproject["tool"]["ruff"]["target-version"] == "py" + answers["python_version"].replace(
        ".", ""
    )
    # Coverage is CI's gate (`pytest --cov`), not every local run's: it doubles the suite's time.
    addopts = pyproject["tool"]["pytest"]["ini_options"]["addopts"]
    assert not any("cov" in option for option in addopts)
    assert pyproject["tool"]["coverage"]["report"]["fail_under"] == 90
    assert (project / ".python-version").read_text().strip() == answers["python_version"]
    if answers["ci"] == "github":
        workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
        assert set(workflow["jobs"]) == {"lint", "typecheck", "test", "security", "container"}
        assert workflow["permissions"] == {}
        for job in workflow["jobs"].values():
            assert job["timeout-minutes"] <= 20
            for step in job["steps"]:
                if "uses" in step:  # third-party actions pinned to a commit
                    assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", step["uses"]), step["uses"]


def test_env_example_lists_every_setting(project: Path) -> None:
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    config = (project / "src" / answers["package_name"] / "config.py").read_text()
    fields = set(re.findall(r"^    (\w+): [\w\[\]\"', |.]+ = ", config, re.MULTILINE))
    listed = set(re.findall(r"^(\w+)=", (project / ".env.example").read_text(), re.MULTILINE))
    readme = (project / "README.md").read_text()
    assert {field.upper() for field in fields} == listed
    for name in listed:
        assert f"`{name}`" in readme, name


def test_answers_file_records_the_answers(project: Path) -> None:
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_src_path"]
    assert answers["_commit"]  # the template release; `copier update` starts from it
    assert {
        "project_name",
        "package_name",
        "team_name",
        "team_email",
        "organization",
        "framework",
        "database",
        "auth",
        "ci",
    } <= set(answers)


def test_dockerfile_runs_as_non_root_with_a_healthcheck(project: Path) -> None:
    lines = (project / "Dockerfile").read_text().splitlines()
    final_stage = lines[max(i for i, line in enumerate(lines) if line.startswith("FROM ")) :]
    assert any(re.fullmatch(r"USER \d+", line) and line != "USER 0" for line in final_stage)
    assert any(line.startswith("HEALTHCHECK") for line in final_stage)
    assert any(line.startswith('CMD ["') for line in final_stage)


def test_project_name_and_slug_propagate(tmp_path: Path) -> None:
    project = render(tmp_path / "p", project_name="Payments API", team_email="pay@example.com")
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "payments-api"
    assert pyproject["project"]["authors"] == [
        {"name": "Platform Team", "email": "pay@example.com"}
    ]
    assert (project / "src/payments_api/app.py").is_file()
    assert "payments-api" in (project / ".env.example").read_text()


# Validators run once per distinct input: combinations that render the same Dockerfile or
# workflow share one verdict (successes only are remembered, for this test run only; xdist's
# workers share the run id). Every combination is still rendered and checked.
VERDICTS = (
    Path(tempfile.gettempdir())
    / "template-validations"
    / os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))
)


def fingerprint(project: Path, command: tuple[str, ...], inputs: tuple[str, ...]) -> str:
    """Hash of the command and of every input file (directories recursively), by path."""
    digest = hashlib.sha256("\0".join(command).replace(str(project), "<project>").encode())
    for name in inputs:
        root = project / name
        paths = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in paths:
            if path.is_file():
                digest.update(path.relative_to(project).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def tool(project: Path, *command: str, inputs: tuple[str, ...]) -> None:
    """Run a validator from the template's environment on the rendered project; it must pass.

    ``inputs`` are the files (or directories) it reads: the verdict is reused for the same
    command on the same content.
    """
    verdict = VERDICTS / fingerprint(project, command, inputs)
    if verdict.exists():
        return
    result = subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(project)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    verdict.parent.mkdir(parents=True, exist_ok=True)
    verdict.touch()


def test_compose_file_is_valid(project: Path) -> None:
    """docker-compose's own validation (schema and references), no engine needed."""
    compose = ("compose.yaml",)
    tool(project, "docker-compose", "config", "--quiet", inputs=compose)
    schema = ("check-jsonschema", "--builtin-schema", "vendor.compose-spec", "compose.yaml")
    tool(project, *schema, inputs=compose)
    # The opt-in profile: Prometheus, Grafana and Jaeger next to the app.
    profile = ("--profile", "observability")
    tool(project, "docker-compose", *profile, "config", "--quiet", inputs=compose)
    services = yaml.safe_load((project / "compose.yaml").read_text())["services"]
    assert {"prometheus", "grafana", "jaeger"} <= services.keys()
    for service in ("prometheus", "grafana", "jaeger"):
        assert services[service]["profiles"] == ["observability"]
    # Every file the profile mounts is in the project (compose's config does not look).
    mounted = [
        volume.split(":")[0]
        for service in services.values()
        for volume in service.get("volumes", [])
        if volume.startswith("./")
    ]
    assert mounted
    assert all((project / source).exists() for source in mounted), mounted
    jobs = {"worker", "beat", "redis"}
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (jobs <= services.keys()) == (answers["jobs"] == "celery")
    if answers["jobs"] == "celery":
        assert "healthcheck" in services["worker"]
        assert "healthcheck" in services["redis"]
        # SIGTERM lets the running jobs finish within their time limit (300 s by default).
        assert float(services["worker"]["stop_grace_period"].removesuffix("s")) > 300
        for service in ("app", "worker", "beat"):
            assert services[service]["environment"]["JOBS_BROKER_URL"] == "redis://redis:6379/1"


PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
needs_promtool = pytest.mark.skipif(
    not Path(PROMTOOL).exists(),
    reason="needs promtool (Debian's prometheus package; .ci/run installs it)",
)
RULES = "observability/prometheus"


@needs_promtool
def test_alert_rules_pass_promtool_and_their_unit_tests(project: Path) -> None:
    """The rules parse, the local Prometheus config loads them, and their unit tests (series
    fed in, alerts expected to fire or stay quiet) pass."""
    tool(project, PROMTOOL, "check", "rules", f"{RULES}/alerts.yml", inputs=(RULES,))
    tool(project, PROMTOOL, "check", "config", f"{RULES}/prometheus.yml", inputs=(RULES,))
    tool(project, PROMTOOL, "test", "rules", f"{RULES}/alerts.test.yml", inputs=(RULES,))


def exported_metrics(project: Path) -> set[str]:
    """The series names the service's metrics.py defines, as Prometheus scrapes them."""
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    source = (project / "src" / answers["package_name"] / "metrics.py").read_text()
    names: set[str] = set()
    for kind, name in re.findall(r'\b(Counter|Gauge|Histogram)\(\s*"(\w+)"', source):
        suffixes = ("_bucket", "_sum", "_count") if kind == "Histogram" else ("",)
        names |= {name + suffix for suffix in suffixes}
    return names


def dashboard_expressions(dashboard: dict[str, object]) -> list[str]:
    panels = dashboard["panels"]
    assert isinstance(panels, list)
    return [target["expr"] for panel in panels for target in panel["targets"]]


def test_dashboard_queries_only_the_metrics_the_service_serves(project: Path) -> None:
    text = (project / "observability/grafana/dashboard.json").read_text()
    dashboard = json.loads(text)
    exported = exported_metrics(project)
    assert {"http_requests_total", "http_request_duration_seconds_bucket"} <= exported
    for expression in dashboard_expressions(dashboard):
        # Every selector names its job ({job="$job"}): a name followed by "{" is a metric.
        names = set(re.findall(r"([A-Za-z_:][\w:]*)\{", expression))
        assert names, expression
        assert names <= exported, (expression, names - exported)
    assert {variable["name"] for variable in dashboard["templating"]["list"]} >= {"datasource"}
    # Django keeps no connection pool: no panel that would always be empty.
    django = yaml.safe_load((project / ".copier-answers.yml").read_text())["framework"] == "django"
    assert ("db_pool_connections" in text) != django


@needs_promtool
def test_dashboard_queries_are_valid_promql(project: Path) -> None:
    """promtool parses each panel's query, as a recording rule with Grafana's variables set."""
    dashboard = json.loads((project / "observability/grafana/dashboard.json").read_text())
    variables = {"$__rate_interval": "5m", "$job": "job"}
    rules = []
    for number, query in enumerate(dashboard_expressions(dashboard)):
        expression = functools.reduce(
            lambda text, pair: text.replace(*pair), variables.items(), query
        )
        assert "$" not in expression, expression
        rules.append({"record": f"dashboard:panel_{number}", "expr": expression})
    text = yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]})
    # Named by content, so that identical dashboards share one verdict.
    path = VERDICTS / "dashboards" / f"{hashlib.sha256(text.encode()).hexdigest()}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    tool(project, PROMTOOL, "check", "rules", str(path), inputs=())


def test_dockerfile_passes_hadolint(project: Path) -> None:
    tool(
        project, "hadolint", "--failure-threshold", "warning", "Dockerfile", inputs=("Dockerfile",)
    )


def test_github_workflows_pass_actionlint_zizmor_and_the_schemas(project: Path) -> None:
    workflows = sorted(str(path) for path in (project / ".github/workflows").glob("*.yml"))
    if not workflows:
        pytest.skip("no GitHub workflows for this CI choice")
    github = (".github",)
    schema = ("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows)
    tool(project, *schema, inputs=github)
    tool(project, "actionlint", f"-shellcheck={BIN / 'shellcheck'}", *workflows, inputs=github)
    tool(project, "zizmor", "--offline", str(project / ".github"), inputs=github)
    dependabot = ("check-jsonschema", "--builtin-schema", "vendor.dependabot")
    tool(project, *dependabot, ".github/dependabot.yml", inputs=github)


def test_gitlab_pipeline_and_renovate_pass_their_schemas(project: Path) -> None:
    if not (project / ".gitlab-ci.yml").exists():
        pytest.skip("no GitLab pipeline for this CI choice")
    gitlab = ("check-jsonschema", "--builtin-schema", "vendor.gitlab-ci", ".gitlab-ci.yml")
    tool(project, *gitlab, inputs=(".gitlab-ci.yml",))
    renovate = ("check-jsonschema", "--builtin-schema", "vendor.renovate", "renovate.json")
    tool(project, *renovate, inputs=("renovate.json",))


def scheduled_only(job: dict[str, object]) -> bool:
    """A GitLab job that runs only in scheduled pipelines (the template drift jobs)."""
    rules = job.get("rules")
    return isinstance(rules, list) and all(
        '$CI_PIPELINE_SOURCE == "schedule"' in str(rule.get("if", "")) for rule in rules
    )


def gates(project: Path) -> dict[str, list[str]]:
    """Each CI job's own commands (setup steps aside), whichever provider runs them."""
    if (project / ".gitlab-ci.yml").exists():
        pipeline = yaml.safe_load((project / ".gitlab-ci.yml").read_text())
        return {
            name: list(job["script"])
            for name, job in pipeline.items()
            if isinstance(job, dict)
            and "script" in job
            and not name.startswith(".")
            and not scheduled_only(job)
        }
    workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
    return {
        name: [
            step["run"]
            for step in job["steps"]
            if "run" in step and step["run"] != "uv sync --locked"
        ]
        for name, job in workflow["jobs"].items()
    }


@pytest.mark.parametrize("database", ["sqlite", "postgresql", "mysql"])
def test_github_and_gitlab_run_the_same_gates(tmp_path: Path, database: str) -> None:
    """Job for job, the two providers run the same commands against the same database."""
    github = render(tmp_path / "github", ci="github", database=database)
    gitlab = render(tmp_path / "gitlab", ci="gitlab", database=database)
    github_gates, gitlab_gates = gates(github), gates(gitlab)
    assert (
        set(github_gates)
        == set(gitlab_gates)
        == {"lint", "typecheck", "test", "security", "container"}
    )
    for gate in ("lint", "typecheck", "test", "security"):
        assert github_gates[gate] == gitlab_gates[gate], gate
    # The coverage gate lives here: the projects' own addopts leave coverage out.
    assert "uv run pytest --cov" in github_gates["test"]
    workflow = yaml.safe_load((github / ".github/workflows/ci.yml").read_text())
    pipeline = yaml.safe_load((gitlab / ".gitlab-ci.yml").read_text())
    github_services = [
        service["image"] for service in workflow["jobs"]["test"].get("services", {}).values()
    ]
    gitlab_services = [service["name"] for service in pipeline["test"].get("services", [])]
    assert github_services == gitlab_services
    assert (database == "sqlite") == (not github_services)


def test_pre_commit_config_is_valid(project: Path) -> None:
    config = ".pre-commit-config.yaml"
    tool(project, "pre-commit", "validate-config", config, inputs=(config,))


def test_the_images_shutdown_fits_in_the_stop_timeouts(project: Path) -> None:
    """Readiness delay plus drain end before `docker stop` (10 s) and compose kill the
    container; a kill mid-drain would cut in-flight requests."""
    dockerfile = (project / "Dockerfile").read_text()
    delay = float(re.findall(r"SHUTDOWN_DELAY_SECONDS=(\d+)", dockerfile)[-1])
    drain = float(re.findall(r"GRACEFUL_SHUTDOWN_SECONDS=(\d+)", dockerfile)[-1])
    assert delay + drain < 10
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    grace = compose["services"]["app"]["stop_grace_period"]
    assert delay + drain < float(grace.removesuffix("s"))
