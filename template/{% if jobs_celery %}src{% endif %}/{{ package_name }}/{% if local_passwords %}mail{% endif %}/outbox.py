"""Delivering mail through the job queue: ``deliver`` enqueues a send_mail job, a worker
(`python -m <package> worker`) sends it.

The one seam between the service and its mail transport (without the job queue, another
outbox.py of the same functions sends on threads). Called before the request's transaction
commits: a broker that does not take the mail is a JobQueueUnavailableError (503 problem+json
with Retry-After), the transaction rolls back, and nothing of the request is kept. Once
enqueued, the mail lives in Redis until sent: a restart loses nothing.

Each attempt is one run of the job; a failed one is retried after the queue's backoff
(doubling from MAIL_RETRY_DELAY_SECONDS, with jitter, at most
JOBS_RETRY_BACKOFF_MAX_SECONDS), MAIL_SEND_ATTEMPTS times in all, then given up with the
same mail.given_up line as without the queue: its kind and recipient, never its bodies.
The job carries the bodies (the link) in Redis until it is done: keep the broker as
private as the database.
"""

import random
from dataclasses import asdict
from typing import Any

from ..config import Settings
from ..jobs.queue import Job, celery_app, enqueue, ping_broker
from .message import Mail
from .sending import failed, given_up, sent, try_send


def check_ready() -> None:
    """Raise JobQueueUnavailableError unless the broker answers now: a request calls it
    whatever it will mail, so a 503 never tells which requests would have sent one."""
    ping_broker()


def deliver(settings: Settings, mail: Mail) -> None:  # noqa: ARG001  (the outbox's signature)
    """Enqueue ``mail``; JobQueueUnavailableError (a 503) when the broker does not take it.

    It blocks while it talks to Redis (milliseconds): async code calls it in a thread.
    """
    enqueue(send_mail, asdict(mail))


def close() -> None:
    """Nothing to stop: what is enqueued waits in Redis for a worker."""


@celery_app.task(bind=True)
def send_mail(job: Job, mail: dict[str, Any]) -> None:
    """One attempt at the mail; a failed one is retried (see the module's docstring)."""
    settings, letter = Settings(), Mail(**mail)
    attempt = job.request.retries + 1
    error = try_send(settings, letter)
    if error is None:
        sent(letter, attempt=attempt)
        return
    if attempt >= settings.mail_send_attempts:
        given_up(letter, attempts=attempt, error=error)
        return
    pause = min(settings.mail_retry_delay_seconds * 2 ** (attempt - 1), job.retry_backoff_max)
    retry_in = random.uniform(pause / 2, pause) if job.retry_jitter else pause  # noqa: S311
    failed(letter, attempt=attempt, retry_in=round(retry_in, 2), error=error)
    raise job.retry(countdown=retry_in, max_retries=settings.mail_send_attempts - 1)
