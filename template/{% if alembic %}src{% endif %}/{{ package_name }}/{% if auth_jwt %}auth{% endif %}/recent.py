"""SQLAlchemy's side of the login cache (login_cache.py): what it keeps (the user) and what
clears it (a committed change to the login sessions or users, seen by the engine)."""

import uuid
from typing import Any

from sqlalchemy import Delete, Engine, Update, event

from ..users.models import User
from .login_cache import LoginCache
from .models import LoginSession


class RecentLogins(LoginCache[User]):
    """(login session, user) -> the user, for `ttl_seconds` after the check; 0 keeps none."""

    def user_id_of(self, found: User) -> uuid.UUID:
        return found.id


_WATCHED = frozenset({LoginSession.__table__, User.__table__})
_CHANGED = "auth.recent.changed"


def forget_on_change(engine: Engine, recent: RecentLogins) -> None:
    """Clear `recent` when a transaction that changed login sessions or users commits.

    At the engine, so that every writer is seen: the ORM's flushes, bulk updates and
    deletes alike, whichever module runs them.
    """

    @event.listens_for(engine, "after_execute")
    def noted(connection: Any, statement: Any, *_: Any) -> None:
        if isinstance(statement, Update | Delete) and statement.table in _WATCHED:
            connection.info[_CHANGED] = True

    @event.listens_for(engine, "commit")
    def committed(connection: Any) -> None:
        if connection.info.pop(_CHANGED, False):
            recent.clear()

    @event.listens_for(engine, "rollback")
    def rolled_back(connection: Any) -> None:
        connection.info.pop(_CHANGED, None)
