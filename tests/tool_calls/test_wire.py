"""The real process on raw stdio: stdout carries JSON-RPC and nothing else, whatever arrives on stdin."""

from __future__ import annotations

import json
from typing import Any

import anyio
import pytest
from anyio.abc import Process
from anyio.streams.text import TextReceiveStream

from tests.conftest import ZOOM_MCP

pytestmark = [pytest.mark.anyio, pytest.mark.stdio]
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "wire-test", "version": "1"},
    },
}


async def send(process: Process, line: str) -> None:
    assert process.stdin is not None
    await process.stdin.send((line + "\n").encode())


async def read_until(lines: list[dict[str, Any]], stream: TextReceiveStream, wanted_id: int) -> dict[str, Any]:
    buffer = ""
    async for chunk in stream:
        buffer += chunk
        while "\n" in buffer:
            line, buffer = buffer.split("\n", 1)
            message = json.loads(line)  # every byte on stdout must be JSON-RPC
            assert message["jsonrpc"] == "2.0"
            lines.append(message)
            if message.get("id") == wanted_id:
                return message
    raise AssertionError(f"stdout closed before the answer to request {wanted_id}")


async def test_garbage_and_invalid_messages_do_not_stop_the_server() -> None:
    seen: list[dict[str, Any]] = []
    async with await anyio.open_process([ZOOM_MCP, "--sandbox"]) as process:
        assert process.stdout is not None
        stdout = TextReceiveStream(process.stdout)
        with anyio.fail_after(30):
            await send(process, "this is not json")
            await send(process, json.dumps(INITIALIZE))
            initialized = await read_until(seen, stdout, 1)
            await send(process, json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            await send(process, '{"jsonrpc": "2.0", "id": 2, "method": ')
            await send(process, json.dumps({"hello": "world"}))
            await send(process, json.dumps({"jsonrpc": "2.0", "id": 3, "method": "no/such/method"}))
            unknown = await read_until(seen, stdout, 3)
            await send(process, json.dumps({"jsonrpc": "2.0", "id": 4, "method": "tools/list"}))
            tools = await read_until(seen, stdout, 4)
            call = {"name": "get_user_info", "arguments": {}}
            await send(process, json.dumps({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": call}))
            result = await read_until(seen, stdout, 5)
            assert process.stdin is not None
            await process.stdin.aclose()
            await process.wait()
    assert initialized["result"]["serverInfo"]["name"] == "zoom-mcp"
    assert unknown["error"]["code"] == -32601
    assert {tool["name"] for tool in tools["result"]["tools"]} >= {"get_user_info", "list_meetings", "create_meeting"}
    assert result["result"]["structuredContent"]["sandbox"] is True
    assert not result["result"].get("isError")
    errors = [message for message in seen if "error" in message]
    assert all(message["error"]["code"] in {-32700, -32600, -32601} for message in errors)
