"""The JSON schemas the catalogue publishes: every limit and description, and nothing a client doesn't need.

Every client reads `tools/list` before its first call and many send it to the model on every turn, so the
schemas are generated once, here, for inputs and outputs alike:

- no auto-generated `title`s ("User Id" beside `user_id` says nothing the name doesn't);
- no `anyOf [T, {"type": "null"}]` wrappers and no `"default": null`: results leave unset fields out
  (`exclude_none`), and an omitted parameter is how a caller says "not given"; nor `"default": false` on a
  boolean: an omitted flag is off, as every caller assumes;
- a nested model used in several places once, in `$defs`, referenced where it is used (pydantic's own
  layout); one used in one place only, written there (a `$defs` entry and its `$ref` say nothing more);
- a union of plain types as one list of types (`"type": ["integer", "string"]`) when each branch's limits
  apply to its type alone (`minimum` to numbers, `pattern` to strings): the same rule, without `anyOf`;
- output schemas give the shape (types, enums, required fields) and no prose: what a model needs to read
  a result is in the tool's description, and the views' field descriptions stay in the code. Nor do they
  repeat `additionalProperties: false`: a result never carries more than its schema says.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from mcp.server.mcpserver.tools import Tool
from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue, JsonSchemaWarningKind
from pydantic_core import core_schema


class CompactJsonSchema(GenerateJsonSchema):
    """pydantic's JSON schema without titles and null wrappers; refuses (like the SDK) what it can't render."""

    def generate(self, schema: core_schema.CoreSchema, mode: JsonSchemaMode = "validation") -> JsonSchemaValue:
        return _single_use_definitions_inlined(super().generate(schema, mode))

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        json_schema.pop("title", None)
        return json_schema

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def union_schema(self, schema: core_schema.UnionSchema) -> JsonSchemaValue:
        return _type_list(super().union_schema(schema))

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        json_schema = super().default_schema(schema)
        # None: an omitted parameter is how a caller says "not given"; False on a flag: an omitted flag is off.
        if "default" in json_schema and (
            json_schema["default"] is None or (json_schema["default"] is False and json_schema.get("type") == "boolean")
        ):
            del json_schema["default"]
        return json_schema

    def emit_warning(self, kind: JsonSchemaWarningKind, detail: str) -> None:
        raise ValueError(f"JSON schema warning: {kind} - {detail}")


class OutputJsonSchema(CompactJsonSchema):
    """CompactJsonSchema for results: the shape only."""

    def generate(self, schema: core_schema.CoreSchema, mode: JsonSchemaMode = "validation") -> JsonSchemaValue:
        return _shape_only(super().generate(schema, mode))


def _single_use_definitions_inlined(schema: JsonSchemaValue) -> JsonSchemaValue:
    """`schema` with each `$defs` entry referenced once (and not by itself) written where it is referenced."""
    definitions: dict[str, JsonSchemaValue] = schema.get("$defs", {})
    references = Counter(_references(schema))
    once = {
        name
        for name, definition in definitions.items()
        if references[name] == 1 and name not in set(_references(definition))
    }

    def inlined(node: Any) -> Any:
        if isinstance(node, list):
            return [inlined(value) for value in node]
        if not isinstance(node, dict):
            return node
        name = _definition_name(node.get("$ref"))
        if name in once:
            return {
                **inlined(definitions[name]),
                **{key: inlined(value) for key, value in node.items() if key != "$ref"},
            }
        return {key: inlined(value) for key, value in node.items() if key != "$defs"}

    shared = {name: inlined(definition) for name, definition in definitions.items() if name not in once}
    result = inlined(schema)
    return {"$defs": shared, **result} if shared else result


def _definition_name(reference: Any) -> str | None:
    return (
        reference.removeprefix("#/$defs/") if isinstance(reference, str) and reference.startswith("#/$defs/") else None
    )


def _references(node: Any) -> list[str]:
    """The `$defs` names referenced anywhere in `node`, once per reference."""
    if isinstance(node, list):
        return [name for value in node for name in _references(value)]
    if not isinstance(node, dict):
        return []
    own = _definition_name(node.get("$ref"))
    return ([own] if own else []) + [name for value in node.values() for name in _references(value)]


# The keywords JSON Schema applies to one type only (an instance of another type passes them).
_KEYWORDS_OF_TYPE = {
    "integer": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"},
    "number": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"},
    "string": {"minLength", "maxLength", "pattern"},
    "array": {"items", "prefixItems", "minItems", "maxItems", "uniqueItems"},
}


def _type_list(union: JsonSchemaValue) -> JsonSchemaValue:
    """`{"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": p}]}` as the equivalent
    `{"type": ["integer", "string"], "minimum": 1, "pattern": p}`; any other union as it is."""
    branches = union.get("anyOf")
    if not isinstance(branches, list) or set(union) != {"anyOf"}:
        return union
    types = [branch.get("type") for branch in branches]
    if len(set(map(str, types))) != len(types) or not all(kind in _KEYWORDS_OF_TYPE for kind in types):
        return union
    merged: JsonSchemaValue = {"type": types}
    for kind, branch in zip(types, branches, strict=True):
        limits = {key: value for key, value in branch.items() if key != "type"}
        if not set(limits) <= _KEYWORDS_OF_TYPE[kind] or set(limits) & set(merged):
            return union
        merged.update(limits)
    return merged


def _shape_only(node: JsonSchemaValue) -> JsonSchemaValue:
    """`node` without descriptions and `additionalProperties: false`, recursively through its subschemas."""
    shape = {
        key: value
        for key, value in node.items()
        if key != "description" and not (key == "additionalProperties" and value is False)
    }
    for key in ("properties", "$defs"):
        if key in shape:
            shape[key] = {name: _shape_only(value) for name, value in shape[key].items()}
    for key in ("items", "additionalProperties"):
        if isinstance(shape.get(key), dict):
            shape[key] = _shape_only(shape[key])
    for key in ("anyOf", "oneOf", "allOf"):
        if key in shape:
            shape[key] = [_shape_only(value) for value in shape[key]]
    return shape


def input_schema(tool: Tool) -> dict[str, Any]:
    return tool.fn_metadata.arg_model.model_json_schema(by_alias=True, schema_generator=CompactJsonSchema)


def output_schema(tool: Tool) -> dict[str, Any] | None:
    model = tool.fn_metadata.output_model
    if model is None:
        return None
    schema = TypeAdapter(model).json_schema(schema_generator=OutputJsonSchema)
    if schema.get("type") != "object":
        raise ValueError(f"{tool.name}: an output schema must have an object root")
    return schema


def compact(tool: Tool) -> Tool:
    """The tool with its input and output schemas regenerated by CompactJsonSchema.

    The SDK validates arguments and results with the pydantic models themselves; these schemas only
    describe the same models to clients, so validation is unchanged.
    """
    tool.parameters = input_schema(tool)
    tool.fn_metadata.output_schema = output_schema(tool)
    return tool
