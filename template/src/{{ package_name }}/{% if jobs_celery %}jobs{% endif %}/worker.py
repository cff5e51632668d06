"""`python -m <package> worker` and `python -m <package> beat`: Celery's worker and
scheduler, with the service's settings and logging, after a check that the broker answers.

Options after the command go to Celery (`worker --concurrency 8`, `worker --queues ...`).
"""

import math
import sys

from kombu.exceptions import OperationalError

from ..config import Settings
from ..log import configure_logging
from .queue import celery_app

COMMANDS = ("worker", "beat")


def check_broker(settings: Settings) -> None:
    """Exit with one line naming the setting when the broker does not answer."""
    with celery_app.connection_for_write(settings.jobs_broker_url) as connection:
        try:
            timeout = math.ceil(settings.jobs_broker_timeout_seconds)
            connection.ensure_connection(max_retries=2, interval_start=1, timeout=timeout)
        except OperationalError as exc:
            # as_uri() hides the password.
            sys.exit(
                f"JOBS_BROKER_URL: the broker at {connection.as_uri()} is not reachable "
                f"({type(exc).__name__}: {exc})"
            )


def run(command: str, options: list[str]) -> None:
    """Start the worker (runs jobs) or beat (sends the periodic ones); one beat per service."""
    settings = Settings()
    configure_logging(settings)
    check_broker(settings)
    level = ["--loglevel", settings.log_level]
    if command == "worker":
        # SIGTERM: a warm shutdown, the running jobs finish (each within its time limit) and
        # the worker exits; SIGKILL: the unacknowledged jobs go back to the queue.
        celery_app.start(["--quiet", "worker", *level, *options])
    else:
        celery_app.start(["--quiet", "beat", *level, *options])
