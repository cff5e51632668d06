"""HTTP routes of the users API: registration and the current user."""

from typing import Any

from fastapi import APIRouter, status

from ..auth.dependencies import ClientDep, CurrentUser, RegistrationThrottleDep
from ..dependencies import SessionDep
from . import service
from .schemas import RegistrationAccepted, UserCreate, UserRead

router = APIRouter(prefix="/users", tags=["users"])
_REGISTER_RESPONSES: dict[int | str, dict[str, Any]] = {
    status.HTTP_422_UNPROCESSABLE_CONTENT: {"description": "Malformed, or the password is weak"},
    status.HTTP_429_TOO_MANY_REQUESTS: {"description": "Too many attempts; see Retry-After"},
}


@router.post("", status_code=status.HTTP_202_ACCEPTED, responses=_REGISTER_RESPONSES)
async def register(
    data: UserCreate, session: SessionDep, throttle: RegistrationThrottleDep, client: ClientDep
) -> RegistrationAccepted:
    """Register an email address and a password of 12 to 128 characters.

    The answer is the same whether the address was free or taken, so registration cannot be
    used to find out who has an account.
    """
    await throttle.check(account=None, client=client)
    await service.register(session, data)
    return RegistrationAccepted()


@router.get("/me")
async def read_me(user: CurrentUser) -> UserRead:
    """The account the access token belongs to."""
    return UserRead.model_validate(user)
