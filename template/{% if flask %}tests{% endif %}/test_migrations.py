"""The migrations build the schema the models describe, and re-running them is a no-op."""

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def alembic_config(tmp_path: Path) -> Config:
    config = Config(PROJECT_ROOT / "alembic.ini")
    # A directory that does not exist yet, like the default var/ on a fresh checkout.
    config.set_main_option("sqlalchemy.url", f"sqlite:///{tmp_path / 'var' / 'migrations.db'}")
    return config


def test_upgrade_creates_the_schema_and_is_idempotent(alembic_config: Config) -> None:
    command.upgrade(alembic_config, "head")
    command.upgrade(alembic_config, "head")  # a second run changes nothing

    engine = create_engine(alembic_config.get_main_option("sqlalchemy.url") or "")
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"users", "items", "alembic_version"} <= tables


def test_models_and_migrations_agree(alembic_config: Config) -> None:
    command.upgrade(alembic_config, "head")
    command.check(alembic_config)  # raises when the models changed without a migration


def test_downgrade_to_base_and_back(alembic_config: Config) -> None:
    command.upgrade(alembic_config, "head")
    command.downgrade(alembic_config, "base")
    command.upgrade(alembic_config, "head")


def test_single_head() -> None:
    script = ScriptDirectory.from_config(Config(PROJECT_ROOT / "alembic.ini"))
    assert len(script.get_heads()) == 1
