"""What the server says about itself: protocol errors, capabilities and instructions match what it serves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, METHOD_NOT_FOUND

from tests.conftest import sandbox_settings
from zoom_mcp.server.app import create_app
from zoom_mcp.server.sandbox import Sandbox
from zoom_mcp.server.settings import Settings
from zoom_mcp.server.zoom.retry import RetryPolicy

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("read_only", "tool", "phrase"),
    [
        (False, "no_such_tool", "tools/list names the tools"),
        (True, "no_such_tool", "tools/list names the tools"),
        (True, "create_meeting", "create_meeting is not available because this server runs read-only"),
        (True, "delete_meeting", "delete_meeting is not available because this server runs read-only"),
    ],
)
async def test_an_unknown_tool_is_a_json_rpc_invalid_params_error(
    sandbox: Sandbox, retry: RetryPolicy, read_only: bool, tool: str, phrase: str
) -> None:
    app = create_app(sandbox_settings(sandbox, mcp_read_only=read_only), transport=sandbox.transport(), retry=retry)
    async with Client(app) as client:
        with pytest.raises(MCPError) as raised:
            await client.call_tool(tool, {})
    assert raised.value.code == INVALID_PARAMS
    assert phrase in raised.value.message
    assert "no_such_tool" not in raised.value.message, "an unknown name is not echoed"
    assert sandbox.stats.requests == []


UNSERVED: list[tuple[str, Callable[[Client], Awaitable[Any]]]] = [
    ("prompts/list", lambda client: client.list_prompts()),
    ("prompts/get", lambda client: client.get_prompt("summary")),
    ("resources/list", lambda client: client.list_resources()),
    ("resources/templates/list", lambda client: client.list_resource_templates()),
    ("resources/read", lambda client: client.read_resource("zoom://meetings")),
]


@pytest.mark.parametrize(("method", "call"), UNSERVED, ids=[row[0] for row in UNSERVED])
async def test_prompts_and_resources_are_neither_advertised_nor_served(
    client: Client, method: str, call: Callable[[Client], Awaitable[Any]]
) -> None:
    capabilities = client.server_capabilities
    assert capabilities is not None
    assert capabilities.tools is not None
    assert capabilities.prompts is None
    assert capabilities.resources is None
    with pytest.raises(MCPError) as raised:
        await call(client)
    assert raised.value.code == METHOD_NOT_FOUND


def mode_settings(mode: str, sandbox: Sandbox) -> Settings:
    if mode == "no credentials":
        return Settings(_env_file=None)
    return sandbox_settings(sandbox, mcp_read_only=mode == "read-only")


@pytest.mark.parametrize(
    ("mode", "present", "absent"),
    [
        ("full", ["create_meeting make", "update meeting", "transcript"], ["Read-only", "SANDBOX"]),
        ("read-only", ["Read-only mode", "transcript"], ["create", "update", "delete"]),
        ("sandbox", ["SANDBOX MODE", "create meeting"], ["No Zoom credentials"]),
        ("no credentials", ["No Zoom credentials are configured"], ["SANDBOX"]),
    ],
)
async def test_instructions_describe_only_what_this_mode_serves(
    sandbox: Sandbox, mode: str, present: list[str], absent: list[str]
) -> None:
    app = create_app(mode_settings(mode, sandbox), transport=sandbox.transport(), sandbox=mode == "sandbox")
    async with Client(app) as client:
        instructions = client.instructions or ""
        listed = {tool.name for tool in (await client.list_tools()).tools}
    for phrase in present:
        assert phrase in instructions
    for phrase in absent:
        assert phrase not in instructions
    # Every tool the instructions name by name is one the model can call.
    named = {word.strip(".,:;()") for word in instructions.split() if "_" in word} - {"next_page_token"}
    assert named <= listed
