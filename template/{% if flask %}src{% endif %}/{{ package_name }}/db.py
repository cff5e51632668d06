"""Database access: the declarative base, the engine and its sessions."""

import time
from pathlib import Path
from typing import Any

import sqlalchemy
import structlog
from sqlalchemy import Engine, MetaData, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from .config import Settings

logger = structlog.get_logger(__name__)

# Deterministic constraint names, so migrations can drop and alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# DATABASE_URL names the database, not the driver: map it to the driver we ship.
_DRIVERS = {"sqlite": "sqlite+pysqlite"}
SQLITE_BUSY_TIMEOUT_MS = 5000


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def sync_url(database_url: str) -> URL:
    """Return DATABASE_URL with the driver of its database filled in."""
    url = make_url(database_url)
    return url.set(drivername=_DRIVERS.get(url.drivername, url.drivername))


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    # WAL lets readers proceed during a write; SQLite leaves foreign keys off unless asked.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def ensure_sqlite_directory(url: URL) -> None:
    """SQLite creates the database file, but not the directory it lives in."""
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def create_engine(settings: Settings) -> Engine:
    """Create the engine; nothing connects until the first query."""
    url = sync_url(settings.database_url)
    ensure_sqlite_directory(url)
    if url.get_backend_name() == "sqlite":
        engine = sqlalchemy.create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sqlalchemy.create_engine(url, pool_pre_ping=True)


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: objects stay readable after commit, without another query.
    return sessionmaker(engine, expire_on_commit=False)


class DatabaseUnavailableError(RuntimeError):
    """The database did not answer within DATABASE_STARTUP_TIMEOUT_SECONDS."""


def ping(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def wait_for_database(engine: Engine, timeout_seconds: float) -> None:
    """Retry with exponential backoff until the database answers; give up after the timeout.

    Containers often start before their database: waiting turns a crash loop into a short,
    logged delay, and a clear error when the database really is not there.
    """
    deadline = time.monotonic() + timeout_seconds
    delay = 0.1
    while True:
        try:
            ping(engine)
        except (OSError, SQLAlchemyError) as exc:
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
