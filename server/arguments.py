"""Tool arguments mean exactly what the caller sent, and refusals say why in a few hundred characters.

The SDK's MCPServer reads arguments loosely: `FuncMetadata.pre_parse_json` turns JSON-looking strings into
values before validation (`"null"` becomes None, so `occurrence_id="null"` would mean "the whole series";
`"[]"` becomes a list), pydantic's lax mode coerces (`true` -> 1, `"true"` -> True), and unknown argument
names are dropped (a misspelt `occurence_id` would widen a change to the whole series). A tool registered
through `exact_arguments` is validated as sent, in strict mode, and refuses unknown names; its input schema says
`additionalProperties: false`, so the schema a client sees and the check the server runs are one rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from mcp.server.mcpserver.tools.base import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from pydantic import ConfigDict, GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationError
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, InitErrorDetails, PydanticCustomError, core_schema

# Text that went through a lossy decode: U+FFFD stands for bytes that were not UTF-8 (the stdio transport
# decodes with errors="replace"), and a lone surrogate cannot be encoded for Zoom at all.
_BROKEN_TEXT = re.compile("[\ufffd\ud800-\udfff]")
_SHOWN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")
MAX_PROBLEMS = 5
MAX_PROBLEM_CHARS = 160


@dataclass(frozen=True)
class Matches:
    r"""A string's `pattern`: published in the schema, and run by the server exactly as a client reads it.

    JSON Schema patterns are ECMA-262 regular expressions, where `\d` and `\w` are ASCII only; Python's re
    (and pydantic's Rust regex, behind `Field(pattern=...)`) read them as Unicode classes and would let '١٢٣'
    pass a `^\d+$` that every client refuses. The server runs the pattern as ECMA-262 reads it: compiled with
    re.ASCII (`\d`, `\w`, classes, `\xHH` and `\uHHHH` escapes alike), searched for (a JSON Schema
    pattern is not implicitly anchored), with `$` as the end of the text (Python's `$` also matches before
    a final newline), and `\s` as ECMA-262's own list of spaces. Constructs the two read differently that have
    no such translation (`.`, `\Z`, Python's own groups) are refused when the pattern is defined.

        Annotated[str, Matches(r"^\d{1,20}$", "must be digits")]
    """

    pattern: str
    message: str
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", ecma_regex(self.pattern))

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = self.pattern
        return json_schema

    def _check(self, value: str) -> str:
        if not self.regex.search(value):
            raise ValueError(self.message)
        return value


def ecma_regex(pattern: str) -> re.Pattern[str]:
    """An ECMA-262 pattern compiled to mean in Python what it means to a JSON Schema validator (use `search`).

    re.ASCII (`\\d`, `\\w` ASCII, as in ECMA-262); `$` (outside a class) as `\\Z`, since Python's `$` also
    matches before a final newline; `\\s` as ECMA-262's own list of spaces and line ends. A construct the two
    read differently and that has no such translation is refused (ValueError).
    """
    python: list[str] = []
    index, in_class = 0, False
    while index < len(pattern):
        character = pattern[index]
        step = pattern[index : index + 2] if character == "\\" else character
        different = step in _READ_DIFFERENTLY_ESCAPES or (step == r"\S" and in_class) or (not in_class and step == ".")
        if different or (not in_class and pattern.startswith(("[]", "[^]"), index)):  # ECMA-262: empty class
            raise ValueError(f"{pattern!r}: {step!r} is read differently by ECMA-262 and Python")
        if not in_class and pattern.startswith("(?", index) and not pattern.startswith(("(?:", "(?=", "(?!"), index):
            raise ValueError(f"{pattern!r}: only (?:, (?= and (?! groups read the same in ECMA-262 and Python")
        in_class = step != "]" if in_class else step == "["
        if step == "$" and not in_class:
            python.append(r"\Z")
        elif step == r"\s":
            python.append(ECMA_SPACES if in_class else f"[{ECMA_SPACES}]")
        elif step == r"\S":
            python.append(f"[^{ECMA_SPACES}]")
        else:
            python.append(step)
        index += len(step)
    return re.compile("".join(python), re.ASCII)


# ECMA-262's \s: WhiteSpace (tab, VT, FF, U+FEFF and Unicode's space separators, Zs) and LineTerminator.
ECMA_SPACES = r"\t\n\v\f\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# `\A`, `\Z`, `\z`: Python's anchors, letters to ECMA-262. (`.` outside a class, refused too, also stops at
# U+2028 in ECMA-262; `\S` inside a class has no Python spelling.)
_READ_DIFFERENTLY_ESCAPES = {r"\A", r"\Z", r"\z"}


class ExactArguments(FuncMetadata):
    """Validates the arguments as sent: no JSON pre-parsing, strict types (nested models too)."""

    def validate_arguments(self, arguments_to_validate: dict[str, Any]) -> dict[str, Any]:
        broken = [
            InitErrorDetails(type=_broken_text_error(), loc=loc, input="")
            for loc in _broken_text(arguments_to_validate)
        ]
        if broken:
            raise ValidationError.from_exception_data(self.arg_model.__name__, broken)
        return self.arg_model.model_validate(arguments_to_validate, strict=True).model_dump_one_level()

    def pre_parse_json(self, data: dict[str, Any]) -> dict[str, Any]:
        return data


def exact_arguments(tool: Tool) -> Tool:
    """`tool` with exact argument validation and a closed input schema (`additionalProperties: false`)."""
    loose = tool.fn_metadata
    closed = cast(
        type[ArgModelBase],
        type(
            loose.arg_model.__name__,
            (loose.arg_model,),
            {"model_config": ConfigDict(extra="forbid"), "__module__": loose.arg_model.__module__},
        ),
    )
    exact = ExactArguments(
        arg_model=closed,
        output_schema=loose.output_schema,
        output_model=loose.output_model,
        wrap_output=loose.wrap_output,
    )
    return tool.model_copy(update={"fn_metadata": exact, "parameters": closed.model_json_schema(by_alias=True)})


def schema_problems(error: ValidationError, input_schema: dict[str, Any] | None) -> str:
    """At most MAX_PROBLEMS problems of bounded length, naming fields but never repeating a value sent."""
    schema = input_schema or {}
    known = set(_property_names(schema))
    problems: dict[str, list[str]] = {}
    unknown: dict[str, list[str]] = {}
    for item in error.errors(include_url=False, include_input=False, include_context=False):
        if item["type"] == "extra_forbidden":
            where = _field(item["loc"][:-1], known, default="")
            name = str(item["loc"][-1])
            shown = name if _SHOWN_NAME.fullmatch(name) else "(a name that cannot be shown)"
            unknown.setdefault(where, []).append(f"{where}.{shown}" if where else shown)
            continue
        message = item["msg"].removeprefix("Value error, ")[:MAX_PROBLEM_CHARS]
        messages = problems.setdefault(_field(item["loc"], known), [])
        if message not in messages:
            messages.append(message)
    described = [f"{field}: {' or '.join(messages)}" for field, messages in problems.items()]
    for where, names in unknown.items():
        listed = ", ".join(names[:MAX_PROBLEMS]) + (
            f" and {len(names) - MAX_PROBLEMS} more" if len(names) > MAX_PROBLEMS else ""
        )
        allowed = ", ".join(_properties_at(schema, where))
        takes = f"{where} takes" if where else "this tool takes"
        described.append(f"unknown {'argument' if len(names) == 1 else 'arguments'} {listed} ({takes}: {allowed})")
    text = "; ".join(described[:MAX_PROBLEMS])
    if len(described) > MAX_PROBLEMS:
        text += f"; and {len(described) - MAX_PROBLEMS} more problems"
    return text + "."


def _field(loc: tuple[int | str, ...], known: set[str], default: str = "arguments") -> str:
    """The location as far as it names schema properties and list positions (not union branch tags)."""
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(str(part))
        elif part in known:
            parts.append(part)
        else:
            break
    return ".".join(parts) or default


def _properties_at(schema: dict[str, Any], where: str) -> list[str]:
    """The property names of the object at dotted path `where` (following $ref and anyOf), for hints."""
    node: Any = schema
    for part in where.split(".") if where else []:
        node = _object_schema(schema, node)
        node = node.get("properties", {}).get(part, {}) if part and not part.isdigit() else node.get("items", {})
    return list(_object_schema(schema, node).get("properties", {}))


def _object_schema(root: dict[str, Any], node: Any) -> dict[str, Any]:
    if not isinstance(node, dict):
        return {}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _object_schema(root, root.get("$defs", {}).get(ref.removeprefix("#/$defs/"), {}))
    for branch in node.get("anyOf", []):
        resolved = _object_schema(root, branch)
        if "properties" in resolved or "items" in resolved:
            return resolved
    return node


def _property_names(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        properties = schema.get("properties")
        if isinstance(properties, dict):
            yield from properties
        for value in schema.values():
            yield from _property_names(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _property_names(value)


def _broken_text(value: Any, loc: tuple[int | str, ...] = ()) -> Iterator[tuple[int | str, ...]]:
    if isinstance(value, str):
        if _BROKEN_TEXT.search(value):
            yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _broken_text(item, (*loc, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _broken_text(item, (*loc, index))


def _broken_text_error() -> PydanticCustomError:
    return PydanticCustomError(
        "broken_text",
        "contains U+FFFD or an unpaired surrogate: the text was not valid UTF-8; send it again as valid UTF-8",
    )
