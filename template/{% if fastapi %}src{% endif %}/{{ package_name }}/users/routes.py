"""HTTP routes of the users API: registration and the current user."""

from fastapi import APIRouter, status

from ..auth.dependencies import CurrentUser
from ..dependencies import SessionDep
from . import service
from .schemas import UserCreate, UserRead

router = APIRouter(prefix="/users", tags=["users"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={status.HTTP_409_CONFLICT: {"description": "The email address is taken"}},
)
async def register(data: UserCreate, session: SessionDep) -> UserRead:
    """Create an account with an email address and a password of 12 to 128 characters."""
    user = await service.create_user(session, data)
    return UserRead.model_validate(user)


@router.get("/me")
async def read_me(user: CurrentUser) -> UserRead:
    """The account the access token belongs to."""
    return UserRead.model_validate(user)
