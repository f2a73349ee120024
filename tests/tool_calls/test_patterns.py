"""Every `pattern` in the catalogue is the rule the server runs, as a JSON Schema validator reads it.

JSON Schema patterns are ECMA-262 regular expressions (`\\d` is an ASCII digit there, not in Python). The
server runs each one through `Matches` (server/arguments.py); here a real ECMA-262 engine (Node.js, which
CI has for the Inspector and conformance tests) judges thousands of strings against every published pattern,
with and without the `u` flag, and must agree with the server on each.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from mcp.server.mcpserver.tools import Tool

from tests.bench.context import catalogue
from zoom_mcp.server.arguments import Matches, ecma_regex
from zoom_mcp.server.settings import Settings
from zoom_mcp.tools.catalogue import TOOLS

pytestmark = pytest.mark.anyio

# Valid values of every kind of pattern, and near misses; each is also mutated with every probe below.
EXAMPLES = [
    "me",
    "zoë@example.com",
    "o'brien@example.com",
    "jill+zoom@example.com",
    "KDcuGIm1QgePTO8WbOqwIQ",
    ".",
    "..",
    "...",
    ".me",
    "2030-05-01",
    "2000-01-01",
    "2099-12-31",
    "1999-12-31",
    "2100-01-01",
    "2030-05-01T15:00",
    "2030-05-01T15:00:00",
    "2030-05-01T15:00:00Z",
    "2030-05-01T15:00:00.123456+02:00",
    "2030-05-01T15:00:00.1234567Z",
    "2030-05-01T15:00-14:00",
    "85222310696",
    "123456789",
    "12345678",
    "1648194360000",
    "Ab1@_*-",
    "aBcDeFgHiJk",
    "4444AAAiAAAAAiAiAiiAii==",
    "/ajXp112QmuoKj4854875==",
    "a_b-c+d/e=f",
]
PROBES = [
    *"09aZ_-./?#%\\ @+=*:T'",
    "\n",
    "\r",
    "\t",
    "\x00",
    "\x1c",
    "\x1f",
    "\x7f",
    "\x85",
    "\xa0",
    "é",
    "\u0661",
    "\u0966",
    "\uff11",
    "\u1680",
    "\u2000",
    "\u200b",
    "\u200f",
    "\u2019",
    "\u2028",
    "\u202e",
    "\u205f",
    "\u202f",
    "\u2060",
    "\u180e",
    "\u3000",
    "\ufeff",
    "\ufffd",
    "\U0001f600",
]
NODE_JUDGE = """
const {patterns, strings} = JSON.parse(require("fs").readFileSync(0, "utf8"));
const verdicts = {};
for (const pattern of patterns) {
  for (const flags of ["", "u"]) {
    const regex = new RegExp(pattern, flags);
    verdicts[flags + ":" + pattern] = strings.map((text) => regex.test(text));
  }
}
process.stdout.write(JSON.stringify(verdicts));
"""


def probe_strings() -> list[str]:
    strings = set(EXAMPLES) | set(PROBES) | {example + "\n" for example in EXAMPLES}
    for example in EXAMPLES:
        for probe in PROBES:
            for at in (0, len(example) // 2, len(example)):
                strings.add(example[:at] + probe + example[at:])
            strings.add(example[:-1] + probe)
    return sorted(strings)


def patterns_in(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        if isinstance(schema.get("pattern"), str):
            yield schema["pattern"]
        for key, value in schema.items():
            if key != "properties" or not isinstance(value, dict):
                yield from patterns_in(value)
            else:
                for child in value.values():
                    yield from patterns_in(child)
    elif isinstance(schema, list):
        for value in schema:
            yield from patterns_in(value)


def published_patterns(tools: list[dict[str, Any]]) -> set[str]:
    return {pattern for tool in tools for pattern in patterns_in(tool["inputSchema"])}


async def test_an_ecma_262_engine_and_the_server_agree_on_every_published_pattern() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (CI installs it for the Inspector tests)")
    patterns = sorted(published_patterns(await catalogue(Settings(_env_file=None))))
    strings = probe_strings()
    judged = await anyio.run_process(
        [node, "-e", NODE_JUDGE], input=json.dumps({"patterns": patterns, "strings": strings}).encode()
    )
    verdicts = json.loads(judged.stdout)
    disagreements = []
    for pattern in patterns:
        server = ecma_regex(pattern)
        for flags in ("", "u"):
            for text, ecma in zip(strings, verdicts[f"{flags}:{pattern}"], strict=True):
                if ecma != bool(server.search(text)):
                    disagreements.append(f"/{pattern}/{flags} {text!r}: ECMA-262 {ecma}")
    assert not disagreements, f"{len(disagreements)} disagreements, e.g. " + "; ".join(disagreements[:5])
    assert len(strings) > 4000
    assert len(patterns) >= 6


def matches_in(core: Any) -> Iterator[Matches]:
    """The Matches checks in a pydantic core schema, and any pattern pydantic itself would run."""
    if isinstance(core, dict):
        assert "pattern" not in core or core.get("type") != "str", f"Field(pattern={core['pattern']!r}): use Matches"
        check = core.get("function")
        if callable(check) and isinstance(getattr(check, "__self__", None), Matches):
            yield check.__self__
        for value in core.values():
            yield from matches_in(value)
    elif isinstance(core, list):
        for value in core:
            yield from matches_in(value)


async def test_every_published_pattern_is_checked_by_matches_and_no_other_way() -> None:
    """No pattern published but unchecked (json_schema_extra), none run by pydantic's Unicode-aware regex."""
    tools = await catalogue(Settings(_env_file=None))
    checked = set()
    for spec in TOOLS:
        arguments = Tool.from_function(spec.function, structured_output=True).fn_metadata.arg_model
        checked |= {matches.pattern for matches in matches_in(arguments.__pydantic_core_schema__)}
    assert published_patterns(tools) == checked


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [
        (r"^[\S]+$", r"\S"),
        (r"^a.b$", "."),
        (r"^a\\.b$", "."),
        (r"^\d+\Z", r"\Z"),
        (r"^(?P<id>\d+)$", "(?"),
        (r"^(?i)a$", "(?"),
        (r"^[]a]$", "["),
    ],
)
def test_a_pattern_read_differently_by_python_is_refused_when_defined(pattern: str, construct: str) -> None:
    with pytest.raises(ValueError, match="ECMA-262") as refused:
        Matches(pattern, "never used")
    assert construct in str(refused.value)


@pytest.mark.parametrize(
    ("pattern", "text", "matched"),
    [
        (r"^\d+$", "123", True),
        (r"^\d+$", "\u0661\u0662", False),
        (r"^\d+$", "123\n", False),
        (r"^\w+$", "zoë", False),
        (r"^a\.b$", "a.b", True),
        (r"^a\.b$", "axb", False),
        (r"^(?!\.\.?$)[^/]+$", "..", False),
        (r"^(?!\.\.?$)[^/]+$", "...", True),
        (r"^[$]+$", "$$", True),
        (r"^\s$", "\ufeff", True),
        (r"^\s$", "\u2028", True),
        (r"^\s$", "\x1c", False),
        (r"^\S$", "\x85", True),
        (r"^[^\s]$", "\x85", True),
        (r"^[^\s]$", "\u3000", False),
        (r"^a|b$", "ax", True),
    ],
)
def test_ecma_regex_reads_patterns_as_ecma_262(pattern: str, text: str, matched: bool) -> None:
    assert bool(ecma_regex(pattern).search(text)) is matched
