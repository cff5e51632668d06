"""Delivering mail off the request's path: ``deliver`` returns at once, a worker thread sends.

The one seam between the service and its mail transport: a job queue, where the project
has one, replaces this module and keeps ``deliver``'s signature. Without one, a small pool
of threads shared by every framework sends the mail: the request never waits for the SMTP
server, and a failing server never fails the request. A mail that cannot be sent is
retried with a doubling pause (MAIL_SEND_ATTEMPTS, MAIL_RETRY_DELAY_SECONDS), then given
up with an error line that names its kind and recipient, never its bodies: they may hold
a secret link. The queue is bounded: with MAX_PENDING mails waiting (a mail server down
for a while), the next is given up at once, with the same line. Mails still queued when
the process stops are sent before it exits; they live in memory only, so a process killed
before then loses them (a job queue keeps them).
"""

import contextvars
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache

import structlog

from ..config import Settings
from . import smtp
from .message import Mail

logger = structlog.get_logger(__name__)
# Mail is rare (password resets): two threads keep one slow server from holding up the rest.
WORKERS = 2
# Beyond this many mails waiting or being retried, new ones are given up (and logged).
MAX_PENDING = 100


@cache
def _workers() -> ThreadPoolExecutor:
    # Built at the first mail, so in the process that sends it (after any worker fork).
    return ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="mail")


_pending = threading.BoundedSemaphore(MAX_PENDING)


def deliver(settings: Settings, mail: Mail) -> None:
    """Send ``mail`` in the background; returns at once and never raises for the transport."""
    if not _pending.acquire(blocking=False):
        logger.error("mail.given_up", kind=mail.kind, to=mail.to, attempts=0, error="QueueFull")
        return
    # The copied context keeps the request id (and trace) on the worker's log lines.
    future = _workers().submit(contextvars.copy_context().run, send_with_retries, settings, mail)
    future.add_done_callback(_release)


def _release(_: Future[bool]) -> None:
    _pending.release()


def send_with_retries(settings: Settings, mail: Mail) -> bool:
    """Send now, retrying with a doubling pause; False once every attempt has failed."""
    delay = settings.mail_retry_delay_seconds
    for attempt in range(1, settings.mail_send_attempts + 1):
        error = _try_send(settings, mail)
        if error is None:
            logger.info("mail.sent", kind=mail.kind, attempt=attempt)
            return True
        if attempt < settings.mail_send_attempts:
            logger.warning(
                "mail.send_failed", kind=mail.kind, attempt=attempt, retry_in=delay, error=error
            )
            time.sleep(delay)
            delay *= 2
    # The kind and recipient say which mail was lost; its bodies (the link) are never logged.
    logger.error(
        "mail.given_up",
        kind=mail.kind,
        to=mail.to,
        attempts=settings.mail_send_attempts,
        error=error,
    )
    return False


def _try_send(settings: Settings, mail: Mail) -> str | None:
    """One attempt; the name of the error on failure (smtplib's and ssl's are OSErrors)."""
    try:
        smtp.send(
            settings.smtp_server,
            mail,
            sender=settings.mail_from,
            starttls=settings.smtp_starttls,
            timeout=settings.smtp_timeout_seconds,
        )
    except OSError as exc:
        return type(exc).__name__
    return None
