"""The OpenAPI document and its docs page.

The document tells the truth about errors: every error is problem+json. FastAPI documents
its 422 as application/json with its own schema, and knows nothing of the 401 of a secured
operation, the 413 and 415 of a too-large or non-JSON body or the 500 of the last-resort
handler. Clients (and the fuzzer) read the document: it lists them all.

The docs page is Swagger UI served from this service (FastAPI's own page loads it from a
CDN): it works offline, under a CSP that lets it run nothing else.
"""

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from .csp import DOCS_POLICY
from .csp_header import for_page, header_value
from .errors import PROBLEM_JSON

DOCS_URL = "/docs"
# Swagger UI's files, from the fastapi-offline package: pinned by uv.lock like any code.
DOCS_ASSETS_URL = "/docs/assets"
DOCS_ASSETS = ("fastapi_offline", "static")

_FRAMEWORK_SCHEMAS = ("HTTPValidationError", "ValidationError")


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


def with_problem_responses(document: dict[str, Any]) -> dict[str, Any]:
    """Rewrite a generated document in place: error responses become problem+json."""
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            _document_errors(operation)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FRAMEWORK_SCHEMAS:
        schemas.pop(name, None)
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    return document


def install_openapi(app: FastAPI) -> None:
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_problem_responses(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_docs(app: FastAPI) -> None:
    """Serve Swagger UI at /docs, with its script and styles, when the document is served."""
    if app.openapi_url is None:
        return
    root = app.root_path.rstrip("/")
    page = get_swagger_ui_html(
        openapi_url=f"{root}{app.openapi_url}",
        title=f"{app.title} - API docs",
        swagger_js_url=f"{root}{DOCS_ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{DOCS_ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{root}{DOCS_ASSETS_URL}/favicon.png",
    )
    # The page configures Swagger UI in an inline script: its hash lets exactly that run.
    policy = header_value(for_page(DOCS_POLICY, bytes(page.body).decode()))
    app.mount(DOCS_ASSETS_URL, StaticFiles(packages=[DOCS_ASSETS]), name="docs-assets")

    @app.get(DOCS_URL, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(page.body, headers={"Content-Security-Policy": policy})
