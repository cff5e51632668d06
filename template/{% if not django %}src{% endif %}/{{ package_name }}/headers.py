"""The headers FastAPI and Flask add themselves (Django's come from its settings): the
security headers of every answer, and what the CORS allow-list lets a browser page do.
"""

from .config import Settings
from .csp import API_POLICY
from .csp_header import header_value

# An API answers JSON only: nothing may load, frame or be framed (the docs page sends a
# policy of its own). Browsers that ignore CSP still honour X-Frame-Options.
API_HEADERS = {
    "Content-Security-Policy": header_value(API_POLICY),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # No URL leaves for another site; same-origin requests keep theirs, so the browser sends
    # a real Origin, not "null", with the docs page's requests.
    "Referrer-Policy": "same-origin",
    # Responses carry one user's data: no shared or browser cache may keep them.
    "Cache-Control": "no-store",
}

CORS_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# What a browser page on an allowed origin may send: each auth scheme's header among them.
CORS_HEADERS = ("Authorization", "Content-Type", "X-API-Key", "X-CSRF-Token", "X-Request-ID")
# What its script may read of an answer.
CORS_EXPOSED_HEADERS = ("X-Request-ID", "Location")
CORS_MAX_AGE_SECONDS = 600


def security_headers(settings: Settings) -> dict[str, str]:
    """The headers of every response; HSTS in production only (development is plain HTTP)."""
    headers = dict(API_HEADERS)
    if settings.is_production and settings.hsts_seconds:
        headers["Strict-Transport-Security"] = f"max-age={settings.hsts_seconds}; includeSubDomains"
    return headers
