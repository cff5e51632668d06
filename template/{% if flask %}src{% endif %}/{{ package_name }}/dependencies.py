"""Request-scoped dependencies shared by the routes: the settings, the engine and one
database session per request. They live on the app (settings, engine) and on Flask's
application context (the session), so nothing is global and tests build apps freely.
"""

from dataclasses import dataclass
from typing import cast

import structlog
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from .config import Settings
from .db import create_engine, create_read_session_factory, create_session_factory
from .orm import SAFE_METHODS

EXTENSION = "service"
logger = structlog.get_logger(__name__)


@dataclass
class Resources:
    """What the app holds for its requests, under ``app.extensions[EXTENSION]``."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    read_session_factory: sessionmaker[Session]  # GET and HEAD (db.py)


def init_app(app: Flask, settings: Settings) -> None:
    engine = create_engine(settings)
    app.extensions[EXTENSION] = Resources(
        settings, engine, create_session_factory(engine), create_read_session_factory(engine)
    )
    app.teardown_appcontext(_close_session)


def resources(app: Flask | None = None) -> Resources:
    return cast(Resources, (app if app is not None else current_app).extensions[EXTENSION])


def get_settings() -> Settings:
    return resources().settings


def get_engine() -> Engine:
    return resources().engine


def get_session() -> Session:
    """The request's session, opened on first use; services commit, teardown closes it."""
    if "db_session" not in g:
        found = resources()
        reads = has_request_context() and request.method in SAFE_METHODS
        g.db_session = (found.read_session_factory if reads else found.session_factory)()
    return cast(Session, g.db_session)


def _close_session(_: BaseException | None) -> None:
    # Closing rolls back whatever a failed request left uncommitted.
    session: Session | None = g.pop("db_session", None)
    if session is None:
        return
    try:
        session.close()
    except (SQLAlchemyError, OSError) as exc:
        # The response is already built: a commit that succeeded stays a success even if
        # the database goes away before the connection is handed back (a dead connection is
        # invalidated, and the pool opens a new one when it is next needed).
        logger.warning("database.close_failed", error=type(exc).__name__)
