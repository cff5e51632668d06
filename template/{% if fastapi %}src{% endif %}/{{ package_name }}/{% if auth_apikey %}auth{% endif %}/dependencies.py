"""Who is calling: the owner of the API key in the X-API-Key header."""

from typing import Annotated

import structlog
from fastapi import Depends, Request
from fastapi.security import APIKeyHeader

from ..dependencies import ClientDep, SessionDep
from ..exceptions import AuthenticationError
from ..users.models import User
from .service import authenticate_key
from .throttle import Throttle

logger = structlog.get_logger(__name__)

# A header only: keys in URLs end up in access logs, browser history and Referer headers.
api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key from POST /api/v1/api-keys"
)


async def get_credential_throttle(request: Request) -> Throttle:
    throttle: Throttle = request.app.state.credential_throttle
    return throttle


CredentialThrottleDep = Annotated[Throttle, Depends(get_credential_throttle)]


async def get_current_user(
    session: SessionDep,
    throttle: CredentialThrottleDep,
    client: ClientDep,
    key: Annotated[str | None, Depends(api_key_header)],
) -> User:
    if not key:
        msg = "Authentication is required: send an API key in the X-API-Key header."
        raise AuthenticationError(msg)
    found = await authenticate_key(session, key)
    if found is None:
        logger.info("auth.apikey_invalid", client=client)
        # Failed checks count against the client: guessing keys from one address stops soon.
        await throttle.check(account=None, client=client)
        msg = "The API key is invalid or revoked."
        raise AuthenticationError(msg)
    user, api_key = found
    # Successful requests count against the key: one leaked key cannot flood the service.
    await throttle.check(account=str(api_key.id), client=None)
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
