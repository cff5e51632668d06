"""HTTP routes of the auth API: log in and refresh."""

from http import HTTPStatus

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from flask_openapi3.types import ResponseDict

from ..dependencies import get_session, get_settings
from ..errors import Problem
from ..responses import json_response
from . import service
from .schemas import LoginRequest, RefreshRequest, TokenPair

blueprint = APIBlueprint("auth", __name__, url_prefix="/auth", abp_tags=[Tag(name="auth")])
_RESPONSES: ResponseDict = {
    HTTPStatus.OK: TokenPair,
    HTTPStatus.UNAUTHORIZED: Problem,
    HTTPStatus.UNPROCESSABLE_ENTITY: Problem,
}


@blueprint.post("/login", responses=_RESPONSES)
def login(body: LoginRequest) -> Response:
    """Exchange email and password for an access token and a refresh token."""
    user = service.authenticate(get_session(), body.email, body.password)
    return json_response(service.issue_pair(get_settings(), user))


@blueprint.post("/refresh", responses=_RESPONSES)
def refresh(body: RefreshRequest) -> Response:
    """Exchange a refresh token for a new token pair."""
    return json_response(service.refresh(get_session(), get_settings(), body.refresh_token))
