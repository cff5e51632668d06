"""The six edits teams make most, made to a rendered project the way its own README says.

Chosen by rule, not by what merges: a real small dependency (`uv add humanize`), a `ping`
router, a setting it reads (GREETING), a table (`Note`) with its migration made by the
project's own `migration_create_command`, a test module, and a line in the README. A project
whose README has "Extending the service" gets them through its extension points
(routers.py, extra_settings.py, domains.py); an older one gets them where a developer of
that release put them: imports sorted as ruff sorts them, a registration line after the
last one of its kind, a field after the last field, a line at the end of a list.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from .projects import derived, uv

PACKAGE = "payments"
DEPENDENCY = "humanize"
GREETING = "hello from the team"
README_LINE = "On call: #payments-oncall; dashboards in the team's Grafana folder."

ROUTES = {
    "fastapi": '''"""Ping: a liveness answer of the team's own, with its greeting."""

from fastapi import APIRouter, Request

router = APIRouter(prefix="/ping", tags=["ping"])


@router.get("")
async def ping(request: Request) -> dict[str, str]:
    """Pong, and the greeting configured in GREETING."""
    return {"ping": "pong", "greeting": request.app.state.settings.greeting}
''',
    "flask": '''"""Ping: a liveness answer of the team's own, with its greeting."""

from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from ..dependencies import get_settings

blueprint = APIBlueprint("ping", __name__, url_prefix="/ping", abp_tags=[Tag(name="ping")])


@blueprint.get("")
def ping() -> dict[str, str]:
    """Pong, and the greeting configured in GREETING."""
    return {"ping": "pong", "greeting": get_settings().greeting}
''',
    "django": '''"""Ping: a liveness answer of the team's own, with its greeting."""

from django.conf import settings
from django.http import HttpRequest
from ninja import Router

router = Router(tags=["ping"])


@router.get("")
def ping(request: HttpRequest) -> dict[str, str]:
    """Pong, and the greeting configured in GREETING."""
    return {"ping": "pong", "greeting": settings.SERVICE.greeting}
''',
}
ROUTER_NAME = {"fastapi": "router", "flask": "blueprint", "django": "router"}

MODELS = {
    "sqlalchemy": '''"""Notes: a table of the team's own."""

import uuid

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    text: Mapped[str] = mapped_column(String(200))
''',
    "django": '''"""Notes: a table of the team's own."""

from django.db import models


class Note(models.Model):
    text = models.CharField(max_length=200)
''',
}

TEST_MODULE = '''"""The team's ping endpoint."""

from typing import Any


def test_ping_answers_pong_with_the_greeting(client: Any) -> None:
    response = client.get("/api/v1/ping")
    assert response.status_code == 200
    assert response.json() == {"ping": "pong", "greeting": "GREETING_VALUE"}
