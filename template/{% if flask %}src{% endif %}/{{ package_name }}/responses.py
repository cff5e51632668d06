"""JSON responses from pydantic models: where a route's schema becomes its HTTP body."""

from http import HTTPStatus

from flask import Response
from pydantic import BaseModel


def json_response(model: BaseModel, status: HTTPStatus = HTTPStatus.OK) -> Response:
    return Response(model.model_dump_json(), status=status.value, mimetype="application/json")


def no_content() -> Response:
    return Response(status=HTTPStatus.NO_CONTENT.value)
