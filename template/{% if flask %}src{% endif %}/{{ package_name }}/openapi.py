"""The OpenAPI document tells the truth about errors: every error is problem+json.

flask-openapi3 documents the errors a route lists as application/json, and knows nothing
of the 401 of a secured operation, the 413 and 415 of a too-large or non-JSON body or the
500 of the last-resort handler. Clients (and the fuzzer) read the document: it lists them all.
"""

from http import HTTPStatus
from typing import Any

from flask_openapi3.openapi import OpenAPI

from .errors import PROBLEM_JSON
from .security import ExactPaths


def _problem_response(status: HTTPStatus, description: str | None = None) -> dict[str, Any]:
    return {
        "description": description or status.phrase,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _document_errors(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    expected = [HTTPStatus.INTERNAL_SERVER_ERROR]
    if operation.get("security"):
        expected.append(HTTPStatus.UNAUTHORIZED)
    if operation.get("parameters") or "requestBody" in operation:
        expected.append(HTTPStatus.UNPROCESSABLE_ENTITY)
    if "requestBody" in operation:
        # A body over MAX_REQUEST_BODY_BYTES, or one not declared application/json.
        expected += [HTTPStatus.REQUEST_ENTITY_TOO_LARGE, HTTPStatus.UNSUPPORTED_MEDIA_TYPE]
    for status in expected:
        responses.setdefault(str(status.value), {})
    for code, response in responses.items():
        if code.isdigit() and int(code) >= HTTPStatus.BAD_REQUEST:
            responses[code] = _problem_response(HTTPStatus(int(code)), response.get("description"))


def _describe(operation: dict[str, Any]) -> None:
    # flask-openapi3 joins the docstring's lines with <br/>, and takes a one-line docstring
    # for the summary alone. Like FastAPI and Ninja, the description is the docstring's text.
    text = operation.get("description", "").replace("<br/>", "\n") or operation.get("summary")
    if text:
        operation["description"] = text


class ServiceOpenAPI(OpenAPI):
    """flask-openapi3's app: errors documented as they are sent, descriptions as written."""

    url_map_class = ExactPaths

    def generate_spec_json(self) -> None:
        super().generate_spec_json()  # type: ignore[no-untyped-call]
        for path_item in self.spec_json["paths"].values():
            for operation in path_item.values():
                _document_errors(operation)
                _describe(operation)
        components = self.spec_json["components"]
        # Its validation-error model describes a body this service never sends.
        components["schemas"].pop(self.validation_error_model.__name__, None)
        # Without security schemes it writes `"securitySchemes": null`, which OpenAPI
        # forbids (clients and validators refuse the document): leave the key out instead.
        if components.get("securitySchemes") is None:
            components.pop("securitySchemes", None)
