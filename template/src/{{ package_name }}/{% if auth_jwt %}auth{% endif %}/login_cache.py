"""Login sessions checked a moment ago, so that reads need no lookup of their own.

Every request's access token is checked against its login session (revoked? expired? the
user deactivated?). For AUTH_CACHE_SECONDS after such a check, a worker answers GET and
HEAD requests of that session from memory; other requests always look it up. A change to
the login sessions or users committed by this worker (logout, a password change or reset)
drops its entries at once (recent.py: the ORM's side); elsewhere (other workers, a user
deactivated in the database by hand) access ends within AUTH_CACHE_SECONDS.
"""

import threading
import time
import uuid
from collections import OrderedDict

# Bounds the memory: the oldest entries go first (a few hundred bytes each).
MAX_ENTRIES = 10_000


class LoginCache[T]:
    """(login session, user) -> what the check found, for `ttl_seconds`; 0 keeps none."""

    def __init__(self, ttl_seconds: float, max_entries: int = MAX_ENTRIES) -> None:
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._entries: OrderedDict[tuple[uuid.UUID, uuid.UUID], tuple[float, T]] = OrderedDict()
        self._lock = threading.Lock()  # sync servers serve requests on threads

    def user_id_of(self, found: T) -> uuid.UUID:
        """The user id of what a check found (the ORM's side says where it is)."""
        raise NotImplementedError

    def get(self, session_id: uuid.UUID, user_id: uuid.UUID) -> T | None:
        """What the check less than `ttl_seconds` ago found, or None."""
        with self._lock:
            entry = self._entries.get((session_id, user_id))
        if entry is None or entry[0] <= time.monotonic():
            return None
        return entry[1]

    def remember(self, session_id: uuid.UUID, found: T) -> None:
        """Keep what a check just found live (read-only: it is shared between requests)."""
        if self._ttl <= 0:
            return
        key = (session_id, self.user_id_of(found))
        with self._lock:
            self._entries[key] = (time.monotonic() + self._ttl, found)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def forget(self, session_id: uuid.UUID, user_id: uuid.UUID) -> None:
        with self._lock:
            self._entries.pop((session_id, user_id), None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
