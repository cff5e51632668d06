"""HTTP routes of the users API: registration and the current user."""

from http import HTTPStatus

from django.http import HttpRequest
from ninja import Router, Status

from ..auth.dependencies import bearer, current_user
from . import service
from .models import User
from .schemas import UserCreate, UserRead

router = Router(tags=["users"])


@router.post("", response={HTTPStatus.CREATED: UserRead, HTTPStatus.CONFLICT: None})
def register(request: HttpRequest, data: UserCreate) -> Status[User]:
    """Create an account with an email address and a password of 12 to 128 characters."""
    return Status(HTTPStatus.CREATED, service.create_user(data))


@router.get("/me", response={HTTPStatus.OK: UserRead, HTTPStatus.UNAUTHORIZED: None}, auth=bearer)
def read_me(request: HttpRequest) -> User:
    """The account the access token belongs to."""
    return current_user(request)
