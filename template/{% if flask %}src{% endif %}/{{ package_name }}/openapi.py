"""The OpenAPI document tells the truth about errors: every error is problem+json.

flask-openapi3 documents the errors a route lists as application/json; problems.py lists
every error an operation can answer, as it is sent.
"""

from typing import Any

from flask_openapi3.openapi import OpenAPI

from .problems import document_errors
from .security import ExactPaths


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
                document_errors(operation)
                _describe(operation)
        components = self.spec_json["components"]
        # Its validation-error model describes a body this service never sends.
        components["schemas"].pop(self.validation_error_model.__name__, None)
        # Without security schemes it writes `"securitySchemes": null`, which OpenAPI
        # forbids (clients and validators refuse the document): leave the key out instead.
        if components.get("securitySchemes") is None:
            components.pop("securitySchemes", None)
