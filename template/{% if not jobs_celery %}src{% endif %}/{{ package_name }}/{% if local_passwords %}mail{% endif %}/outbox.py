"""Delivering mail off the request's path: ``deliver`` returns at once, a worker thread sends.

The one seam between the service and its mail transport: with the job queue (jobs=celery)
another outbox.py, of the same functions, sends through it instead. Here a small pool
of threads shared by every framework sends the mail: the request never waits for the SMTP
server, and a failing server never fails the request. A mail that cannot be sent is
retried with a doubling pause (MAIL_SEND_ATTEMPTS, MAIL_RETRY_DELAY_SECONDS), then given
up with an error line that names its kind and recipient, never its bodies: they may hold
a secret link. The queue is bounded: with MAX_PENDING mails waiting (a mail server down
for a while), the next is given up at once, with the same line.

Stopping is bounded too (``close``, at exit): retry pauses end, the mails still queued get
one attempt each for EXIT_GRACE_SECONDS in all, and every mail not sent by then is logged
as given up. Mails live in memory only: a process killed outright loses them unlogged (a
job queue keeps them).
"""

import atexit
import contextvars
import queue
import threading
import time
from dataclasses import dataclass
from functools import cache

from ..config import Settings
from .message import Mail
from .sending import failed, given_up, sent, try_send

# Mail is rare (password resets): two threads keep one slow server from holding up the rest.
WORKERS = 2
# Beyond this many mails waiting, new ones are given up (and logged).
MAX_PENDING = 100
# How long a stopping process gives the mails still queued; it never waits longer.
EXIT_GRACE_SECONDS = 5.0
# While a process runs, nothing stops a retry pause early.
_RUNNING = threading.Event()


@dataclass(frozen=True)
class _Letter:
    context: contextvars.Context  # the request's: its id (and trace) on the worker's lines
    settings: Settings
    mail: Mail


class _Outbox:
    """The queue and its daemon threads: they never hold up the interpreter's exit."""

    def __init__(self) -> None:
        self.letters: queue.Queue[_Letter] = queue.Queue(maxsize=MAX_PENDING)
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.sending: dict[int, Mail] = {}
        for number in range(WORKERS):
            threading.Thread(target=self.work, name=f"mail-{number}", daemon=True).start()
        atexit.register(self.close)

    def work(self) -> None:
        while True:
            letter = self.letters.get()
            with self.lock:
                self.sending[id(letter)] = letter.mail
            try:
                letter.context.run(send_with_retries, letter.settings, letter.mail, self.stopping)
            finally:
                with self.lock:
                    self.sending.pop(id(letter), None)
                self.letters.task_done()

    def close(self) -> None:
        """Stop within EXIT_GRACE_SECONDS; log every mail that did not leave."""
        if self.stopping.is_set():
            return
        self.stopping.set()  # retry pauses end: what is queued gets one attempt each
        deadline = time.monotonic() + EXIT_GRACE_SECONDS
        while self.letters.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.05)
        with self.lock:
            left = list(self.sending.values())
        while True:
            try:
                left.append(self.letters.get_nowait().mail)
            except queue.Empty:
                break
        for mail in left:
            given_up(mail, attempts=0, error="ShuttingDown")


@cache
def _outbox() -> _Outbox:
    # Built at the first mail, so in the process that sends it (after any worker fork).
    return _Outbox()


def check_ready() -> None:
    """Whether ``deliver`` can take a mail now: here it always can (a full queue gives the
    mail up, logged), so a request's answer never depends on it."""


def deliver(settings: Settings, mail: Mail) -> None:
    """Send ``mail`` in the background; returns at once and never raises for the transport."""
    try:
        _outbox().letters.put_nowait(_Letter(contextvars.copy_context(), settings, mail))
    except queue.Full:
        given_up(mail, attempts=0, error="QueueFull")


def close() -> None:
    """Stop sending (the server's shutdown calls it; so does the interpreter's exit)."""
    if _outbox.cache_info().currsize:
        _outbox().close()
        _outbox.cache_clear()


def send_with_retries(settings: Settings, mail: Mail, stopping: threading.Event = _RUNNING) -> bool:
    """Send now, retrying with a doubling pause; False once every attempt has failed, or
    after a failed attempt once ``stopping`` is set (the process is on its way out)."""
    delay = settings.mail_retry_delay_seconds
    attempt = 0
    while True:
        attempt += 1
        error = try_send(settings, mail)
        if error is None:
            sent(mail, attempt=attempt)
            return True
        if attempt >= settings.mail_send_attempts or stopping.is_set():
            break
        failed(mail, attempt=attempt, retry_in=delay, error=error)
        if stopping.wait(delay):
            break
        delay *= 2
    given_up(mail, attempts=attempt, error=error)
    return False
