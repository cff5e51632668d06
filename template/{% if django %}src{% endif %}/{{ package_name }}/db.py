"""Database access: Django's connection settings from DATABASE_URL, and the readiness ping."""

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import dj_database_url
import structlog
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from .config import Settings

logger = structlog.get_logger(__name__)

SQLITE_BUSY_TIMEOUT_SECONDS = 5
# WAL lets readers proceed during a write; Django turns SQLite's foreign keys on itself.
_SQLITE_PRAGMAS = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
# Connections are reused for a minute and checked before reuse.
_CONNECTION_MAX_AGE_SECONDS = 60

# One thread for readiness pings, so a hung database cannot hold the request past its timeout.
_pinger = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-ping")


def database_config(settings: Settings) -> dict[str, Any]:
    """Django's DATABASES["default"] for DATABASE_URL (dj-database-url maps scheme to backend)."""
    config: dict[str, Any] = dict(
        dj_database_url.parse(
            settings.database_url,
            conn_max_age=_CONNECTION_MAX_AGE_SECONDS,
            conn_health_checks=True,
        )
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        ensure_sqlite_directory(str(config["NAME"]))
        config["OPTIONS"] = {
            "init_command": _SQLITE_PRAGMAS,
            "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
            # Take the write lock at BEGIN: concurrent writers wait for it (busy timeout)
            # instead of failing halfway with "database is locked".
            "transaction_mode": "IMMEDIATE",
        }
    return config


def ensure_sqlite_directory(name: str) -> None:
    """SQLite creates the database file, but not the directory it lives in."""
    if name and name != ":memory:" and not name.startswith("file:"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)


def _select_one(alias: str) -> None:
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()


def ping(timeout: float, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Run SELECT 1 on a fresh connection: TimeoutError after `timeout` s, else the DB's error."""
    _pinger.submit(_select_one, alias).result(timeout=timeout)


class DatabaseUnavailableError(RuntimeError):
    """The database did not answer within DATABASE_STARTUP_TIMEOUT_SECONDS."""


def wait_for_database(timeout_seconds: float, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Retry with exponential backoff until the database answers; give up after the timeout.

    Containers often start before their database: waiting turns a crash loop into a short,
    logged delay, and a clear error when the database really is not there.
    """
    deadline = time.monotonic() + timeout_seconds
    delay = 0.1
    while True:
        try:
            _select_one(alias)
        except (OSError, DatabaseError) as exc:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                msg = f"the database did not answer within {timeout_seconds:g} s ({exc!r})"
                raise DatabaseUnavailableError(msg) from exc
            error = type(exc).__name__
            logger.warning("database_unavailable", retry_in=round(delay, 2), error=error)
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 2.0)
        else:
            return
