"""Zoom's OpenAPI specs as JSON Schemas, to check bodies against the real API's contract.

The specs are Zoom's (``../shared/zoom-openapi`` next to the repository) and are not shipped with
the project, so everything here skips the calling test when they are absent.

Conversion from OpenAPI 3.0: ``$ref`` resolved, ``allOf`` merged into one object (so that unknown keys
can be refused), ``nullable`` turned into a null type, documentation-only keywords dropped. In strict
mode every object that lists properties refuses keys it does not list, so an invented field fails.
"""

import copy
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

# A checkout elsewhere (a git worktree, CI) names the folder with OPENAPI_SPEC_DIR.
SPEC_DIR = Path(
    os.environ.get("OPENAPI_SPEC_DIR") or Path(__file__).resolve().parents[1] / ".." / "shared" / "zoom-openapi"
)
SPEC_FILES = ("Meetings.json", "Users.json")
_DOCUMENTATION_KEYWORDS = {
    "description",
    "example",
    "examples",
    "format",
    "title",
    "deprecated",
    "default",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
}
_WEEKLY_DAYS = {"type": "string", "pattern": r"^[1-7](,[1-7])*$"}
_RECORDING_MEETING_EXTRAS = {"timezone": {"type": "string"}, "share_url": {"type": "string"}}

Schema = dict[str, Any]


def _spec(name: str) -> Schema:
    path = SPEC_DIR / name
    if not path.is_file():
        pytest.skip(f"Zoom's OpenAPI spec {path} is absent (it is reference data kept outside the repository)")
    return _load(path)


@cache
def _load(path: Path) -> Schema:
    loaded: Schema = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _operation(operation_id: str) -> tuple[Schema, Schema]:
    for name in SPEC_FILES:
        spec = _spec(name)
        for methods in spec["paths"].values():
            for operation in methods.values():
                if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                    return spec, operation
    raise KeyError(f"no operation {operation_id!r} in {SPEC_FILES}")


def _resolve(spec: Schema, node: Schema) -> Schema:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _convert(spec: Schema, node: Schema, strict: bool) -> Schema:
    node = _resolve(spec, node)
    if "allOf" in node:
        merged: Schema = {"type": "object", "properties": {}, "required": []}
        for part in node["allOf"]:
            converted = _convert(spec, part, strict=False)
            merged["properties"].update(converted.get("properties", {}))
            merged["required"] += converted.get("required", [])
        rest = {k: v for k, v in node.items() if k != "allOf"}
        if rest.get("properties"):
            merged["properties"].update(_convert(spec, {**rest, "type": "object"}, strict=False)["properties"])
        return _finish_object(merged, strict)
    result: Schema = {}
    for key, value in node.items():
        if key in _DOCUMENTATION_KEYWORDS or key.startswith("x-"):
            continue
        if key == "properties":
            result["properties"] = {name: _convert(spec, sub, strict) for name, sub in value.items()}
        elif key == "items":
            result["items"] = _convert(spec, value, strict)
        elif key in ("oneOf", "anyOf"):
            result[key] = [_convert(spec, sub, strict) for sub in value]
        elif key == "additionalProperties" and isinstance(value, dict):
            result[key] = _convert(spec, value, strict)
        elif key != "nullable":
            result[key] = copy.deepcopy(value)
    if node.get("nullable") and "type" in result:
        result["type"] = [result["type"], "null"]
    if "properties" in result:
        return _finish_object(result, strict)
    return result


def _finish_object(schema: Schema, strict: bool) -> Schema:
    properties = schema.get("properties", {})
    _patch_known_deviations(properties)
    if not schema.get("required"):
        schema.pop("required", None)
    if strict and properties:
        schema["additionalProperties"] = False
        for sub in properties.values():
            _make_strict(sub)
    return schema


def _make_strict(schema: Schema) -> None:
    if schema.get("properties"):
        schema["additionalProperties"] = False
        for sub in schema["properties"].values():
            _make_strict(sub)
    if isinstance(schema.get("items"), dict):
        _make_strict(schema["items"])


def _patch_known_deviations(properties: Schema) -> None:
    """Spots where the spec contradicts itself or Zoom's real answers; each edit is the wire's truth.

    * ``recurrence.weekly_days`` is an enum of single digits, yet its description (and Zoom) take a
      comma-separated list such as "2,4".
    * A cloud-recording meeting's ``type`` is declared a string enum ("1".."99"), but Zoom sends an
      integer, plus ``timezone`` and ``share_url`` keys the spec does not list (captured responses in
      NangoHQ/nango#3098 and Jericho/ZoomNet#99).
    """
    if properties.get("weekly_days", {}).get("enum"):
        properties["weekly_days"] = dict(_WEEKLY_DAYS)
    if "recording_count" in properties and properties.get("type", {}).get("type") == "string":
        properties["type"] = {"type": "integer", "enum": [1, 2, 3, 4, 5, 6, 7, 8, 9, 99]}
        properties.update(copy.deepcopy(_RECORDING_MEETING_EXTRAS))


def response_schema(operation_id: str, status: int, *, strict: bool = True) -> Schema:
    spec, operation = _operation(operation_id)
    response = _resolve(spec, operation["responses"][str(status)])
    content = response.get("content", {}).get("application/json")
    if content is None:
        raise KeyError(f"{operation_id} {status} has no JSON body in the spec")
    return _convert(spec, content["schema"], strict)


def request_body_schema(operation_id: str, *, strict: bool = True) -> Schema:
    """The JSON Schema of an operation's request body (strict: unknown keys are refused)."""
    spec, operation = _operation(operation_id)
    body = _resolve(spec, operation["requestBody"])
    return _convert(spec, body["content"]["application/json"]["schema"], strict)


def validate_response(operation_id: str, status: int, body: object) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``body`` fits the spec's answer for ``status``."""
    jsonschema.validate(body, response_schema(operation_id, status), cls=jsonschema.Draft7Validator)


def validate_request_body(operation_id: str, body: object) -> None:
    jsonschema.validate(body, request_body_schema(operation_id), cls=jsonschema.Draft7Validator)


def query_parameters(operation_id: str) -> set[str]:
    """Names of the query parameters an operation documents."""
    spec, operation = _operation(operation_id)
    parameters = (_resolve(spec, parameter) for parameter in operation.get("parameters", []))
    return {parameter["name"] for parameter in parameters if parameter.get("in") == "query"}
