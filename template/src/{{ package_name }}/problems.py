"""The body of every error response, an RFC 9457 problem document, and its description in
the OpenAPI document: one contract, whichever framework sends it (errors.py does).

A framework's OpenAPI generator knows only the errors a route lists, often as plain JSON,
and nothing of the 401 of a secured operation, the 413 and 415 of a too-large or non-JSON
body or the 500 of the last-resort handler. Clients (and the fuzzer) read the document:
document_errors lists them all, as they are sent.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, Field

PROBLEM_JSON = "application/problem+json"


class FieldError(BaseModel):
    """What is wrong with one field of the request."""

    loc: list[str | int] = Field(
        description="Where the field is: body, query or path, then names and indexes",
        examples=[["body", "title"]],
    )
    message: str = Field(description="What is wrong, for a person to read")
    type: str = Field(description="The kind of error, for programs", examples=["missing"])


class Problem(BaseModel):
    """An RFC 9457 problem document: the body of every error response."""

    type: str = Field(default="about:blank", description="A URI naming the kind of problem")
    title: str = Field(description="The HTTP status phrase", examples=["Not Found"])
    status: int = Field(description="The HTTP status code", examples=[404])
    detail: str | None = Field(default=None, description="What went wrong in this request")
    request_id: str | None = Field(
        default=None, description="The X-Request-ID of the request: quote it in a bug report"
    )
    errors: list[FieldError] | None = Field(
        default=None, description="Each invalid field of a 422, with what is wrong with it"
    )


def problem_body(
    status: HTTPStatus, detail: str | None, request_id: str | None, **extensions: Any
) -> dict[str, Any]:
    """The problem document of one response; the request id lets a client quote it."""
    body: dict[str, Any] = {"type": "about:blank", "title": status.phrase, "status": status.value}
    if detail:
        body["detail"] = detail
    if request_id is not None:
        body["request_id"] = request_id
    body.update(extensions)
    return body


def public_message(error: Mapping[str, Any]) -> str:
    """The message of one validation error, fit to send back."""
    message = str(error["msg"])
    # Custom validators (email-validator among them) may quote the input after a colon.
    return message.split(":", 1)[0] if error["type"] == "value_error" else message


def field_errors(
    errors: Iterable[Mapping[str, Any]],
    location: Callable[[Sequence[str | int]], list[str | int]] = list,
) -> list[dict[str, Any]]:
    """The ``errors`` member of a 422 from pydantic's errors: location, message and type
    only, so that submitted values are never echoed back."""
    return [
        {"loc": location(error["loc"]), "message": public_message(error), "type": error["type"]}
        for error in errors
    ]


def _problem_response(status: HTTPStatus, description: str | None = None) -> dict[str, Any]:
    return {
        "description": description or status.phrase,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def document_errors(operation: dict[str, Any]) -> None:
    """Rewrite one operation of an OpenAPI document: every error it can answer is listed,
    as problem+json."""
    # Django Ninja keys responses by int (or HTTPStatus); OpenAPI wants strings.
    responses = {
        str(int(code)) if isinstance(code, int) else code: response
        for code, response in operation.get("responses", {}).items()
    }
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
    operation["responses"] = responses


def with_problem_responses(document: dict[str, Any]) -> dict[str, Any]:
    """Rewrite a generated document in place: error responses become problem+json, and
    the Problem schema is among the components."""
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            document_errors(operation)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    return document
