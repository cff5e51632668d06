"""The start-up check of the SMTP server (SMTP_URL or SMTP_HOST): one error line when it
cannot be reached.

Only a log line: a mail server that is down must not stop the service (logins work
without it, and mails are retried), but the operator hears of it at once rather than at the
first lost password reset. It runs before the server starts, and waits at most
STARTUP_TIMEOUT_SECONDS: not on a thread of its own, because a thread still running when
gunicorn forks its workers may hold a lock (stdout's, logging's) that a worker then waits
for forever (Flask's production server hung so in CI, now and then).
"""

import structlog

from ..config import Settings
from . import smtp

logger = structlog.get_logger(__name__)
# A refused connection answers at once; a server that drops packets costs at most this.
STARTUP_TIMEOUT_SECONDS = 2.0


def check_smtp_server(settings: Settings) -> bool:
    """Connect to the SMTP server once; log ``mail.smtp_unreachable`` if that fails."""
    server = settings.smtp_server
    try:
        smtp.probe(server, timeout=min(settings.smtp_timeout_seconds, STARTUP_TIMEOUT_SECONDS))
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
