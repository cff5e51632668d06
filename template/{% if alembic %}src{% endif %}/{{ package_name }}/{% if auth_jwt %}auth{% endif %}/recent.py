"""Login sessions checked a moment ago, so that reads need no lookup of their own.

Every request's access token is checked against its login session (revoked? expired? the
user deactivated?). For AUTH_CACHE_SECONDS after such a check, this worker answers GET and
HEAD requests of that session from memory; other requests always look it up. A change to
the login sessions or users committed by this worker (logout, a password change or reset)
drops its entries at once; elsewhere (other workers, a user deactivated in the database by
hand) access ends within AUTH_CACHE_SECONDS.
"""

import threading
import time
import uuid
from collections import OrderedDict
from typing import Any

from sqlalchemy import Delete, Engine, Update, event

from ..users.models import User
from .models import LoginSession

# Bounds the memory: the oldest entries go first (a few hundred bytes each).
MAX_ENTRIES = 10_000


class RecentLogins:
    """(login session, user) -> the user, for `ttl_seconds` after the check; 0 keeps none."""

    def __init__(self, ttl_seconds: float, max_entries: int = MAX_ENTRIES) -> None:
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._entries: OrderedDict[tuple[uuid.UUID, uuid.UUID], tuple[float, User]] = OrderedDict()
        self._lock = threading.Lock()  # Flask serves requests on threads

    def get(self, session_id: uuid.UUID, user_id: uuid.UUID) -> User | None:
        """The user checked less than `ttl_seconds` ago, or None."""
        with self._lock:
            entry = self._entries.get((session_id, user_id))
        if entry is None or entry[0] <= time.monotonic():
            return None
        return entry[1]

    def remember(self, session_id: uuid.UUID, user: User) -> None:
        """Keep a user just found live (read-only: the object is shared between requests)."""
        if self._ttl <= 0:
            return
        key = (session_id, user.id)
        with self._lock:
            self._entries[key] = (time.monotonic() + self._ttl, user)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def forget(self, session_id: uuid.UUID, user_id: uuid.UUID) -> None:
        with self._lock:
            self._entries.pop((session_id, user_id), None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


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
