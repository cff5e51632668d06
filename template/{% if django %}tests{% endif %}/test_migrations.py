"""The migrations build the schema the models describe, and re-running them is a no-op."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def test_models_and_migrations_agree() -> None:
    # Exits non-zero when a model changed without a migration.
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_migrate_creates_the_database_and_is_idempotent(tmp_path: Path) -> None:
    # A directory that does not exist yet, like the default var/ on a fresh checkout.
    database = tmp_path / "var" / "migrations.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "ENVIRONMENT": "test"}
    for _ in range(2):  # the second run changes nothing
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input"],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    assert "No migrations to apply" in result.stdout
    assert database.is_file()


@pytest.mark.django_db(transaction=True)
def test_unapply_and_reapply_the_items_migrations() -> None:
    call_command("migrate", "items", "zero", verbosity=0)
    assert "items_item" not in connection.introspection.table_names()
    call_command("migrate", "items", verbosity=0)
    assert "items_item" in connection.introspection.table_names()
