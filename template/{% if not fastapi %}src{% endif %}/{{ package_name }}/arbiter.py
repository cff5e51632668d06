"""gunicorn's master process, with a drain between SIGTERM and closing the listener."""

import time

import structlog
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from .shutdown import start_draining

logger = structlog.get_logger(__name__)


class DrainingArbiter(Arbiter):
    """On SIGTERM, gunicorn's master closes the listener at once. This one first marks the
    service as draining (readiness answers 503 in every worker, shutdown.py) and keeps
    serving for `delay` seconds; then gunicorn's graceful stop runs as usual. A second
    SIGTERM stops at once.
    """

    def __init__(self, app: BaseApplication, delay: float) -> None:
        super().__init__(app)
        self.delay = delay
        self.stop_at: float | None = None

    def handle_term(self) -> None:
        if self.delay <= 0 or self.stop_at is not None:
            raise StopIteration  # gunicorn's own SIGTERM handling: the graceful stop
        start_draining()
        logger.info("shutdown.draining", seconds=self.delay)
        self.stop_at = time.monotonic() + self.delay

    def manage_workers(self) -> None:
        # The master loop wakes at least once a second and calls this.
        if self.stop_at is not None and time.monotonic() >= self.stop_at:
            raise StopIteration
        super().manage_workers()
