"""Name handling: slugs and package names derived from the project name, and their checks."""

from __future__ import annotations

import keyword
import re
import sys

_WORDS = re.compile(r"[A-Za-z0-9]+")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_PROJECT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9 ._-]*$")

# Packages every generated project imports: a package of the same name would shadow them.
_THIRD_PARTY = frozenset(
    {
        "alembic",
        "argon2",
        "fastapi",
        "httpx",
        "jwt",
        "mypy",
        "pwdlib",
        "pydantic",
        "pydantic_settings",
        "prometheus_client",
        "pytest",
        "ruff",
        "sqlalchemy",
        "starlette",
        "structlog",
        "uvicorn",
        "django",
        "ninja",
        "dj_database_url",
        "gunicorn",
        "whitenoise",
        "pytest_django",
        "flask",
        "tests",
        "migrations",
    }
)


def slugify(name: str) -> str:
    """'Payments API' -> 'payments-api'."""
    return "-".join(word.lower() for word in _WORDS.findall(name))


def to_package_name(name: str) -> str:
    """'Payments API' -> 'payments_api'; a leading digit gets a prefix to stay an identifier."""
    package = slugify(name).replace("-", "_")
    if package[:1].isdigit():
        package = f"svc_{package}"
    return package


def project_name_error(name: str) -> str:
    """Return why ``name`` is not a usable project name, or ''."""
    if not name.strip():
        return "The project name is empty. Use letters, digits, spaces, '.', '_' or '-', e.g. 'Payments API'."
    if len(name) > 64:
        return f"The project name is {len(name)} characters long; keep it to 64 at most."
    if not _PROJECT_NAME.match(name):
        return (
            f"'{name}' is not a valid project name: start with a letter and use only letters, "
            "digits, spaces, '.', '_' or '-', e.g. 'Payments API'."
        )
    return ""


def package_name_error(name: str) -> str:
    """Return why ``name`` cannot be the Python package name, or ''."""
    if not _IDENTIFIER.match(name):
        return (
            f"'{name}' is not a valid package name: use lowercase letters, digits and underscores, "
            "starting with a letter, e.g. 'payments_api'."
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return f"'{name}' is a Python keyword; choose another package name, e.g. '{name}_service'."
    if name in sys.stdlib_module_names:
        return (
            f"'{name}' would shadow the standard library module of the same name; "
            f"choose another package name, e.g. '{name}_service'."
        )
    if name in _THIRD_PARTY:
        return (
            f"'{name}' would shadow a package the generated service depends on; "
            f"choose another package name, e.g. '{name}_service'."
        )
    return ""


_EMAIL = re.compile(r"^[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def email_error(email: str) -> str:
    """Return why ``email`` is not a plausible address, or ''."""
    if not _EMAIL.match(email) or len(email) > 254:
        return f"'{email}' is not a valid email address; use the form name@example.com."
    return ""


def team_name_error(name: str) -> str:
    """Return why ``name`` cannot be the owning team's name, or ''."""
    if not name.strip():
        return "The team name is empty; give the owning team's name, e.g. 'Platform Team'."
    if any(ch in name for ch in '"\\\n') or len(name) > 100:
        return (
            "The team name must be at most 100 characters, with no quotes, backslashes or newlines."
        )
    return ""


_ORGANIZATION = re.compile(r"^\w([\w .,&'()+-]*[\w.)])?$")


def organization_error(name: str) -> str:
    """Return why ``name`` cannot be the organisation's name, or '' (empty is allowed)."""
    if name and (not _ORGANIZATION.match(name) or len(name) > 100):
        return (
            f"'{name}' cannot be the organisation name: use at most 100 letters, digits, "
            "spaces and . , & ' ( ) + - (or leave it empty)."
        )
    return ""


# host[:port]/path, lower case, as registries name repositories (no scheme, no tag).
_REGISTRY = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$")


def registry_error(prefix: str) -> str:
    """Return why ``prefix`` is not a container repository prefix, or '' (empty is allowed)."""
    if prefix and not _REGISTRY.match(prefix):
        return (
            f"'{prefix}' is not a container repository prefix: use lower-case host[/path] "
            "without a scheme or tag, e.g. 'registry.example.com/platform' (or empty for the "
            "CI provider's registry)."
        )
    return ""


# git check-ref-format's rules for a branch name, each with the part it refuses named.
_BRANCH_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"[^A-Za-z0-9._/-]"),
        "'{part}' is not allowed (use letters, digits, '.', '_', '-' and '/')",
    ),
    (re.compile(r"\.\."), "'..' is not allowed"),
    (re.compile(r"//"), "'//' (an empty path component) is not allowed"),
    (re.compile(r"^[/.-]"), "it must not start with '{part}'"),
    (re.compile(r"(?:^|/)\."), "a component must not start with '.'"),
    (re.compile(r"[/.]$"), "it must not end with '{part}'"),
    (re.compile(r"\.lock(?:/|$)"), "a component must not end with '.lock'"),
)


def branch_name_error(name: str) -> str:
    """Return why ``name`` is not a usable git branch name (naming the offending part), or ''."""
    if not name:
        return "The branch name is empty; use e.g. 'main' or 'trunk'."
    for pattern, reason in _BRANCH_RULES:
        found = pattern.search(name)
        if found:
            why = reason.format(part=found.group(0))
            return f"'{name}' is not a valid branch name: {why}; e.g. 'main' or 'trunk'."
    return ""
