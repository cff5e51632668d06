"""HTTP routes of the API keys API: list, create (the key is shown once) and revoke."""

import uuid
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from . import service
from .dependencies import authenticated, current_user
from .schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead

router = Router(tags=["api-keys"], auth=authenticated)
# Error bodies are problem+json (see the README); Ninja lists these statuses without a schema.
_ERRORS = {HTTPStatus.UNAUTHORIZED: None, HTTPStatus.TOO_MANY_REQUESTS: None}


@router.get("", summary="List API keys", response={HTTPStatus.OK: list[ApiKeyRead], **_ERRORS})
def list_api_keys(request: HttpRequest) -> list[ApiKeyRead]:
    """Your keys, oldest first; the keys themselves are never shown again."""
    keys = service.list_api_keys(current_user(request).id)
    return [ApiKeyRead.model_validate(key) for key in keys]


@router.post(
    "", summary="Create an API key", response={HTTPStatus.CREATED: ApiKeyCreated, **_ERRORS}
)
def create_api_key(
    request: HttpRequest, response: HttpResponse, data: ApiKeyCreate
) -> Status[ApiKeyCreated]:
    """A new key for your account: store it now, it is shown only in this response."""
    created = service.create_api_key(current_user(request), data.name)
    response["Cache-Control"] = "no-store"
    body = ApiKeyCreated(**ApiKeyRead.model_validate(created.api_key).model_dump(), key=created.key)
    return Status(HTTPStatus.CREATED, body)


@router.delete(
    "/{key_id}",
    summary="Revoke an API key",
    response={HTTPStatus.NO_CONTENT: None, HTTPStatus.NOT_FOUND: None, **_ERRORS},
)
def revoke_api_key(request: HttpRequest, key_id: uuid.UUID) -> Status[None]:
    """Revoke one of your keys: requests with it are refused from now on."""
    service.revoke_api_key(current_user(request).id, key_id)
    return Status(HTTPStatus.NO_CONTENT, None)
