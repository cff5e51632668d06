"""HTTP routes of the API keys of the current user: list, create (shown once), revoke."""

import uuid
from http import HTTPStatus

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from pydantic import BaseModel, RootModel

from ..dependencies import get_session
from ..problems import Problem
from ..responses import json_response, no_content
from . import service
from .dependencies import SECURITY, current_user, require_user
from .schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead

blueprint = APIBlueprint(
    "api_keys",
    __name__,
    url_prefix="/api-keys",
    abp_tags=[Tag(name="api keys")],
    abp_security=SECURITY,
    abp_responses={
        HTTPStatus.UNAUTHORIZED: Problem,
        HTTPStatus.UNPROCESSABLE_ENTITY: Problem,
        HTTPStatus.TOO_MANY_REQUESTS: Problem,
    },
)
blueprint.before_request(require_user)


class ApiKeyList(RootModel[list[ApiKeyRead]]):
    """The current user's keys, revoked ones included; never the keys themselves."""


class ApiKeyPath(BaseModel):
    key_id: uuid.UUID


@blueprint.get("", summary="List API keys", responses={HTTPStatus.OK: ApiKeyList})
def list_keys() -> Response:
    """The caller's keys, revoked ones included; never the keys themselves."""
    keys = service.list_keys(get_session(), current_user().id)
    return json_response(ApiKeyList([ApiKeyRead.model_validate(key) for key in keys]))


@blueprint.post("", summary="Create an API key", responses={HTTPStatus.CREATED: ApiKeyCreated})
def create_key(body: ApiKeyCreate) -> Response:
    """Create a key; the response is the only place it is ever shown."""
    new = service.create_key(get_session(), current_user(), body.name)
    created = ApiKeyCreated(**ApiKeyRead.model_validate(new.record).model_dump(), key=new.secret)
    response = json_response(created, HTTPStatus.CREATED)
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.delete(
    "/<key_id>",
    summary="Revoke an API key",
    responses={HTTPStatus.NO_CONTENT: None, HTTPStatus.NOT_FOUND: Problem},
)
def revoke_key(path: ApiKeyPath) -> Response:
    """Revoke a key: requests with it are refused from now on."""
    service.revoke_key(get_session(), path.key_id, current_user().id)
    return no_content()
