"""Every invalid answer is refused with a message that says what is wrong and what is accepted:
through --data, --data-file and the interactive prompt in a real terminal."""

from __future__ import annotations

import time
from pathlib import Path

import pexpect
import pytest
import yaml

from extensions.catalog import AUTH_PAIR_REFUSALS, PAIR_REFUSALS
from extensions.refusals import supported

from .rendering import BIN, TEMPLATE, copier_cli

# (answer, value, fragment of the message that must be shown)
INVALID_ANSWERS = [
    ("project_name", "9 lives", "start with a letter"),
    ("project_name", "", "The project name is empty"),
    ("package_name", "Payments-API", "not a valid package name"),
    ("package_name", "json", "shadow the standard library"),
    ("package_name", "lambda", "Python keyword"),
    ("package_name", "fastapi", "shadow a package"),
    ("description", "", "The description is empty"),
    ("description", 'say "hi"', "no double quotes"),
    ("description", "x" * 201, "under 200 characters"),
    ("team_name", "", "The team name is empty"),
    ("team_email", "not-an-email", "not a valid email address"),
    ("python_version", "3.11", "'3.11' is not in ['3.12', '3.13', '3.14']"),
    # copier lists the choices that are enabled today, whichever they are.
    ("framework", "rails", f"'rails' is not in {supported('framework')}"),
    ("database", "mongodb", "choose SQLite, PostgreSQL or MySQL / MariaDB"),
    ("auth", "kerberos", "'kerberos' is not in"),
    ("jobs", "rq", "Invalid choice for 'jobs': 'rq' is not in ['none', 'celery']"),
    ("default_branch", "feature..x", "not a valid branch name: '..' is not allowed"),
    ("default_branch", "-main", "must not start with '-'"),
    # An unknown value is reported against its own question, not a later one.
    ("ci", "jenkins", "Invalid choice for 'ci': 'jenkins' is not in"),
    ("framework", "rails", "Invalid choice for 'framework'"),
    ("organization", "Acme: Inc", "cannot be the organisation name"),
    ("container_registry", "https://registry.example.com", "not a container repository prefix"),
]


# Framework x database pairs still refused (the database question carries the refusal).
REFUSED_PAIRS = sorted(PAIR_REFUSALS)


def assert_refused(destination: Path, data: list[str], message: str) -> None:
    result = copier_cli(
        "copy",
        "--trust",
        "--defaults",
        "--vcs-ref=HEAD",
        *[f"--data={answer}" for answer in data],
        str(TEMPLATE),
        str(destination),
    )
    assert result.returncode == 1
    assert message in result.stderr
    # One line, not a traceback, and nothing half-rendered left behind.
    assert "Traceback" not in result.stderr
    assert not destination.exists()


@pytest.mark.parametrize(
    ("question", "value", "message"),
    INVALID_ANSWERS,
    ids=[f"{question}={value[:12]!r}" for question, value, _ in INVALID_ANSWERS],
)
def test_invalid_data_is_refused_with_a_clear_message(
    tmp_path: Path, question: str, value: str, message: str
) -> None:
    assert_refused(tmp_path / "project", [f"{question}={value}"], message)


@pytest.mark.parametrize(
    ("framework", "database"), REFUSED_PAIRS, ids=["-".join(pair) for pair in REFUSED_PAIRS]
)
def test_refused_pairs_are_refused_with_a_clear_message(
    tmp_path: Path, framework: str, database: str
) -> None:
    # Pair refusals need the earlier answer: "framework=django database=postgresql".
    message = PAIR_REFUSALS[framework, database].split(";")[0]
    data = [f"framework={framework}", f"database={database}"]
    assert_refused(tmp_path / "project", data, message)


# Framework x auth pairs still refused (the auth question carries the refusal).
REFUSED_AUTH_PAIRS = sorted(AUTH_PAIR_REFUSALS)


@pytest.mark.parametrize(
    ("framework", "auth"),
    REFUSED_AUTH_PAIRS,
    ids=["-".join(pair) for pair in REFUSED_AUTH_PAIRS],
)
def test_refused_auth_pairs_are_refused_with_a_clear_message(
    tmp_path: Path, framework: str, auth: str
) -> None:
    message = AUTH_PAIR_REFUSALS[framework, auth].split(";")[0]
    assert_refused(tmp_path / "project", [f"framework={framework}", f"auth={auth}"], message)


def test_invalid_data_file_is_refused(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text(yaml.safe_dump({"team_email": "nobody", "framework": "fastapi"}))
    destination = tmp_path / "project"
    result = copier_cli(
        "copy",
        "--trust",
        "--defaults",
        "--vcs-ref=HEAD",
        f"--data-file={answers}",
        str(TEMPLATE),
        str(destination),
    )
    assert result.returncode == 1
    assert "'nobody' is not a valid email address; use the form name@example.com" in result.stderr
    assert not destination.exists()


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"project_name": ["a", "b"]}, "The answer to 'project_name' must be a single value"),
        ({"framework": {"name": "flask"}}, "The answer to 'framework' must be a single value"),
    ],
    ids=["list", "mapping"],
)
def test_a_list_or_mapping_answer_is_refused_in_one_line(
    tmp_path: Path, answers: dict[str, object], message: str
) -> None:
    """A data file that gives several values where a question wants one."""
    data_file = tmp_path / "answers.yml"
    data_file.write_text(yaml.safe_dump(answers))
    destination = tmp_path / "project"
    result = copier_cli(
        "copy",
        "--trust",
        "--defaults",
        "--vcs-ref=HEAD",
        f"--data-file={data_file}",
        str(TEMPLATE),
        str(destination),
    )
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not destination.exists()


