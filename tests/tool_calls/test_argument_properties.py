"""Property-based: for every tool in tools/list, arguments drawn from its own inputSchema.

- Invalid input (one mutation away from valid: a wrong type, JSON text for a value, an unknown name, a
  broken limit or pattern, a missing required field) is an isError naming the field, and nothing reaches
  Zoom.
- Valid input reaches Zoom exactly: every id is a path segment or query value as given, query names and
  values are the arguments', the body's fields are the arguments' values; nothing given is dropped.
- Every message is bounded; every structured result validates against the tool's outputSchema.

The strategies are built from the JSON schema each tool publishes, so a new tool is covered without
touching this file (a tool whose argument is used locally only, such as a page offset, is named in
LOCAL_ONLY). Fixed seed (derandomize) and bounded examples: this runs in CI on every push.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import jsonschema
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from mcp import Client
from mcp_types import CallToolResult, TextContent

from tests.conftest import sandbox_settings
from zoom_mcp.server.app import create_app
from zoom_mcp.server.sandbox import RecordedRequest, Sandbox
from zoom_mcp.server.zoom.retry import RetryPolicy
from zoom_mcp.tools.catalogue import offered

Schema = dict[str, Any]
TOOL_NAMES = [spec.name for spec in offered(read_only=False)]
EXAMPLES = 30
# A few hundred characters; a refusal of an unknown name may add the list of the names the tool takes.
MESSAGE_BOUND = 500
# Arguments the server uses itself instead of sending them to Zoom.
LOCAL_ONLY = {"offset", "max_cues", "include_cues", "include_files"}
# Per tool, arguments it applies to what Zoom answers rather than forwarding them as given: list_meetings'
# calendar reads a wider window from Zoom and cuts the exact days, in the timezone, itself (tests/tool_calls/
# test_calendar.py checks that it does).
# list_meeting_participants reads Zoom's pages whole to merge each person's rejoins, then pages itself.
APPLIED_HERE = {
    "list_meetings": {"from_date", "to_date", "timezone", "topic_contains", "page_size"},
    "list_meeting_participants": {"page_size"},
}
# Arguments Zoom knows by another query name.
QUERY_NAMES = {"from_date": "from", "to_date": "to"}
API_WORDS = {"v2", "users", "meetings", "recordings", "past_meetings", "instances", "meeting_summary", "participants"}
JSON_LOOKING = ["null", "[]", "{}", "true", "false", "0", "[1, 2]", '{"a": 1}', '"quoted"']
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


class Server:
    """One server on the sandbox for all examples, driven from Hypothesis' synchronous test body."""

    def __init__(self, portal: BlockingPortal, client: Client, sandbox: Sandbox) -> None:
        self.portal = portal
        self.client = client
        self.sandbox = sandbox
        listed = portal.call(client.list_tools).tools
        self.tools = {tool.name: tool for tool in listed}
        self.known, self.known_together = self.known_values()

    def call(self, tool: str, arguments: dict[str, Any]) -> CallToolResult:
        return self.portal.call(self.client.call_tool, tool, arguments)

    def answer(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = self.call(tool, arguments)
        assert not result.is_error, message(result)
        assert result.structured_content is not None
        return result.structured_content

    def known_values(self) -> tuple[dict[str, list[Any]], list[dict[str, Any]]]:
        """Ids that exist, per argument name, drawn beside arbitrary ones: without them nearly every valid call
        would be a 404 and the checks on results (the output schema, nothing dropped) would seldom run. And
        arguments that name something only together: an occurrence with the series it belongs to."""
        users = self.answer("list_users", {})["users"]
        single = self.answer("create_meeting", {"topic": "property", "start_time": "2031-06-03T15:00:00Z"})
        series = self.answer(
            "create_meeting",
            {
                "topic": "property series",
                "type": "recurring_fixed_time",
                "start_time": "2031-06-03T15:00:00Z",
                "recurrence": {"type": "weekly", "weekly_days": [3], "end_times": 3},
            },
        )
        recorded = self.answer("list_recordings", {})["meetings"]
        today = datetime.now(UTC).date()
        together = [{"meeting_id": series["id"], "occurrence_id": occurrence} for occurrence in series["occurrences"]]
        return {
            "timezone": ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata"],
            "start_time": ["2031-06-10T15:00:00Z", "2031-06-10T15:00:00", "2031-06-10T17:30:00+02:00"],
            "from_date": [str(today - timedelta(days=days)) for days in (29, 7, 0)],
            "to_date": [str(today - timedelta(days=days)) for days in (7, 0)],
            "user_id": ["me", *(user["id"] for user in users), *(user["email"] for user in users)],
            "meeting_id": [meeting["id"] for meeting in (single, series)] + pasted([single["id"], series["id"]]),
            "occurrence_id": list(series["occurrences"]),
            "meeting_id_or_uuid": [meeting["id"] for meeting in recorded] + [meeting["uuid"] for meeting in recorded],
        }, together


@contextmanager
def running_server() -> Iterator[Server]:
    sandbox = Sandbox(seed=11)
    retry = RetryPolicy(sleep=_no_sleep, jitter=lambda: 1.0)
    app = create_app(sandbox_settings(sandbox), transport=sandbox.transport(), retry=retry)
    with start_blocking_portal() as portal, portal.wrap_async_context_manager(Client(app)) as client:
        yield Server(portal, client, sandbox)


async def _no_sleep(seconds: float) -> None:
    return None


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


def test_every_listed_tool_is_exercised(server: Server) -> None:
    assert set(server.tools) == set(TOOL_NAMES)


# -- strategies from a JSON schema -------------------------------------------------------------------


def resolve(root: Schema, node: Schema) -> Schema:
    ref = node.get("$ref")
    if isinstance(ref, str):
        return resolve(root, root["$defs"][ref.removeprefix("#/$defs/")])
    return node


# ECMA-262's reading of the classes whose meaning differs in Python's re (where \d is any Unicode digit and
# `$` also matches before a final newline): JSON Schema patterns are ECMA-262.
_ECMA_SPACES = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_ECMA_CLASSES = {"d": "0-9", "w": "A-Za-z0-9_", "s": _ECMA_SPACES}
_ECMA_TOKEN = re.compile(r"\\.|\[(?:\\.|[^\]])*\]|[.$]")


def ecma_regex(pattern: str) -> re.Pattern[str]:
    """`pattern` as ECMA-262 reads it, for Python's re (and so for Hypothesis' from_regex)."""

    def in_a_class(escape: re.Match[str]) -> str:
        letter = escape[0][1]
        assert letter not in "DWS", f"{pattern}: a negated class inside [...] is not translated"
        return _ECMA_CLASSES.get(letter, escape[0])

    def translate(token: re.Match[str]) -> str:
        if token[0] == "$":
            return r"\Z"
        if token[0] == ".":
            return "[^\n\r\u2028\u2029]"
        if token[0].startswith("["):
            return re.sub(r"\\.", in_a_class, token[0])
        letter = token[0][1]
        if letter.lower() in _ECMA_CLASSES:
            return f"[{'^' if letter.isupper() else ''}{_ECMA_CLASSES[letter.lower()]}]"
        return token[0]

    return re.compile(_ECMA_TOKEN.sub(translate, pattern), re.ASCII)


def text(node: Schema) -> st.SearchStrategy[str]:
    """Strings the schema allows. Valid Unicode only: U+FFFD and lone surrogates are refused for any text
    (they mean the bytes were not UTF-8), a transport rule no per-field schema repeats."""
    low, high = node.get("minLength", 0), node.get("maxLength", 300)
    if "pattern" in node:
        strategy = st.from_regex(ecma_regex(node["pattern"]), fullmatch=True)
    else:
        alphabet = st.characters(exclude_categories=("Cs",), exclude_characters="\ufffd")
        strategy = st.sampled_from(JSON_LOOKING) | st.text(alphabet, max_size=min(high, 40))
    return strategy.filter(lambda value: low <= len(value) <= high and not _broken(value))


def _broken(value: str) -> bool:
    return bool(re.search("[\ufffd\ud800-\udfff]", value))


def value_of(root: Schema, node: Schema, name: str, server: Server) -> st.SearchStrategy[Any]:
    """Any value the schema allows, or (about half the time) one of the known ids it allows."""
    node = resolve(root, node)
    generated = any_value_of(root, node, name, server)
    known = [value for value in server.known.get(name, []) if _validator_class(node)(node).is_valid(value)]
    return st.sampled_from(known) | generated if known else generated


def any_value_of(root: Schema, node: Schema, name: str, server: Server) -> st.SearchStrategy[Any]:
    if "anyOf" in node:
        return st.one_of(*(any_value_of(root, resolve(root, branch), name, server) for branch in node["anyOf"]))
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if isinstance(kind, list):  # keywords of other types don't apply to a value: minimum to a string, say
        return st.one_of(*(any_value_of(root, {**node, "type": one}, name, server) for one in kind))
    if kind == "string":
        return text(node)
    if kind == "integer":
        return st.integers(node.get("minimum", -(2**63)), node.get("maximum", 2**63 - 1))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        items = value_of(root, node.get("items", {}), name, server)
        return st.lists(items, min_size=node.get("minItems", 0), max_size=node.get("maxItems", 5))
    if kind == "object":
        return arguments_of(root, node, server)
    raise AssertionError(f"{name}: schema keyword set not covered by this test: {sorted(node)}")


def pasted(meeting_ids: list[int]) -> list[str]:
    forms = []
    for meeting_id in meeting_ids:
        digits = str(meeting_id)
        forms += [
            digits,
            f"{digits[:3]} {digits[3:7]} {digits[7:]}",
            f"{digits[:3]}-{digits[3:7]}-{digits[7:]}",
            f"https://us05web.zoom.us/j/{digits}?pwd=aBc.1",
        ]
    return forms


def arguments_of(root: Schema, node: Schema, server: Server) -> st.SearchStrategy[dict[str, Any]]:
    properties: Schema = node.get("properties", {})
    required = set(node.get("required", []))
    generated = st.fixed_dictionaries(
        {name: value_of(root, properties[name], name, server) for name in properties if name in required},
        optional={name: value_of(root, properties[name], name, server) for name in properties if name not in required},
    )
    together = [known for known in server.known_together if node is root and set(known) <= set(properties)]
    if not together:
        return generated
    return generated | st.tuples(generated, st.sampled_from(together)).map(lambda pair: {**pair[0], **pair[1]})


def schema_valid(schema: Schema, arguments: dict[str, Any]) -> bool:
    """JSON Schema's verdict, with ECMA-262's reading of patterns (`$`, \\d, \\s and the like)."""
    validator = _validator_class(schema)(schema)
    return validator.is_valid(arguments)


def _pattern(validator: Any, pattern: str, instance: Any, schema: Schema) -> Iterator[jsonschema.ValidationError]:
    if isinstance(instance, str) and not ecma_regex(pattern).search(instance):
        yield jsonschema.ValidationError(f"does not match {pattern}")


def _validator_class(schema: Schema) -> Any:
    base = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return jsonschema.validators.extend(base, {"pattern": _pattern})


# -- mutations that make valid arguments invalid ------------------------------------------------------

# Rewritings of a valid string that JSON Schema may refuse and a lax validator accept: digits that are \d to
# Python and Rust (pydantic's regex engine) but not to ECMA-262, spaces a strip() would drop, a final newline
# that Python's `$` lets in.
REWRITINGS = [
    *(str.maketrans("0123456789", "".join(chr(base + digit) for digit in range(10))) for base in (0x660, 0xFF10)),
    " {} ",
    "{}\n",
]


def rewritten(value: str, how: Any) -> str:
    return how.format(value) if isinstance(how, str) else value.translate(how)


def types(node: Schema) -> list[Any]:
    kind = node.get("type")
    return kind if isinstance(kind, list) else [kind]


def wrong_values(node: Schema) -> list[Any]:
    """Values of the wrong JSON type for `node`, including the JSON text of a right one."""
    kinds = {kind for branch in [node, *node.get("anyOf", [])] for kind in types(branch)}
    candidates: list[Any] = [True, 1, 1.5, "1", "true", "null", "[]", [], {}, None]
    if "object" in kinds or "$ref" in node or any("$ref" in branch for branch in node.get("anyOf", [])):
        candidates.append('{"type": "daily", "end_times": 2}')
    if "string" in kinds:
        candidates += ["x" * (node.get("maxLength", 10**4) + 1), "\u0661\u0662\u0663", "\ufeffme", "1\n", "000000000"]
    if "integer" in kinds:
        candidates += [node.get("maximum", 2**63) + 1, node.get("minimum", -(2**63)) - 1]
    return candidates


@st.composite
def invalid_call(draw: st.DrawFn, schema: Schema, server: Server) -> tuple[dict[str, Any], str]:
    arguments = dict(draw(arguments_of(schema, schema, server)))
    properties: Schema = schema["properties"]
    how = draw(st.sampled_from(["wrong value", "unknown name", "missing required", "rewritten text"]))
    if how == "unknown name" or (how == "missing required" and not schema.get("required")):
        name = draw(st.sampled_from(["occurence_id", "meetingId", "userId", "topics", "x"]))
        assume(name not in properties)
        arguments[name] = draw(st.sampled_from([1, "1", None, True]))
        return arguments, name
    if how == "missing required":
        name = draw(st.sampled_from(sorted(schema["required"])))
        del arguments[name]
        return arguments, name
    if how == "rewritten text":
        written = sorted(name for name, value in arguments.items() if isinstance(value, str))
        assume(written)
        name = draw(st.sampled_from(written))
        arguments[name] = rewritten(arguments[name], draw(st.sampled_from(REWRITINGS)))
        assume(not schema_valid(schema, arguments))
        return arguments, name
    name = draw(st.sampled_from(sorted(properties)))
    arguments[name] = draw(st.sampled_from(wrong_values(resolve(schema, properties[name]))))
    if arguments[name] is None:
        assume(name in schema.get("required", []))  # null for an optional argument means "not given"
    assume(not schema_valid(schema, arguments))
    return arguments, name


# -- the properties -----------------------------------------------------------------------------------


def message(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def bounded(text: str, schema: Schema) -> bool:
    return len(text) <= MESSAGE_BOUND + len(", ".join(schema.get("properties", {})))


@pytest.mark.parametrize("tool", TOOL_NAMES)
def test_invalid_arguments_are_refused_naming_the_field_and_send_nothing(server: Server, tool: str) -> None:
    schema = server.tools[tool].input_schema

    @SETTINGS
    @given(call=invalid_call(schema, server))
    def check(call: tuple[dict[str, Any], str]) -> None:
        arguments, field = call
        before = len(server.sandbox.stats.requests)
        result = server.call(tool, arguments)
        said = message(result)
        assert result.is_error, f"{tool} accepted {arguments!r}"
        assert said.startswith(f"Invalid arguments for {tool}"), said
        assert field in said, said
        assert bounded(said, schema), said
        assert len(server.sandbox.stats.requests) == before, f"{tool} sent a request for {arguments!r}"

    check()


@pytest.mark.parametrize("tool", TOOL_NAMES)
def test_valid_arguments_reach_zoom_exactly_as_given(server: Server, tool: str) -> None:
    listed = server.tools[tool]
    schema = listed.input_schema

    @SETTINGS
    @given(arguments=arguments_of(schema, schema, server))
    def check(arguments: dict[str, Any]) -> None:
        assert schema_valid(schema, arguments)
        before = len(server.sandbox.stats.requests)
        result = server.call(tool, arguments)
        sent = [request for request in server.sandbox.stats.requests[before:] if request.path.startswith("/v2/")]
        said = message(result)
        if result.is_error:
            assert bounded(said, schema), said
            assert said.strip() != f"Error executing tool {tool}", "an unexpected exception (see stderr)"
            if said.startswith("Invalid arguments"):
                assert not sent, "a refusal is made before any request"
        else:
            assert listed.output_schema is not None
            jsonschema.validate(result.structured_content, listed.output_schema)
        if sent:
            here = APPLIED_HERE.get(tool, set())
            given_arguments = {
                name: value for name, value in arguments.items() if value is not None and name not in here
            }
            looked_up = read_first(server.sandbox, given_arguments)
            for request in sent:
                assert_request_carries_only(request, given_arguments, looked_up)
            if not result.is_error:
                assert_nothing_dropped(sent, given_arguments)

    check()


def assert_request_carries_only(request: RecordedRequest, arguments: dict[str, Any], looked_up: set[str]) -> None:
    """Path segments are API words, the ids given or the uuids looked up for them; query values and body fields
    equal the arguments."""
    # Percent-decoded once: a uuid holding '/' is there as is, or still encoded if it was double-encoded (as
    # Zoom asks for one that starts with '/' or holds '//'). Such values are taken out whole first.
    path = request.path + "/"
    for value in [*(value for value in arguments.values() if isinstance(value, str)), *looked_up]:
        for form in (value, quote(value, safe="")):
            path = path.replace(f"/{form}/", "/me/")
    for segment in path.removesuffix("/").split("/")[1:]:
        if segment in API_WORDS or segment == "me":
            continue
        assert any(denotes(value, segment) for value in arguments.values()), f"{request.path}: {segment!r}"
    for name, value in arguments.items():
        query_name = QUERY_NAMES.get(name, name)
        if query_name in request.query:
            assert request.query[query_name] == query_text(value), (name, request.query)
    if isinstance(request.json, dict):
        assert_body_matches(request.json, arguments)


def read_first(sandbox: Sandbox, arguments: dict[str, Any]) -> set[str]:
    """What a tool may look up about the meeting given before reading it: its instances' uuids (to read the
    latest), their meeting and their host (whose timezone local times are given in)."""
    instances = [
        instance
        for instance in sandbox.state.instances
        if any(value == instance.uuid or denotes(value, str(instance.meeting_id)) for value in arguments.values())
    ]
    return {text for instance in instances for text in (instance.uuid, instance.host_id, str(instance.meeting_id))}


def assert_body_matches(body: dict[str, Any], arguments: dict[str, Any]) -> None:
    for name, value in body.items():
        if name == "settings":
            for flag, flag_value in value.items():
                assert arguments.get(flag) == flag_value, ("settings", flag)
        elif name == "type":
            continue  # Zoom's meeting type code, derived from type and recurrence
        elif name == "start_time":
            assert same_instant(value, arguments["start_time"]), (value, arguments["start_time"])
        elif name == "recurrence":
            assert_recurrence_matches(value, arguments["recurrence"])
        else:
            assert name in arguments, f"the body carries {name}, which was not given"
            assert value == arguments[name], name


def assert_recurrence_matches(sent: dict[str, Any], given: dict[str, Any]) -> None:
    codes = {"daily": 1, "weekly": 2, "monthly": 3}
    for name, value in sent.items():
        if name == "type":
            assert value == codes[given["type"]]
        elif name == "weekly_days":
            assert value == ",".join(str(day) for day in sorted(set(given["weekly_days"])))
        else:
            assert value == given[name], ("recurrence", name)
    assert {name for name, value in given.items() if value is not None} <= set(sent), "recurrence fields dropped"


def assert_nothing_dropped(requests: list[RecordedRequest], arguments: dict[str, Any]) -> None:
    """Every argument given is in some request, and in the write itself when there is one: an occurrence_id
    read with a GET but left out of the DELETE would widen the change to the whole series."""
    requests = [request for request in requests if request.method != "GET"] or requests
    for name, value in arguments.items():
        if name in LOCAL_ONLY or (name == "type" and any(request.method == "POST" for request in requests)):
            continue
        found = False
        for request in requests:
            body = request.json if isinstance(request.json, dict) else {}
            found |= in_path(value, request.path)
            found |= request.query.get(QUERY_NAMES.get(name, name)) == query_text(value)
            found |= name in body or name in body.get("settings", {})
        assert found, f"{name} was given but sent in no request"


def in_path(value: Any, path: str) -> bool:
    """Whether the (once percent-decoded) path carries this argument: a whole segment, or a uuid holding '/'
    as it is or double-encoded."""
    if isinstance(value, str) and any(f"/{form}/" in f"{path}/" for form in (value, quote(value, safe=""))):
        return True
    return any(denotes(value, segment) for segment in path.split("/"))


def denotes(value: Any, segment: str) -> bool:
    """Whether a path segment is this argument's id: as given, or (for a pasted meeting id) its digits."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return False
    if str(value) == segment:
        return True
    written = re.split("[?#]", str(value), maxsplit=1)[0]  # a join link's query, or a query pasted with it
    written = written.removeprefix(link[0]) if (link := re.match("https://[^/]+/j/", written)) else written
    return bool(re.fullmatch("[0-9 -]+", written)) and written.replace(" ", "").replace("-", "") == segment


def query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def same_instant(sent: str, given: str) -> bool:
    """Zoom's two forms, to the second: UTC with 'Z' for a time with an offset, else the local time."""
    moment = datetime.fromisoformat(given)
    if moment.tzinfo is None:
        return sent == moment.strftime("%Y-%m-%dT%H:%M:%S")
    return sent == moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
