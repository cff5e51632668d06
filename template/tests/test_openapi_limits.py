"""Every input the API accepts is bounded (security checklist: input limits).

Walks the request bodies and parameters of every operation in the OpenAPI document: strings
need a maxLength (or an enum, or a format whose parser bounds them), numbers a minimum and a
maximum, arrays a maxItems, and request body objects must refuse unknown fields. A new
endpoint with an unbounded field fails here, before an attacker finds it.
"""

from collections.abc import Iterator
from typing import Any

from httpx2 import Client

# Formats whose validators refuse long input (an address is at most 254 characters).
BOUNDED_FORMATS = frozenset({"uuid", "email", "date-time", "date", "time", "ipv4", "ipv6"})
METHODS = frozenset({"get", "put", "post", "patch", "delete"})
Schema = dict[str, Any]


def _resolve(document: Schema, schema: Schema) -> Schema:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        extra = {key: value for key, value in schema.items() if key != "$ref"}
        schema = {**document["components"]["schemas"][name], **extra}
    return schema


def _scalar_gaps(kind: str, schema: Schema) -> Iterator[str]:
    if kind == "string":
        if "maxLength" not in schema and schema.get("format") not in BOUNDED_FORMATS:
            yield "a string without maxLength"
    elif kind in {"integer", "number"}:
        if not {"minimum", "exclusiveMinimum"} & set(schema):
            yield "a number without a minimum"
        if not {"maximum", "exclusiveMaximum"} & set(schema):
            yield "a number without a maximum"
    elif kind == "array" and "maxItems" not in schema:
        yield "an array without maxItems"


def unbounded(document: Schema, schema: Schema, where: str, *, body: bool) -> Iterator[str]:
    """Where `schema` accepts input of any size."""
    schema = _resolve(document, schema)
    for combinator in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(combinator, []):
            yield from unbounded(document, branch, where, body=body)
    if "enum" in schema or "const" in schema:
        return
    declared = schema.get("type", [])
    for kind in declared if isinstance(declared, list) else [declared]:
        yield from (f"{where}: {gap}" for gap in _scalar_gaps(kind, schema))
        if kind == "array":
            yield from unbounded(document, schema.get("items", {}), f"{where}[]", body=body)
        elif kind == "object":
            if body and schema.get("additionalProperties", True) is not False:
                yield f"{where}: an object that accepts unknown fields"
            for name, field in schema.get("properties", {}).items():
                yield from unbounded(document, field, f"{where}.{name}", body=body)


def request_inputs(document: Schema) -> Iterator[tuple[str, Schema, bool]]:
    """(where, schema, is a body) of every parameter and request body."""
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            name = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                where = f"{name} {parameter['in']} {parameter['name']}"
                yield where, parameter.get("schema", {}), False
            for media in operation.get("requestBody", {}).get("content", {}).values():
                yield f"{name} body", media.get("schema", {}), True


def test_every_request_input_is_bounded(client: Client) -> None:
    document = client.get("/openapi.json").json()
    inputs = list(request_inputs(document))
    assert inputs  # the walk reached the operations
    problems = [
        problem
        for where, schema, body in inputs
        for problem in unbounded(document, schema, where, body=body)
    ]
    assert problems == []


def test_an_unbounded_field_is_caught() -> None:
    """The walk itself: each kind of gap is reported."""
    document: Schema = {
        "components": {"schemas": {"Note": {"type": "object", "properties": {"text": {}}}}},
        "paths": {
            "/notes": {
                "post": {
                    "parameters": [
                        {"in": "query", "name": "page", "schema": {"type": "integer"}},
                        {"in": "query", "name": "tags", "schema": {"type": "array"}},
                    ],
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "$ref": "#/components/schemas/Note",
                                    "properties": {"text": {"type": "string"}},
                                }
                            }
                        }
                    },
                }
            }
        },
    }
    problems = [
        problem
        for where, schema, body in request_inputs(document)
        for problem in unbounded(document, schema, where, body=body)
    ]
    assert problems == [
        "POST /notes query page: a number without a minimum",
        "POST /notes query page: a number without a maximum",
        "POST /notes query tags: an array without maxItems",
        "POST /notes body: an object that accepts unknown fields",
        "POST /notes body.text: a string without maxLength",
    ]