'''


@dataclass(frozen=True)
class Edited:
    """What the edits left, to check after an update: text each file must still hold."""

    kept: dict[str, str]
    extension_points: bool


def _insert_after_last(text: str, pattern: str, line: str) -> str:
    """Insert `line` after the last line matching `pattern` (a registration of its kind)."""
    lines = text.splitlines(keepends=True)
    index = max(i for i, existing in enumerate(lines) if re.search(pattern, existing))
    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
    lines.insert(index + 1, indent + line + "\n")
    return "".join(lines)


def _add_import(path: Path, statement: str) -> None:
    """Add an import at the top of the import block; ruff sorts it where it belongs."""
    text = path.read_text()
    first = re.search(r"^(from|import) ", text, re.MULTILINE)
    assert first is not None, path
    path.write_text(text[: first.start()] + statement + "\n" + text[first.start() :])


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def _src(project: Path) -> Path:
    return project / "src" / PACKAGE


def add_dependency(project: Path) -> None:
    """`uv add`, as the README says; it locks too."""
    uv(project, "add", DEPENDENCY)


def register_setting(project: Path, *, extension_points: bool) -> None:
    field = f'    # Greeting of the ping endpoint.\n    greeting: str = "{GREETING}"'
    if extension_points:
        extra = _src(project) / "extra_settings.py"
        extra.write_text(extra.read_text().rstrip("\n") + "\n\n" + field + "\n")
        return
    config = _src(project) / "config.py"  # after the last field of Settings
    text = config.read_text()
    end = text.index("\n\n    @", text.index("class Settings("))
    config.write_text(text[:end] + "\n" + field + text[end:])


def document_setting(project: Path) -> None:
    env = project / ".env.example"
    env.write_text(env.read_text() + f"# Greeting of the ping endpoint.\nGREETING={GREETING}\n")


def write_router(project: Path, framework: str) -> None:
    (_src(project) / "ping").mkdir()
    (_src(project) / "ping/__init__.py").write_text('"""The team\'s ping endpoint."""\n')
    (_src(project) / "ping/routes.py").write_text(ROUTES[framework])


def register_router(project: Path, framework: str, *, extension_points: bool) -> None:
    name = ROUTER_NAME[framework]
    alias = f"ping_{name}"
    statement = f"from .ping.routes import {name} as {alias}"
    if extension_points:
        routers = _src(project) / "routers.py"
        _add_import(routers, statement)
        if framework == "django":
            _replace(routers, "] = {}\n", f'] = {{"/ping": {alias}}}\n')
        else:
            _replace(routers, "] = []\n", f"] = [{alias}]\n")
        return
    wiring = _src(project) / ("api.py" if framework == "django" else "app.py")
    _add_import(wiring, statement)
    after, line = {  # after the last registration of the template's own
        "fastapi": (r"api\.include_router\(items_router\)", f"api.include_router({alias})"),
        "flask": (r"api\.register_api\(items_blueprint\)", f"api.register_api({alias})"),
        "django": (r'api\.add_router\("/api/v1/items"', f'api.add_router("/api/v1/ping", {alias})'),
    }[framework]
    wiring.write_text(_insert_after_last(wiring.read_text(), after, line))


def write_table(project: Path, framework: str) -> None:
    notes = _src(project) / "notes"
    notes.mkdir()
    (notes / "__init__.py").write_text('"""The team\'s notes."""\n')
    (notes / "models.py").write_text(MODELS["django" if framework == "django" else "sqlalchemy"])
    if framework == "django":
        (notes / "migrations").mkdir()
        (notes / "migrations/__init__.py").write_text("")


def register_table(project: Path, framework: str, *, extension_points: bool) -> None:
    src = _src(project)
    if framework == "django":
        if extension_points:
            _replace(src / "domains.py", "] = []\n", f'] = ["{PACKAGE}.notes"]\n')
        else:
            settings = src / "settings.py"
            line = f'"{PACKAGE}.notes",'
            settings.write_text(
                _insert_after_last(settings.read_text(), rf'"{PACKAGE}\.items",', line)
            )
        return
    statement = "from .notes import models as note_models"
    if extension_points:
        domains = src / "domains.py"
        domains.write_text(domains.read_text() + f'\n{statement}\n\n__all__ = ["note_models"]\n')
    elif (src / "models.py").exists():  # since v0.2.0: one module imports every table
        _add_import(src / "models.py", statement)
        models = src / "models.py"
        models.write_text(re.sub(r"(__all__ = \[.*)\]", r'\1, "note_models"]', models.read_text()))
    else:  # v0.1.0: Alembic's env.py imports each models module
        env = project / "migrations/env.py"
        line = f"from {PACKAGE}.notes import models as _notes  # noqa: F401"
        after = r"^from \S+ import models as _\w+  # noqa: F401"
        env.write_text(_insert_after_last(env.read_text(), after, line))


def make_migration(project: Path, framework: str) -> None:
    """The project's own migration_create_command (after migrating, as autogenerate needs)."""
    if framework != "django":
        uv(project, "run", *shlex.split(str(derived(project)["migrate_command"]))[2:])
    create = shlex.split(str(derived(project)["migration_create_command"]))
    if "--autogenerate" in create:
        create[create.index("-m") + 1] = "add notes"
    uv(project, "run", *create[2:])


def write_test(project: Path, framework: str) -> None:
    module = TEST_MODULE.replace("GREETING_VALUE", GREETING)
    if framework == "flask" and not (project / "tests/clients.py").exists():
        # Before the one httpx2 client (tests/clients.py), Flask's tests used Flask's own
        # test client, which parses JSON with get_json().
        module = module.replace("response.json()", "response.get_json()")
    (project / "tests/test_ping.py").write_text(module)


def follow_the_updating_notes(project: Path) -> None:
    """The manual steps CHANGELOG.md's "Updating" asks of a team's own code.

    Flask's `client` fixture became an httpx2 client, as in the other frameworks: JSON is
    `response.json()`, no longer Flask's `response.get_json()`."""
    for path in (project / "tests").rglob("*.py"):
        text = path.read_text()
        if ".get_json()" in text:
            path.write_text(text.replace(".get_json()", ".json()"))


def write_readme_line(project: Path) -> None:
    """A line in the README's own section: its last one (or, before it existed, the end)."""
    readme = project / "README.md"
    readme.write_text(readme.read_text().rstrip("\n") + f"\n\n{README_LINE}\n")


def tidy(project: Path) -> None:
    """As the project's pre-commit hooks leave it: imports sorted, code formatted."""
    uv(project, "run", "ruff", "check", "--fix", "--quiet", ".")
    uv(project, "run", "ruff", "format", "--quiet", ".")


def has_extension_points(project: Path) -> bool:
    return "## Extending the service" in (project / "README.md").read_text()


def edit_as_a_team_would(project: Path, framework: str) -> Edited:
    """Make the six edits (the project's venv must be installed); return what must survive."""
    extension_points = has_extension_points(project)
    add_dependency(project)
    register_setting(project, extension_points=extension_points)
    document_setting(project)
    write_router(project, framework)
    register_router(project, framework, extension_points=extension_points)
    write_table(project, framework)
    register_table(project, framework, extension_points=extension_points)
    make_migration(project, framework)
    write_test(project, framework)
    write_readme_line(project)
    tidy(project)
    return Edited(
        kept={
            "pyproject.toml": f'"{DEPENDENCY}>=',
            ".env.example": f"GREETING={GREETING}",
            "README.md": README_LINE,
            "tests/test_ping.py": "test_ping_answers_pong_with_the_greeting",
            f"src/{PACKAGE}/ping/routes.py": "def ping(",
            f"src/{PACKAGE}/notes/models.py": "class Note(",
        },
        extension_points=extension_points,
    )


def redo_through_extension_points(project: Path, framework: str, files: list[str]) -> None:
    """Make again, where "Extending the service" says, the edits these files held."""
    src = f"src/{PACKAGE}/"
    redo = set(files)
    if "pyproject.toml" in redo:
        add_dependency(project)
    if redo & {src + "app.py", src + "api.py"}:
        register_router(project, framework, extension_points=True)
    if src + "config.py" in redo:
        register_setting(project, extension_points=True)
    if redo & {src + "models.py", "migrations/env.py", src + "settings.py"}:
        register_table(project, framework, extension_points=True)
    if "README.md" in redo:
        write_readme_line(project)
    if ".env.example" in redo:
        document_setting(project)
    tidy(project)
