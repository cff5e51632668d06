"""Who is calling: the provider's user of the bearer token, with its permissions."""

from dataclasses import dataclass
from typing import Annotated

import anyio.to_thread
import structlog
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..dependencies import ClientDep, SessionDep, SettingsDep
from ..exceptions import AuthenticationError, PermissionDeniedError
from ..messages import missing_permission
from ..users.models import User
from ..users.service import get_or_create_identity
from .oidc import OidcVerifier, permissions_of
from .throttle import Throttle

logger = structlog.get_logger(__name__)

# auto_error=False: a missing header becomes our problem+json 401, not FastAPI's plain 403.
bearer = HTTPBearer(auto_error=False, description="Access token from the identity provider")


@dataclass(frozen=True)
class Principal:
    user: User
    permissions: frozenset[str]


async def get_verifier(request: Request) -> OidcVerifier:
    verifier: OidcVerifier = request.app.state.oidc
    return verifier


async def get_credential_throttle(request: Request) -> Throttle:
    throttle: Throttle = request.app.state.credential_throttle
    return throttle


async def get_principal(  # noqa: PLR0913  (FastAPI injects each of these)
    *,
    session: SessionDep,
    settings: SettingsDep,
    verifier: Annotated[OidcVerifier, Depends(get_verifier)],
    throttle: Annotated[Throttle, Depends(get_credential_throttle)],
    client: ClientDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None:
        msg = "Authentication is required."
        raise AuthenticationError(msg)
    try:
        # Fetching the provider's keys blocks: in a worker thread, off the event loop.
        claims = await anyio.to_thread.run_sync(verifier.verify, credentials.credentials)
    except AuthenticationError:
        # Failed checks count against the client: forging tokens from one address stops soon.
        await throttle.check(account=None, client=client)
        raise
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    # Requests count against the subject: one leaked token cannot flood the service.
    await throttle.check(account=f"{issuer} {subject}", client=None)
    email = claims.get("email")
    user = await get_or_create_identity(
        session, issuer, subject, email if isinstance(email, str) else None
    )
    if not user.is_active:
        logger.info("auth.token_invalid", user_id=str(user.id), reason="inactive")
        msg = "The account is disabled."
        raise AuthenticationError(msg)
    return Principal(user, permissions_of(claims, settings.oidc_roles_claim))


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_current_user(principal: PrincipalDep) -> User:
    return principal.user


def _require(permission: str, principal: Principal) -> User:
    if permission not in principal.permissions:
        logger.warning("authz.denied", user_id=str(principal.user.id), permission=permission)
        raise PermissionDeniedError(missing_permission(permission))
    return principal.user


async def get_reader(principal: PrincipalDep, settings: SettingsDep) -> User:
    return _require(settings.oidc_read_permission, principal)


async def get_writer(principal: PrincipalDep, settings: SettingsDep) -> User:
    return _require(settings.oidc_write_permission, principal)


CurrentUser = Annotated[User, Depends(get_current_user)]
Reader = Annotated[User, Depends(get_reader)]
Writer = Annotated[User, Depends(get_writer)]
