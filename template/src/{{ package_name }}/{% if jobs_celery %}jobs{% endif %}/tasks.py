"""The service's jobs. Each is idempotent: a retry, or a worker lost mid-job, may run it twice.

Add yours here (or in a module listed in queue.py's `include`) with `@celery_app.task`; send
them from a request with `enqueue(job, ...)` (queue.py).
"""

import structlog

from ..config import Settings
from . import purge
from .queue import celery_app

logger = structlog.get_logger(__name__)


@celery_app.task
def purge_expired() -> None:
    """Delete the rows that outlived their use (purge.py); run by beat every
    JOBS_PURGE_INTERVAL_SECONDS. A second run finds nothing more to delete."""
    counts = purge.purge(Settings())
    logger.info("jobs.purged", **counts)
