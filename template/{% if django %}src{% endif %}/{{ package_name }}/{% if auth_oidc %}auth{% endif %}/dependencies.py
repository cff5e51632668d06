"""The current user, from an access token of the identity provider, and its permissions."""

import threading

import structlog
from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from ..config import Settings
from ..exceptions import AuthenticationError, PermissionDeniedError
from ..messages import missing_permission
from ..users.models import User
from ..users.service import get_or_create_user
from .oidc import OidcVerifier, permissions_of
from .rate_limits import client_address, get_throttle
from .throttle import account_key

logger = structlog.get_logger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# One verifier per settings object: its keys are cached between requests, and tests that
# change the settings get a new one.
_verifiers: dict[int, tuple[Settings, OidcVerifier]] = {}
_verifiers_lock = threading.Lock()


def get_verifier() -> OidcVerifier:
    service: Settings = settings.SERVICE
    with _verifiers_lock:
        entry = _verifiers.get(id(service))
        if entry is None or entry[0] is not service:
            entry = (service, OidcVerifier(service))
            _verifiers[id(service)] = entry
        return entry[1]


class Principal:
    """The user of a verified token and the permissions the token grants."""

    def __init__(self, user: User, permissions: frozenset[str]) -> None:
        self.user = user
        self.permissions = permissions


class ProviderToken(HttpBearer):
    """An access token of the identity provider (OIDC_ISSUER). A missing one is a 401.

    Failed checks count against the client address, valid tokens against their subject.
    """

    openapi_description = "An access token from the identity provider (OIDC_ISSUER)"

    def authenticate(self, request: HttpRequest, token: str) -> Principal:
        service: Settings = settings.SERVICE
        try:
            claims = get_verifier().verify(token)
        except AuthenticationError:
            get_throttle("oidc").check(account=None, client=client_address(request))
            raise
        subject_key = account_key(f"{claims['iss']} {claims['sub']}")
        get_throttle("oidc").check(account=subject_key, client=None)
        user = get_or_create_user(claims)
        if not user.is_active:
            logger.info("auth.token_invalid", reason="inactive", user_id=str(user.id))
            msg = "The account is disabled."
            raise AuthenticationError(msg)
        return Principal(user, permissions_of(claims, service.oidc_roles_claim))


class ItemsPermission(ProviderToken):
    """A valid token that grants OIDC_READ_PERMISSION for reads, OIDC_WRITE_PERMISSION for
    writes; 403 otherwise."""

    def authenticate(self, request: HttpRequest, token: str) -> Principal:
        principal = super().authenticate(request, token)
        service: Settings = settings.SERVICE
        needed = (
            service.oidc_read_permission
            if request.method in SAFE_METHODS
            else service.oidc_write_permission
        )
        if needed not in principal.permissions:
            logger.warning("authz.denied", user_id=str(principal.user.id), permission=needed)
            raise PermissionDeniedError(missing_permission(needed))
        return principal


authenticated = ProviderToken()
items_permission = ItemsPermission()


def current_principal(request: HttpRequest) -> Principal:
    """The user and permissions that `authenticated` checked for this request."""
    principal: Principal = request.auth  # type: ignore[attr-defined]
    return principal


def current_user(request: HttpRequest) -> User:
    """The user that `authenticated` checked for this request."""
    return current_principal(request).user


def current_permissions(request: HttpRequest) -> frozenset[str]:
    return current_principal(request).permissions
