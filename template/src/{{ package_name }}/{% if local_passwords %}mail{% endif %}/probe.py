"""The start-up check of the SMTP server (SMTP_URL or SMTP_HOST): one error line when it
cannot be reached.

Only a log line, on a thread of its own: a mail server that is down must not stop the
service (logins work without it, and mails are retried), but the operator hears of it at
once rather than at the first lost password reset.
"""

import threading

import structlog

from ..config import Settings
from . import smtp

logger = structlog.get_logger(__name__)


def check_smtp_server(settings: Settings) -> bool:
    """Connect to the SMTP server once; log ``mail.smtp_unreachable`` if that fails."""
    server = settings.smtp_server
    try:
        smtp.probe(server, timeout=settings.smtp_timeout_seconds)
    except OSError as exc:
        error = type(exc).__name__
    else:
        return True
    logger.error(
        "mail.smtp_unreachable",
        setting=settings.smtp_setting,
        host=server.host,
        port=server.port,
        error=error,
    )
    return False


def check_smtp_server_in_background(settings: Settings) -> None:
    """Start the check without delaying the start (a timeout may take SMTP_TIMEOUT_SECONDS)."""
    threading.Thread(target=check_smtp_server, args=(settings,), daemon=True).start()
