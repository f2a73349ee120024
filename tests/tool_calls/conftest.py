"""Helpers for calling tools through the protocol and reading Zoom (the sandbox) directly."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx2
import jsonschema
import pytest
from mcp import Client
from mcp_types import CallToolResult, TextContent

from zoom_mcp.server.sandbox import SANDBOX_ORIGIN, Sandbox

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def parse_local(text: str) -> datetime:
    """A local time as results give it, "2026-12-03T15:00:00-05:00 (Thu)": the weekday must be right."""
    moment_text, _, weekday = text.partition(" ")
    moment = datetime.fromisoformat(moment_text)
    assert moment.utcoffset() is not None, text
    assert weekday == f"({WEEKDAYS[moment.weekday()]})", text
    return moment


def start_utc(meeting: dict[str, Any]) -> str:
    """A listed meeting's start in Zoom's UTC form, from the local time lists give (offset included)."""
    return parse_local(meeting["start_time_local"]).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def text_of(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


async def call_ok(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """Call a tool that must succeed; check structured content against the advertised output schema."""
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    assert json.loads(text_of(result)) == result.structured_content
    assert "\n" not in text_of(result), "the text block is compact JSON, without indentation"
    listed = {listed_tool.name: listed_tool for listed_tool in (await client.list_tools()).tools}
    output_schema = listed[tool].output_schema
    assert output_schema is not None
    jsonschema.validate(result.structured_content, output_schema)
    return dict(result.structured_content)


async def call_error(client: Client, tool: str, arguments: dict[str, Any]) -> str:
    result = await client.call_tool(tool, arguments)
    assert result.is_error, f"{tool} should have failed: {text_of(result)}"
    return text_of(result)


class ZoomDirect:
    """Reads the sandbox over raw HTTP with its own token: the independent view tests compare against."""

    def __init__(self, http: httpx2.AsyncClient, token: str) -> None:
        self._http = http
        self._token = token

    async def get(self, path: str, **params: Any) -> Any:
        response = await self._http.get(f"/v2{path}", params=params, headers={"Authorization": f"Bearer {self._token}"})
        response.raise_for_status()
        return response.json()


@pytest.fixture
async def zoom(sandbox: Sandbox) -> AsyncIterator[ZoomDirect]:
    credentials = sandbox.credentials
    async with httpx2.AsyncClient(transport=sandbox.transport(), base_url=SANDBOX_ORIGIN) as http:
        answer = await http.post(
            "/oauth/token",
            data={"grant_type": "account_credentials", "account_id": credentials.account_id},
            auth=(credentials.client_id, credentials.client_secret),
        )
        answer.raise_for_status()
        yield ZoomDirect(http, answer.json()["access_token"])
