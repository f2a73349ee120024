"""The catalogue's cost in tokens: compact schemas, a budget per tool, the same bytes in every session.

Token counts are cl100k_base (tests/bench/context.py measures the same things and more).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import jsonschema
import pytest

from tests.bench.context import catalogue
from zoom_mcp.server.settings import Settings

pytestmark = pytest.mark.anyio


def schema_nodes(schema: Any) -> list[dict[str, Any]]:
    """Every (sub)schema of a JSON schema: the values that are schemas, not property names."""
    nodes = []
    pending = [schema]
    while pending:
        node = pending.pop()
        if not isinstance(node, dict):
            continue
        nodes.append(node)
        pending += list(node.get("properties", {}).values()) + list(node.get("$defs", {}).values())
        pending += [node[key] for key in ("items", "additionalProperties") if isinstance(node.get(key), dict)]
        pending += node.get("anyOf", []) + node.get("oneOf", []) + node.get("allOf", [])
    return nodes


async def test_schemas_carry_no_titles_and_no_null_wrappers() -> None:
    for tool in await catalogue(Settings(_env_file=None)):
        for kind in ("inputSchema", "outputSchema"):
            jsonschema.Draft202012Validator.check_schema(tool[kind])
            for node in schema_nodes(tool[kind]):
                where = f"{tool['name']} {kind}"
                assert "title" not in node, where
                assert node.get("type") != "null", where
                assert node.get("default", "") is not None, where


async def test_every_parameter_keeps_its_limits() -> None:
    tools = {tool["name"]: tool for tool in await catalogue(Settings(_env_file=None))}
    create = tools["create_meeting"]["inputSchema"]["properties"]
    assert create["topic"]["maxLength"] == 200
    assert create["duration"] == {
        "description": create["duration"]["description"],
        "maximum": 1440,
        "minimum": 1,
        "type": "integer",
    }
    assert create["password"]["pattern"]
    assert create["recurrence"]["$ref"].startswith("#/$defs/")
    assert tools["list_meetings"]["inputSchema"]["properties"]["page_size"]["maximum"] == 300
    assert tools["get_meeting"]["inputSchema"]["required"] == ["meeting_id"]


CATALOGUE_SCRIPT = """
import anyio, sys
from tests.bench.context import catalogue, compact_json
from zoom_mcp.server.settings import Settings
sys.stdout.write(compact_json(anyio.run(catalogue, Settings(_env_file=None))))
"""


def test_the_catalogue_is_byte_identical_across_sessions() -> None:
    """Clients cache tools/list: two processes (with different hash seeds) must publish the same bytes."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    outputs = []
    for seed in ("1", "2"):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", CATALOGUE_SCRIPT], capture_output=True, cwd=root, env=environment, check=True
        )
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])
