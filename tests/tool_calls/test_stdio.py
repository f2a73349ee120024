"""The installed `zoom-mcp` as an assistant runs it: a subprocess speaking MCP over stdio."""

from __future__ import annotations

import json
import subprocess
from datetime import date, datetime

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from tests.conftest import ZOOM_MCP
from tests.tool_calls.conftest import call_error, call_ok

pytestmark = [pytest.mark.anyio, pytest.mark.stdio]


def zoom_mcp(*args: str, env: dict[str, str] | None = None) -> StdioServerParameters:
    return StdioServerParameters(command=ZOOM_MCP, args=list(args), env=env)


async def test_sandbox_server_over_stdio_serves_the_core_tools() -> None:
    async with Client(zoom_mcp("--sandbox")) as client:
        assert client.server_info is not None
        assert client.server_info.name == "zoom-mcp"
        assert "SANDBOX" in (client.instructions or "")
        user = await call_ok(client, "get_user_info", {})
        page = await call_ok(client, "list_meetings", {"type": "upcoming"})
        created = await call_ok(
            client, "create_meeting", {"topic": "over stdio", "start_time": "2031-03-01T10:00:00Z", "duration": 20}
        )
    assert user["sandbox"] is True
    assert page["sandbox"] is True
    assert page["meetings"]
    assert created["topic"] == "over stdio"
    assert created["start_time"] == "2031-03-01T10:00:00Z"


@pytest.mark.parametrize("args", [("--sandbox", "--read-only"), ("serve", "--sandbox", "--read-only")])
async def test_serve_options_work_before_and_after_the_command(args: tuple[str, ...]) -> None:
    async with Client(zoom_mcp(*args)) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        user = await call_ok(client, "get_user_info", {})
        instructions = client.instructions or ""
    assert "SANDBOX" in instructions
    assert user["sandbox"] is True
    assert "create_meeting" not in names


async def test_without_credentials_the_server_starts_and_says_what_to_set() -> None:
    async with Client(zoom_mcp()) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        message = await call_error(client, "get_user_info", {})
    assert {"get_user_info", "list_meetings", "create_meeting"} <= names
    for variable in ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET", "ZOOM_ACCESS_TOKEN"):
        assert variable in message


def test_help_and_version() -> None:
    help_text = subprocess.run([ZOOM_MCP, "--help"], capture_output=True, text=True, check=True).stdout
    version = subprocess.run([ZOOM_MCP, "--version"], capture_output=True, text=True, check=True).stdout
    for command in ("demo", "token", "sandbox", "--sandbox", "--read-only"):
        assert command in help_text
    assert version.startswith("zoom-mcp ")


def test_demo_runs_the_seed_example_on_the_sandbox() -> None:
    finished = subprocess.run([ZOOM_MCP, "demo", "--json"], capture_output=True, text=True, timeout=60, check=True)
    report = json.loads(finished.stdout)
    assert report["source"] == "sandbox"
    assert report["user"]["email"]
    # The next seven days in the user's timezone, as a calendar: the sandbox's weekly standup appears once
    # per occurrence, each with its occurrence id, in start order.
    week = report["meetings"]
    first, last = date.fromisoformat(week["from_date"]), date.fromisoformat(week["to_date"])
    assert (last - first).days == 6
    assert week["timezone"] == report["user"]["timezone"]
    standups = [m for m in week["meetings"] if m["topic"] == "Team standup"]
    assert len(standups) >= 2
    assert len({m["occurrence_id"] for m in standups}) == len(standups)
    starts = [datetime.fromisoformat(m["start_time_local"].split(" ")[0]) for m in week["meetings"]]
    assert starts == sorted(starts)
    assert report["created_meeting"]["topic"] == "zoom-mcp demo meeting"
    assert report["created_meeting"]["join_url"]
    assert "start_url" not in finished.stdout


def test_demo_prints_readable_output() -> None:
    finished = subprocess.run([ZOOM_MCP, "demo"], capture_output=True, text=True, timeout=60, check=True)
    for heading in ("Fetching user info", "Listing meetings", "Creating test meeting", "sandbox"):
        assert heading in finished.stdout