def test_valid_data_file_renders(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text(yaml.safe_dump({"project_name": "Billing", "ci": "none"}))
    result = copier_cli(
        "copy",
        "--trust",
        "--defaults",
        "--vcs-ref=HEAD",
        f"--data-file={answers}",
        str(TEMPLATE),
        str(tmp_path / "project"),
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "project/src/billing/app.py").is_file()
    assert not (tmp_path / "project/.github").exists()
    assert "Next steps" in result.stderr


class Terminal:
    """Drive copier's prompts in a pseudo-terminal, as a person at a keyboard would."""

    def __init__(self, destination: Path) -> None:
        self.child = pexpect.spawn(
            str(BIN / "copier"),
            ["copy", "--trust", "--vcs-ref=HEAD", str(TEMPLATE), str(destination)],
            encoding="utf-8",
            timeout=30,
            dimensions=(50, 220),
            env={"TERM": "xterm", "PATH": "/usr/bin:/bin", "HOME": str(destination.parent)},
        )

    def wait_for(self, text: str) -> None:
        self.child.expect_exact(text)

    def type(self, text: str) -> None:
        """Replace the pre-filled default with ``text`` (not submitted)."""
        time.sleep(0.3)  # let prompt_toolkit draw the prompt before keys arrive
        self.child.send("\x15")  # Ctrl-U: clear the line
        time.sleep(0.1)
        self.child.send(text)

    def accept_default_after(self, text: str) -> None:
        self.wait_for(text)
        self.submit()

    def choose_below(self, text: str, steps: int) -> None:
        """Once ``text`` is shown, move ``steps`` choices down and submit."""
        self.wait_for(text)
        time.sleep(0.3)
        self.child.send("\x1b[B" * steps)
        self.submit()

    def submit(self, text: str | None = None) -> None:
        if text is not None:
            self.type(text)
        time.sleep(0.3)
        self.child.send("\r")


def test_prompts_refuse_bad_answers_in_a_real_terminal(tmp_path: Path) -> None:
    destination = tmp_path / "project"
    terminal = Terminal(destination)
    terminal.wait_for("Project name")
    terminal.type("9 lives")
    terminal.wait_for("start with a letter")
    terminal.submit("Payments API")
    terminal.wait_for("Python package name")
    terminal.wait_for("payments_api")  # the default is derived from the project name
    terminal.type("json")
    terminal.wait_for("shadow the standard library")
    terminal.submit("payments_api")
    terminal.wait_for("One-line description")
    terminal.submit()
    terminal.wait_for("Owning team")
    terminal.submit()
    terminal.wait_for("Contact email")
    terminal.type("ada@")
    terminal.wait_for("not a valid email address")
    terminal.submit("ada@example.com")
    terminal.wait_for("Python version")
    terminal.submit()
    terminal.wait_for("Web framework")
    terminal.choose_below("Flask: small core", steps=2)  # FastAPI -> Django -> Flask
    terminal.wait_for("Database")
    # Refused choices are shown, greyed out, with the reason.
    terminal.wait_for("MongoDB is not available")
    terminal.submit()
    terminal.wait_for("How clients authenticate")
    terminal.submit()
    # Background jobs: None -> Celery on Redis.
    terminal.choose_below("Celery on Redis", steps=1)
    terminal.wait_for("CI provider")
    terminal.submit()
    terminal.wait_for("Default branch")  # asked only because a CI provider was chosen
    terminal.submit("trunk")
    # Kubernetes manifests: Helm is refused, shown greyed out with the reason.
    terminal.accept_default_after("A Helm chart is not available")
    terminal.wait_for("Organisation that owns the service")
    terminal.submit()
    terminal.wait_for("Container repository prefix")  # asked only with a CI provider
    terminal.submit()
    terminal.wait_for("Next steps")
    terminal.child.expect(pexpect.EOF, timeout=120)
    terminal.child.close()
    assert terminal.child.exitstatus == 0

    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "Payments API"
    assert answers["team_email"] == "ada@example.com"
    assert (answers["framework"], answers["database"], answers["jobs"]) == (
        "flask",
        "sqlite",
        "celery",
    )
    assert (destination / "src/payments_api/app.py").is_file()
    assert (destination / "src/payments_api/jobs/worker.py").is_file()
    assert "branches: [trunk]" in (destination / ".github/workflows/ci.yml").read_text()


def test_questions_that_do_not_apply_are_not_asked(tmp_path: Path) -> None:
    """With no CI provider there is no pipeline, so no default branch question."""
    destination = tmp_path / "project"
    terminal = Terminal(destination)
    for question in (
        "Project name",
        "Python package name",
        "One-line description",
        "Owning team",
        "Contact email",
        "Python version",
        "Web framework",
        "Database",
        "How clients authenticate",
        "Background jobs",
    ):
        terminal.wait_for(question)
        terminal.submit()
    terminal.wait_for("CI provider")
    time.sleep(0.3)
    terminal.child.send("\x1b[B\x1b[B")  # arrow down twice: GitHub -> GitLab -> None
    terminal.submit()
    index = terminal.child.expect_exact(["Default branch", "Kubernetes manifests"])
    assert index == 1, "the default branch question was asked although there is no CI"
    terminal.submit()
    terminal.wait_for("Organisation that owns")
    terminal.submit()
    index = terminal.child.expect_exact(["Container repository prefix", "Next steps"])
    assert index == 1, "the registry question was asked although there is no CI"
    terminal.child.expect(pexpect.EOF, timeout=120)
    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    assert answers["ci"] == "none"
    assert "default_branch" not in answers
    assert "container_registry" not in answers
