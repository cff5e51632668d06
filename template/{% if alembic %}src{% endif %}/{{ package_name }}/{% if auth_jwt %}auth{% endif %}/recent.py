"""Login sessions checked a moment ago, so that reads need no lookup of their own.

Every request's access token is checked against its login session (revoked? expired? the
user deactivated?). For AUTH_CACHE_SECONDS after such a check, this worker answers GET and
HEAD requests of that session from memory; other requests always look it up. Logging out
and changing the password drop this worker's entries at once; elsewhere (other workers, a
user deactivated in the database) access ends within AUTH_CACHE_SECONDS.
"""

import threading
import time
import uuid
from collections import OrderedDict

from ..users.models import User

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
