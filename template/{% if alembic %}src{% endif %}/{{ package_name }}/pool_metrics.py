"""The SQLAlchemy connection pool as metrics: connections in use and idle, per worker."""

from sqlalchemy import event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry, Pool, QueuePool

from .metrics import set_pool_connections


def watch_pool(pool: Pool) -> None:
    """Report the pool's connections whenever one is checked out or in.

    Only a QueuePool counts its connections; SQLite's file-less pools have nothing to report.
    SQLAlchemy has no public count of the requests waiting for a connection: a pool that
    stays at size + overflow in use is the sign that they wait (and time out after
    DATABASE_POOL_TIMEOUT_SECONDS).
    """
    if not isinstance(pool, QueuePool):
        return

    def checked_out(_: DBAPIConnection, __: ConnectionPoolEntry, ___: object) -> None:
        set_pool_connections(in_use=pool.checkedout(), idle=pool.checkedin())

    def checked_in(_: DBAPIConnection | None, __: ConnectionPoolEntry) -> None:
        # The event comes before the connection is back: count it as returned already. An
        # overflow connection beyond the pool's size is closed rather than kept idle.
        in_use = max(pool.checkedout() - 1, 0)
        set_pool_connections(in_use=in_use, idle=min(pool.checkedin() + 1, pool.size()))

    event.listen(pool, "checkout", checked_out)
    event.listen(pool, "checkin", checked_in)
