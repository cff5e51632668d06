"""HTTP routes of the users API: registration and the current user."""

from http import HTTPStatus

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from ..auth.dependencies import BEARER, current_user
from ..dependencies import get_session
from ..errors import Problem
from ..responses import json_response
from . import service
from .schemas import UserCreate, UserRead

blueprint = APIBlueprint("users", __name__, url_prefix="/users", abp_tags=[Tag(name="users")])


@blueprint.post(
    "",
    responses={
        HTTPStatus.CREATED: UserRead,
        HTTPStatus.CONFLICT: Problem,
        HTTPStatus.UNPROCESSABLE_ENTITY: Problem,
    },
)
def register(body: UserCreate) -> Response:
    """Create an account with an email address and a password of 12 to 128 characters."""
    user = service.create_user(get_session(), body)
    return json_response(UserRead.model_validate(user), HTTPStatus.CREATED)


@blueprint.get(
    "/me",
    security=BEARER,
    responses={HTTPStatus.OK: UserRead, HTTPStatus.UNAUTHORIZED: Problem},
)
def read_me() -> Response:
    """The account the access token belongs to."""
    return json_response(UserRead.model_validate(current_user()))
