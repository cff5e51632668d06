"""HTTP routes of the items API: CRUD on a public collection (no authentication)."""

from http import HTTPStatus

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from flask_openapi3.types import ResponseDict

from ..dependencies import get_session
from ..errors import Problem
from ..pagination import PageQuery
from ..responses import json_response, no_content
from . import service
from .schemas import ItemCreate, ItemPage, ItemPath, ItemRead, ItemUpdate

blueprint = APIBlueprint(
    "items",
    __name__,
    url_prefix="/items",
    abp_tags=[Tag(name="items")],
    abp_responses={HTTPStatus.UNPROCESSABLE_ENTITY: Problem},
)
_NOT_FOUND: ResponseDict = {HTTPStatus.NOT_FOUND: Problem}


@blueprint.get("", responses={HTTPStatus.OK: ItemPage})
def list_items(query: PageQuery) -> Response:
    """All items, newest first."""
    items, total = service.list_items(get_session(), query)
    page = ItemPage(
        items=[ItemRead.model_validate(item) for item in items],
        total=total,
        limit=query.limit,
        offset=query.offset,
    )
    return json_response(page)


@blueprint.post("", responses={HTTPStatus.CREATED: ItemRead})
def create_item(body: ItemCreate) -> Response:
    item = service.create_item(get_session(), body)
    return json_response(ItemRead.model_validate(item), HTTPStatus.CREATED)


@blueprint.get("/<item_id>", responses={HTTPStatus.OK: ItemRead, **_NOT_FOUND})
def read_item(path: ItemPath) -> Response:
    item = service.get_item(get_session(), path.item_id)
    return json_response(ItemRead.model_validate(item))


@blueprint.patch("/<item_id>", responses={HTTPStatus.OK: ItemRead, **_NOT_FOUND})
def update_item(path: ItemPath, body: ItemUpdate) -> Response:
    item = service.update_item(get_session(), path.item_id, body)
    return json_response(ItemRead.model_validate(item))


@blueprint.delete("/<item_id>", responses={HTTPStatus.NO_CONTENT: None, **_NOT_FOUND})
def delete_item(path: ItemPath) -> Response:
    service.delete_item(get_session(), path.item_id)
    return no_content()
