"""The session scheme's CSRF check (Django's own middleware does it there).

A browser sends the session cookie on cross-site requests too: a write must also prove it
comes from the service's own pages by echoing the token only they can read (the login
answer and GET /api/v1/auth/csrf give it).
"""

import hmac

import structlog

from ..exceptions import PermissionDeniedError
from ..messages import CSRF_FAILED

CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

logger = structlog.get_logger(__name__)


def check_csrf(method: str, sent: str, expected: str, *, user_id: str) -> None:
    """A 403 for a write whose X-CSRF-Token is not its session's token; reads pass."""
    if method in SAFE_METHODS:
        return
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        logger.warning("auth.csrf_failed", user_id=user_id, method=method)
        raise PermissionDeniedError(CSRF_FAILED)
