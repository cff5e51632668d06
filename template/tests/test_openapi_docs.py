"""The OpenAPI document explains the API to the people and generators that read it.

Every operation has a summary and a description, every request body an example, and every
property of every schema a description. A new endpoint or field without them fails here.
"""

from collections.abc import Iterator
from typing import Any

from httpx2 import Client

METHODS = frozenset({"get", "put", "post", "patch", "delete"})
Schema = dict[str, Any]


def _resolve(document: Schema, schema: Schema) -> Schema:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _has_example(document: Schema, media: Schema) -> bool:
    if "example" in media or media.get("examples"):
        return True
    schema = _resolve(document, media.get("schema", {}))
    return "example" in schema or bool(schema.get("examples"))


def undocumented(document: Schema) -> Iterator[str]:
    """What the document leaves unexplained, one line each."""
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            name = f"{method.upper()} {path}"
            for key in ("summary", "description"):
                if not str(operation.get(key, "")).strip():
                    yield f"{name}: no {key}"
            for kind, media in operation.get("requestBody", {}).get("content", {}).items():
                if not _has_example(document, media):
                    yield f"{name}: no example of the {kind} body"
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        for field, definition in schema.get("properties", {}).items():
            if not str(definition.get("description", "")).strip():
                yield f"schema {name}: no description of {field}"


def test_the_document_explains_every_operation_body_and_field(client: Client) -> None:
    document = client.get("/openapi.json").json()
    assert document["paths"]  # the walk reached the operations
    assert list(undocumented(document)) == []


def test_an_unexplained_part_is_caught() -> None:
    """The walk itself: each kind of gap is reported."""
    document: Schema = {
        "components": {
            "schemas": {
                "Note": {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string"},
                        "tag": {"type": "string", "description": "A label"},
                    },
                },
                "Shown": {"type": "object", "examples": [{"text": "hi"}]},
            }
        },
        "paths": {
            "/notes": {
                "post": {
                    "summary": "Add a note",
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Note"}}
                        }
                    },
                },
                "put": {
                    "summary": "Replace the notes",
                    "description": "All of them.",
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Shown"}}
                        }
                    },
                },
                "parameters": [],
            }
        },
    }
    assert list(undocumented(document)) == [
        "POST /notes: no description",
        "POST /notes: no example of the application/json body",
        "schema Note: no description of text",
    ]
