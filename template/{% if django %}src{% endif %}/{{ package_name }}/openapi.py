"""The OpenAPI document tells the truth about errors: every error is problem+json.

Django Ninja documents only the errors a route lists, without a body; problems.py lists
every error an operation can answer, as it is sent.
"""

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from .problems import with_problem_responses


class ServiceAPI(NinjaAPI):
    """Django Ninja's API: errors documented as they are sent, JSON as the RFC spells it."""

    def get_content_type(self) -> str:
        # JSON is UTF-8 by definition and has no charset parameter (RFC 8259).
        return "application/json"

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        with_problem_responses(schema)
        return schema
