"""The OpenAPI 3.1 description, generated from the models in :mod:`app.web.schemas`.

Each blueprint lists its operations as :class:`Operation` values; this module
turns the models into JSON Schemas under ``components`` and writes the paths,
so the description cannot drift from what is validated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, TypeAdapter

from app.web.schemas import ErrorResponse

REF = "#/components/schemas/{model}"

Model = type[BaseModel] | TypeAdapter[Any]


@dataclass(frozen=True)
class Operation:
    """One documented method on one path.

    Attributes:
        path: URL path.
        method: Lowercase HTTP method.
        summary: One line for the docs.
        response: Model of the 200 body, or None for non-JSON answers.
        request: Model of the JSON body, if any.
        request_name: Component name of the request schema.
        plain_text: Also accepts text/plain with options in the query string.
        multipart: Also accepts multipart/form-data with a ``file`` part.
        option_schemas: Query/form option schemas for text/plain and multipart.
        errors: Error statuses the operation can answer.
        response_type: Media type of a non-JSON 200.
        alternatives: Other media types the 200 may have, chosen by the
            request's ``Accept`` header (documented as strings).
    """

    path: str
    method: str
    summary: str
    response: Model | None
    request: Model | None = None
    request_name: str = ""
    plain_text: bool = False
    multipart: bool = False
    option_schemas: dict[str, Any] = field(default_factory=dict)
    errors: tuple[int, ...] = ()
    response_type: str = "application/json"
    alternatives: tuple[str, ...] = ()


def _schema(model: Model, name: str, components: dict[str, Any], mode: str) -> dict[str, Any]:
    if isinstance(model, TypeAdapter):
        schema = model.json_schema(ref_template=REF, mode=mode)  # type: ignore[arg-type]
    else:
        schema = model.model_json_schema(ref_template=REF, mode=mode)  # type: ignore[arg-type]
        name = model.__name__
    for def_name, definition in {**schema.pop("$defs", {}), name: schema}.items():
        _add_component(components, def_name, definition)
    return {"$ref": REF.format(model=name)}


def _add_component(components: dict[str, Any], name: str, schema: dict[str, Any]) -> None:
    # Two models of one name would silently share a component, and every
    # reference to the first would describe the second.
    if components.setdefault(name, schema) != schema:
        raise ValueError(f"two different schemas are both named {name!r} in /openapi.json")


def _string_value(schema: dict[str, Any]) -> dict[str, Any]:
    """An option's schema as a query or form value, which is a string: it cannot be null.

    Leaving the option out gives its default (null included), so the null
    alternative of a JSON option is dropped rather than documented as "null".
    """
    alternatives = schema.get("anyOf")
    if alternatives is None:
        return schema
    kept = [a for a in alternatives if a.get("type") != "null"]
    rest = {k: v for k, v in schema.items() if k != "anyOf" and not (k == "default" and v is None)}
    return {**rest, **kept[0]} if len(kept) == 1 else {**rest, "anyOf": kept}


def _query_parameter(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A query option for text/plain bodies, its default told in words rather than as ``default``.

    Interactive docs fill a parameter's ``default`` into the query string of
    every call they make, JSON calls included, and a query string beside a
    JSON body is refused; so the default is described, not declared.
    """
    value = _string_value(schema)
    parameter: dict[str, Any] = {"name": name, "in": "query", "required": False}
    if "default" in value:
        value = {k: v for k, v in value.items() if k != "default"}
        parameter["description"] = f"Only with a text/plain body; default {json.dumps(schema['default'])}."
    else:
        parameter["description"] = "Only with a text/plain body."
    return {**parameter, "schema": value}


def _request_body(op: Operation, request: Model, components: dict[str, Any]) -> dict[str, Any]:
    content: dict[str, Any] = {
        "application/json": {"schema": _schema(request, op.request_name, components, "validation")}
    }
    if op.plain_text:
        content["text/plain"] = {"schema": {"type": "string"}}
    if op.multipart:
        options = {k: _string_value(v) for k, v in op.option_schemas.items()}
        props = {"file": {"type": "string", "format": "binary"}, **options}
        # Unknown form fields are refused, so the schema says none may be added.
        form = {"type": "object", "properties": props, "required": ["file"], "additionalProperties": False}
        content["multipart/form-data"] = {"schema": form}
    return {"required": True, "content": content}


def _operation(op: Operation, components: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "summary": op.summary,
        "operationId": op.path.strip("/").replace("-", "_") or "index",
    }
    if op.request is not None:
        doc["requestBody"] = _request_body(op, op.request, components)
    if op.plain_text:
        doc["parameters"] = [_query_parameter(k, v) for k, v in op.option_schemas.items()]
    ok: dict[str, Any] = {"description": "Success"}
    if op.response is not None:
        ok["content"] = {op.response_type: {"schema": _schema(op.response, "", components, "serialization")}}
    elif op.response_type != "application/json":
        ok["content"] = {op.response_type: {"schema": {"type": "string"}}}
    for media_type in op.alternatives:
        ok.setdefault("content", {})[media_type] = {"schema": {"type": "string"}}
    error = {
        "content": {"application/json": {"schema": _schema(ErrorResponse, "", components, "serialization")}}
    }
    responses: dict[str, Any] = {"200": ok}
    for status in op.errors:
        responses[str(status)] = {"description": f"Error {status}", **error}
    doc["responses"] = responses
    return doc


def build_document(operations: list[Operation], version: str) -> dict[str, Any]:
    """Build the OpenAPI document.

    Args:
        operations: Every documented operation.
        version: The service version.

    Returns:
        The OpenAPI 3.1 document as a JSON-ready dict.
    """
    components: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    for op in operations:
        paths.setdefault(op.path, {})[op.method] = _operation(op, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "chunkwise",
            "version": version,
            "description": "Split documents into chunks for RAG, with exact character offsets.",
        },
        "paths": paths,
        "components": {"schemas": dict(sorted(components.items()))},
    }
