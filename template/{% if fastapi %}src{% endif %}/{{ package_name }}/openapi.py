"""The OpenAPI document and its docs page.

The document tells the truth about errors: every error is problem+json (problems.py).
FastAPI documents its 422 as application/json with its own schema: that schema goes.

The docs page is Swagger UI served from this service (FastAPI's own page loads it from a
CDN): it works offline, under a CSP that lets it run nothing else.
"""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from .csp import DOCS_POLICY
from .csp_header import for_page, header_value
from .problems import with_problem_responses

DOCS_URL = "/docs"
# Swagger UI's files, from the fastapi-offline package: pinned by uv.lock like any code.
DOCS_ASSETS_URL = "/docs/assets"
DOCS_ASSETS = ("fastapi_offline", "static")

# FastAPI's own 422 body, which this service never sends (problems.py documents its own).
_FRAMEWORK_SCHEMAS = ("HTTPValidationError", "ValidationError")


def install_openapi(app: FastAPI) -> None:
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = with_problem_responses(generate())
            for name in _FRAMEWORK_SCHEMAS:
                document["components"]["schemas"].pop(name, None)
            app.openapi_schema = document
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
