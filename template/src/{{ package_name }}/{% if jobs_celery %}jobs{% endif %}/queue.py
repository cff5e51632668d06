"""The job queue: Celery on Redis, configured from the settings, and what every job shares.

Nothing connects at import: the configuration is read when Celery first needs it, and the
broker is reached when a job is sent or a worker starts.
"""

from typing import Any, ClassVar

import structlog
from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import setup_logging, task_failure, task_retry
from kombu.exceptions import OperationalError

from ..config import Settings
from ..exceptions import ServiceUnavailableError
from ..log import configure_logging

logger = structlog.get_logger(__name__)

PACKAGE = __package__.rpartition(".")[0]
# Attempts of a failing job after the first one, before it gives up.
MAX_RETRIES = 5
BROKER_UNAVAILABLE = "The job queue is not reachable; try again shortly."


class Job(Task[Any, Any]):
    """The base of every job: retried on any error with exponential backoff (2, 4, 8 s, ...
    with full jitter, at most JOBS_RETRY_BACKOFF_MAX_SECONDS), MAX_RETRIES times.

    A job may run more than once (a retry, a worker lost mid-job): write it so that a second
    run changes nothing more (idempotent).
    """

    autoretry_for = (Exception,)
    # A job that ran out of time would run out of time again.
    dont_autoretry_for = (SoftTimeLimitExceeded,)
    max_retries = MAX_RETRIES
    retry_backoff = 2
    # Replaced by JOBS_RETRY_BACKOFF_MAX_SECONDS (task_annotations) when the job is bound.
    retry_backoff_max = 600
    retry_jitter = True


def celery_config(settings: Settings) -> dict[str, Any]:
    """Celery's settings, from ours."""
    timeout = settings.jobs_broker_timeout_seconds
    return {
        "broker_url": settings.jobs_broker_url,
        "broker_connection_timeout": timeout,
        "broker_transport_options": {
            # A job taken by a worker that died is delivered again after this long; every
            # worker looks for such jobs every 10 s (throttle 1: at each look).
            "visibility_timeout": settings.jobs_visibility_timeout_seconds,
            "unacked_restore_throttle": 1,
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
        },
        # A request sending a job while the broker is down fails fast (503, see enqueue).
        "task_publish_retry_policy": {
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.2,
            "interval_max": 0.5,
        },
        # JSON only: a pickled message from whoever can write to Redis would run code.
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        # Jobs write their effects to the database; nobody waits for a result.
        "task_ignore_result": True,
        # Acknowledged when done, not when taken: a worker killed mid-job loses nothing,
        # and each process takes one job at a time, so no job waits behind a long one.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "worker_concurrency": settings.jobs_concurrency,
        # The hard limit kills the job; the soft one (90%) raises in it first.
        "task_time_limit": settings.jobs_time_limit_seconds,
        # Set on every job as it is registered (a job's own decorator options still win).
        "task_annotations": {"*": {"retry_backoff_max": settings.jobs_retry_backoff_max_seconds}},
        "task_soft_time_limit": max(1, settings.jobs_time_limit_seconds * 9 // 10),
        # Our logging (JSON lines in production), not Celery's; print() stays print().
        "worker_hijack_root_logger": False,
        "worker_redirect_stdouts": False,
        "enable_utc": True,
        "timezone": "UTC",
        # The schedule in memory, not in a file (the image's file system is read-only): a
        # restarted beat sends the purge at once, which is harmless.
        "beat_scheduler": "celery.beat:Scheduler",
        "beat_schedule": {
            "purge-expired": {
                "task": f"{PACKAGE}.jobs.tasks.purge_expired",
                "schedule": float(settings.jobs_purge_interval_seconds),
            }
        },
    }


celery_app = Celery(PACKAGE, task_cls=Job, include=[f"{PACKAGE}.jobs.tasks"])
# Read when Celery first needs its configuration, not at import.
celery_app.add_defaults(lambda: celery_config(Settings()))


class JobQueueUnavailableError(ServiceUnavailableError):
    """The broker did not take the job: a 503 the client may retry."""

    headers: ClassVar[dict[str, str]] = {"Retry-After": "5"}


def enqueue(job: Task[Any, Any], *args: Any, **kwargs: Any) -> str:
    """Send a job from a request; returns its id. A broker that cannot be reached is a
    JobQueueUnavailableError (503 problem+json with Retry-After), never a 500.

    It blocks while it talks to Redis (milliseconds): async code calls it in a thread.
    """
    try:
        return str(job.apply_async(args, kwargs).id)
    except OperationalError as exc:
        logger.warning("jobs.broker_unavailable", job=job.name, error=type(exc).__name__)
        raise JobQueueUnavailableError(BROKER_UNAVAILABLE) from exc


@setup_logging.connect(dispatch_uid="jobs.logging")
def _use_service_logging(**_: Any) -> None:
    """Celery logs through the service's logging (log.py) instead of configuring its own."""
    configure_logging(Settings())


@task_retry.connect(dispatch_uid="jobs.retry")
def _log_retry(request: Any = None, reason: object = None, **_: Any) -> None:
    logger.warning(
        "job.retrying",
        job=getattr(request, "task", None),
        job_id=getattr(request, "id", None),
        attempt=getattr(request, "retries", 0) + 1,
        error=type(reason).__name__,
    )


@task_failure.connect(dispatch_uid="jobs.gave_up")
def _log_gave_up(
    sender: Task[Any, Any] | None = None,
    task_id: str | None = None,
    exception: BaseException | None = None,
    **_: Any,
) -> None:
    """The one line to alert on: a job that failed for good (retries spent, or no retry)."""
    logger.error(
        "job.gave_up",
        job=getattr(sender, "name", None),
        job_id=task_id,
        attempts=sender.request.retries + 1 if sender is not None else None,
        error=type(exception).__name__,
    )
