"""One attempt at one mail, and the lines that say how it went: shared by every way mail
leaves (the outbox's threads, or the job queue's send_mail job).

A mail's bodies may hold a secret link: no line here ever carries them, only the mail's
kind (and, when it is lost, its recipient).
"""

import structlog

from ..config import Settings
from . import smtp
from .message import Mail

logger = structlog.get_logger(__name__)


def try_send(settings: Settings, mail: Mail) -> str | None:
    """Send ``mail`` once; the name of the error on failure (smtplib's and ssl's errors are
    OSErrors), None once the server took it."""
    try:
        smtp.send(
            settings.smtp_server,
            mail,
            sender=settings.mail_from,
            timeout=settings.smtp_timeout_seconds,
        )
    except OSError as exc:
        return type(exc).__name__
    return None


def sent(mail: Mail, *, attempt: int) -> None:
    logger.info("mail.sent", kind=mail.kind, attempt=attempt)


def failed(mail: Mail, *, attempt: int, retry_in: float, error: str) -> None:
    logger.warning(
        "mail.send_failed", kind=mail.kind, attempt=attempt, retry_in=retry_in, error=error
    )


def given_up(mail: Mail, *, attempts: int, error: str) -> None:
    """The line to alert on: the kind and recipient say which mail was lost."""
    logger.error("mail.given_up", kind=mail.kind, to=mail.to, attempts=attempts, error=error)
