"""The current user, from an access token of the identity provider, and its permissions."""

from typing import Any, cast

import structlog
from flask import Flask, current_app, g, request

from ..config import Settings
from ..dependencies import get_session, get_settings
from ..exceptions import AuthenticationError, PermissionDeniedError
from ..messages import missing_permission
from ..users.models import User
from ..users.service import get_or_create_user
from .oidc import OidcVerifier, permissions_of
from .rate_limits import client_address, get_throttle
from .throttle import account_key

logger = structlog.get_logger(__name__)

EXTENSION = "oidc"
BEARER_SCHEME = "OIDCBearer"
SECURITY_SCHEMES: dict[str, Any] = {
    BEARER_SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An access token from the identity provider (OIDC_ISSUER)",
    }
}
SECURITY: list[dict[str, list[str]]] = [{BEARER_SCHEME: []}]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        msg = "Authentication is required."
        raise AuthenticationError(msg)
    return token.strip()


def init_app(app: Flask, settings: Settings) -> None:
    # Discovery and keys are fetched on the first token, then cached: start-up never waits
    # for the identity provider.
    app.extensions[EXTENSION] = OidcVerifier(settings)


def get_verifier() -> OidcVerifier:
    verifier: OidcVerifier = current_app.extensions[EXTENSION]
    return verifier


def current_user() -> User:
    """The active user of the request's access token; 401 otherwise, 503 when the identity
    provider cannot be reached. Failed checks count against the client, valid tokens
    against their subject."""
    if "current_user" not in g:
        token = _bearer_token()
        try:
            claims = get_verifier().verify(token)
        except AuthenticationError:
            get_throttle().check(account=None, client=client_address())
            raise
        get_throttle().check(account=account_key(f"{claims['iss']} {claims['sub']}"), client=None)
        user = get_or_create_user(get_session(), claims)
        if not user.is_active:
            msg = "The account is disabled."
            raise AuthenticationError(msg)
        g.current_user = user
        g.permissions = permissions_of(claims, get_settings().oidc_roles_claim)
    return cast(User, g.current_user)


def current_permissions() -> frozenset[str]:
    current_user()
    return cast(frozenset[str], g.permissions)


def require_user() -> None:
    """A before_request hook of the items API: a valid token, and the read permission for
    reads (OIDC_READ_PERMISSION) or the write permission for writes (OIDC_WRITE_PERMISSION)."""
    settings = get_settings()
    needed = (
        settings.oidc_read_permission
        if request.method in SAFE_METHODS
        else settings.oidc_write_permission
    )
    if needed not in current_permissions():
        logger.warning("authz.denied", user_id=str(current_user().id), permission=needed)
        raise PermissionDeniedError(missing_permission(needed))
